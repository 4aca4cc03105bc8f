/**
 * The small per-device trackers kept across restarts inside each `devices.db` record (saved
 * with the record, in the registry's batches): flapping changes within the window, the connects
 * a wake interval is learned from, take-overs within the fight window with their addresses, an
 * announced sleep, and the telemetry gaps a silence period is learned from. Every list is
 * bounded by the ring it comes from. A damaged `trackers` field is ignored on its own (the
 * device record is kept) and counted by the caller.
 */
import type { DeviceRecord } from './device.js';
import type { FlapState } from './flapping.js';
import type { Wake } from './intervals.js';
import type { TakeoverState } from './duplicates.js';

/** longest list accepted from disk (the rings are smaller; this only stops a hostile file) */
const MAX_LIST = 64;

export interface PersistedTrackers {
  flap: FlapState;
  wakes: Wake[];
  takeovers: TakeoverState;
  announcedSleep: DeviceRecord['announcedSleep'];
  silenceGaps: number[];
}

export function trackersOf(d: DeviceRecord): PersistedTrackers {
  return {
    flap: d.flap.snapshot(),
    wakes: d.learner.snapshot(),
    takeovers: d.takeovers.snapshot(),
    announcedSleep: d.announcedSleep ? { ...d.announcedSleep } : null,
    silenceGaps: d.silence.learnedGaps(),
  };
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isTimeOrNull = (v: unknown): v is number | null => v === null || isTime(v);
/** fields added later: absent in older files */
const isOptTime = (v: unknown): v is number | null | undefined => v === undefined || isTimeOrNull(v);
const list = <T>(v: unknown, item: (x: unknown) => x is T): v is T[] => Array.isArray(v) && v.length <= MAX_LIST && v.every(item);

function isWake(v: unknown): v is Wake {
  return isObj(v) && isTime(v['connectedAt']) && isTimeOrNull(v['endedAt']);
}

function isFlap(v: unknown): v is FlapState {
  return isObj(v) && list(v['changes'], isTime) && isTimeOrNull(v['flappingSince']) && isTimeOrNull(v['lastChangeAt']) && isOptTime(v['endedAt']) && isOptTime(v['endedSince']);
}

function isTakeovers(v: unknown): v is TakeoverState {
  return isObj(v) && list(v['takeovers'], isTime) && list(v['addresses'], (a): a is string => typeof a === 'string') && isTimeOrNull(v['fightingSince']);
}

function isSleep(v: unknown): v is DeviceRecord['announcedSleep'] {
  return v === null || (isObj(v) && isTime(v['at']) && isTimeOrNull(v['wakeAt']) && (v['word'] === null || typeof v['word'] === 'string'));
}

/** The trackers of a saved record, or undefined when absent (older files) or damaged. */
export function parseTrackers(v: unknown): PersistedTrackers | undefined {
  if (!isObj(v)) return undefined;
  const { flap, wakes, takeovers, announcedSleep, silenceGaps } = v;
  if (!isFlap(flap) || !list(wakes, isWake) || !isTakeovers(takeovers) || !isSleep(announcedSleep) || !list(silenceGaps, isTime)) return undefined;
  return { flap, wakes, takeovers, announcedSleep, silenceGaps };
}

export function applyTrackers(d: DeviceRecord, t: PersistedTrackers, now: number): void {
  d.flap.restore(t.flap, now);
  d.learner.restore(t.wakes);
  d.takeovers.restore(t.takeovers, now);
  d.announcedSleep = t.announcedSleep ? { ...t.announcedSleep } : null;
  d.silence.restoreGaps(t.silenceGaps);
}
