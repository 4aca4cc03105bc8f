/**
 * Status derivation: a pure function of a device's facts and the time. Rules, in order:
 * 1. a live session means online — availability payloads never outrank the broker's own knowledge;
 * 2. after a session ended: sleeping if the device announced sleep during that session or wakes
 *    on a known interval, else offline with the broker's disconnect reason;
 * 3. known only from before this broker run: offline, "broker restarted" (a retained "Online" is
 *    not believed, it is flagged);
 * 4. never had a session: believe payloads from bridges (Zigbee2MQTT devices have no session of
 *    their own); for self-reporting firmwares only believe offline/sleeping, and flag "online";
 * 5. sleeping past the expected wake (plus grace) becomes overdue.
 */
import type { DeviceFlagDto, StatusReason } from '../../contract/fleet.js';
import type { DisconnectReason } from '../../../broker-core/index.js';
import type { DeviceRecord, StatusRecord } from './device.js';

/** Grace after an expected wake before "overdue": half the sleep, at least this. */
export const MIN_WAKE_GRACE_MS = 5_000;

export function endReason(reason: DisconnectReason): StatusReason {
  switch (reason) {
    case 'clean':
      return 'clean-disconnect';
    case 'keepalive-timeout':
      return 'keepalive-timeout';
    case 'taken-over':
      return 'taken-over';
    case 'server-shutdown':
      return 'broker-restarted';
    case 'protocol-violation':
      return 'protocol-violation';
    case 'limit-exceeded':
      return 'limit-exceeded';
    default:
      // connection-lost, refused, server-error, and reasons a newer broker may add
      return 'connection-lost';
  }
}

export interface Interval {
  ms: number;
  source: 'declared' | 'learned';
}

export function effectiveInterval(d: DeviceRecord): Interval | null {
  if (d.declaredIntervalMs !== null) return { ms: d.declaredIntervalMs, source: 'declared' };
  const learned = d.learner.learned();
  return learned === null ? null : { ms: learned, source: 'learned' };
}

/** Disconnect reasons after which a device with a wake interval is presumed asleep. */
const SLEEPY_ENDS: ReadonlySet<StatusReason> = new Set(['clean-disconnect', 'keepalive-timeout', 'connection-lost']);

export interface Wake {
  /** when the device should be back */
  at: number;
  /** when it becomes overdue */
  deadline: number;
  source: 'declared' | 'learned' | 'payload';
}

/** When a sleeping device is expected back, if anything says so. */
export function expectedWake(d: DeviceRecord): Wake | null {
  const ended = d.lastEnded;
  const a = d.availability;
  const interval = effectiveInterval(d);
  let at: number | null = null;
  let sleptAt: number | null = null;
  let source: Wake['source'] = 'payload';
  const announced = d.announcedSleep;
  if (announced && announced.wakeAt !== null && (!ended || announced.at >= ended.connectedAt)) {
    at = announced.wakeAt;
    sleptAt = announced.at;
  } else if (!ended && a && a.availability === 'sleeping' && a.wakeAt !== null) {
    at = a.wakeAt;
    sleptAt = a.at;
  } else if (interval && ended) {
    // Intervals are wake-to-wake: the next connect is due one beat after the last one.
    at = ended.connectedAt + interval.ms;
    sleptAt = ended.endedAt ?? ended.connectedAt;
    source = interval.source;
  }
  if (at === null || sleptAt === null) return null;
  const grace = Math.max(MIN_WAKE_GRACE_MS, Math.round((at - sleptAt) / 2));
  return { at, deadline: at + grace, source };
}

function rec(status: StatusRecord['status'], reason: StatusReason, since: number, detail: string | null = null): StatusRecord {
  return { status, reason, detail, since };
}

function withOverdue(d: DeviceRecord, sleeping: StatusRecord, now: number): StatusRecord {
  const wake = expectedWake(d);
  if (wake && now > wake.deadline) return rec('overdue', 'missed-wake', wake.deadline);
  return sleeping;
}

export function deriveBase(d: DeviceRecord, now: number): StatusRecord {
  if (d.session) return rec('online', 'session', d.session.connectedAt);
  const a = d.availability;
  const ended = d.lastEnded;
  if (ended && !d.restarted) {
    const since = ended.endedAt ?? now;
    const announced = d.announcedSleep;
    if (announced && announced.at >= ended.connectedAt) {
      return withOverdue(d, rec('sleeping', 'sleep-payload', since, announced.word), now);
    }
    const reason = ended.endReason ?? 'connection-lost';
    if (SLEEPY_ENDS.has(reason) && effectiveInterval(d)) return withOverdue(d, rec('sleeping', 'expected-interval', since), now);
    return rec('offline', reason, since, ended.endDetail);
  }
  if (d.restarted) {
    if (a && a.availability === 'sleeping') return withOverdue(d, rec('sleeping', 'sleep-payload', a.at, a.word), now);
    return rec('offline', 'broker-restarted', a?.at ?? d.firstSeen ?? now);
  }
  if (a) {
    if (a.availability === 'sleeping') return withOverdue(d, rec('sleeping', 'sleep-payload', a.at, a.word), now);
    if (a.availability === 'offline') return rec('offline', 'reported-offline', a.at, a.word);
    if (!a.selfReportedConvention) return rec('online', 'reported-online', a.at, a.word);
  }
  return rec('never-seen', 'no-session-yet', d.firstSeen ?? now);
}

/**
 * Reconciliation flags that follow from the facts (the others come from trackers), judged per
 * availability topic on what that topic says now:
 * - a topic says online but there is no session (a retained birth outliving its device);
 * - a topic says offline/sleeping while the session lives, and the device did not say it itself
 *   (another client, or the will of an older session landing late).
 */
export function reconciliationFlags(d: DeviceRecord): DeviceFlagDto[] {
  const flags: DeviceFlagDto[] = [];
  for (const topic of d.availabilityTopics) {
    const a = d.topicFacts.get(topic);
    if (!a) continue;
    if (!d.session && a.availability === 'online' && a.selfReportedConvention && !flags.some((f) => f.kind === 'online-without-session')) {
      flags.push({ kind: 'online-without-session', topicName: a.topicName, payload: a.payload, retained: a.retained || a.beforeStart, since: a.at });
    }
    if (d.session && !a.fromSelf && a.availability !== 'online' && a.at >= d.session.connectedAt && !flags.some((f) => f.kind === 'availability-contradicts-session')) {
      flags.push({ kind: 'availability-contradicts-session', topicName: a.topicName, payload: a.payload, publisherId: a.publisherId, isWill: a.isWill, since: a.at });
    }
  }
  return flags;
}
