/**
 * The registry's record of one device: the FACTS we observed (sessions, availability messages,
 * telemetry) plus small trackers. Its status is derived from the facts (status.ts), never set
 * directly, so a late or contradictory message cannot leave a stale state behind.
 */
import type {
  Availability,
  ConventionId,
  DeviceFlagDto,
  DeviceFlagKind,
  DeviceStatus,
  SessionDto,
  StatusReason,
  TelemetryDto,
  TelemetryMetric,
  WillDto,
} from '../../contract/fleet.js';
import type { Will } from '../../../broker-core/index.js';
import { preview } from './payload.js';
import { FlapDetector, type FlapSettings } from './flapping.js';
import { IntervalLearner } from './intervals.js';
import { TakeoverTracker } from './duplicates.js';
import { SilenceWatch } from './silence.js';
import { Ring } from './ring.js';

export type DeviceId = string & { readonly __brand: 'DeviceId' };

/** Sessions remembered per device. */
export const MAX_SESSIONS = 20;
/** Availability topics linked to one device. */
export const MAX_AVAILABILITY_TOPICS = 8;
/** Published topics remembered per device (least recently published shed first). */
export const MAX_DEVICE_TOPICS = 100;
/** Points per telemetry series. */
export const MAX_SERIES_POINTS = 120;

export interface StatusRecord {
  status: DeviceStatus;
  reason: StatusReason;
  detail: string | null;
  since: number;
}

/** The latest availability message about a device. */
export interface AvailabilityFact {
  topicName: string;
  availability: Availability;
  word: string | null;
  payload: string;
  publisherId: string;
  isWill: boolean;
  retained: boolean;
  at: number;
  /** published by the device's own client, not as its will */
  fromSelf: boolean;
  /** the convention says the device publishes this itself (false: a bridge reports it) */
  selfReportedConvention: boolean;
  /** found in the retained store when presence attached (published in an earlier broker run) */
  beforeStart: boolean;
  /** the device announced when it wakes (ms since epoch) */
  wakeAt: number | null;
}

export class Series {
  private readonly t = new Float64Array(MAX_SERIES_POINTS);
  private readonly v = new Float64Array(MAX_SERIES_POINTS);
  private start = 0;
  private size = 0;

  push(at: number, value: number): void {
    const i = (this.start + this.size) % MAX_SERIES_POINTS;
    this.t[i] = at;
    this.v[i] = value;
    if (this.size < MAX_SERIES_POINTS) this.size++;
    else this.start = (this.start + 1) % MAX_SERIES_POINTS;
  }

  points(): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    for (let k = 0; k < this.size; k++) {
      const i = (this.start + k) % MAX_SERIES_POINTS;
      out.push([this.t[i] as number, this.v[i] as number]);
    }
    return out;
  }
}

export interface DeviceRecord {
  id: DeviceId;
  clientId: string | null;
  name: string;
  convention: ConventionId | null;
  /** the live session, if any */
  session: SessionDto | null;
  /** the most recent ended session */
  lastEnded: SessionDto | null;
  /** all sessions, oldest first (the live one included) */
  sessions: Ring<SessionDto>;
  firstSeen: number | null;
  lastSeen: number | null;
  reconnectCount: number;
  /** known from before this broker run and not reconnected since */
  restarted: boolean;
  /** declared in settings: shown as never-seen until it appears */
  expected: boolean;
  availability: AvailabilityFact | null;
  /** the last message on each linked availability topic (what that topic says now) */
  topicFacts: Map<string, AvailabilityFact>;
  /** the device itself said it goes to sleep (Homie `sleeping`, Tasmota DEEPSLEEP / `DeepSleep` will) */
  announcedSleep: { at: number; wakeAt: number | null; word: string | null } | null;
  availabilityTopics: string[];
  /** current status (after the flapping overlay) and the underlying one */
  status: StatusRecord;
  base: StatusRecord;
  flap: FlapDetector;
  learner: IntervalLearner;
  takeovers: TakeoverTracker;
  silence: SilenceWatch;
  declaredIntervalMs: number | null;
  group: string | null;
  telemetry: TelemetryDto;
  series: Partial<Record<TelemetryMetric, Series>>;
  /** published topics, least recently published first */
  topics: Map<string, TopicNote>;
  topicsShed: number;
  flags: Map<DeviceFlagKind, DeviceFlagDto>;
}

export function willDto(will: Will): WillDto {
  return { topicName: will.topicName, payload: preview(will.payload), payloadBytes: will.payload.byteLength, qos: will.qos, retain: will.retain };
}

export function emptyTelemetry(): TelemetryDto {
  return { rssiDbm: null, signalPercent: null, uptimeSec: null, freeHeapBytes: null, ip: null, firmware: null, at: null };
}

export function newDevice(id: DeviceId, name: string, now: number, flap: FlapSettings): DeviceRecord {
  const initial: StatusRecord = { status: 'never-seen', reason: 'no-session-yet', detail: null, since: now };
  return {
    id,
    clientId: null,
    name,
    convention: null,
    session: null,
    lastEnded: null,
    sessions: new Ring(MAX_SESSIONS),
    firstSeen: null,
    lastSeen: null,
    reconnectCount: 0,
    restarted: false,
    expected: false,
    availability: null,
    topicFacts: new Map(),
    announcedSleep: null,
    availabilityTopics: [],
    status: initial,
    base: initial,
    flap: new FlapDetector(flap),
    learner: new IntervalLearner(),
    takeovers: new TakeoverTracker(),
    silence: new SilenceWatch(),
    declaredIntervalMs: null,
    group: null,
    telemetry: emptyTelemetry(),
    series: {},
    topics: new Map(),
    topicsShed: 0,
    flags: new Map(),
  };
}

/** Adds a topic link; returns the oldest link it dropped to stay within the bound. */
export function linkTopic(device: DeviceRecord, topicName: string): string | undefined {
  if (device.availabilityTopics.includes(topicName)) return undefined;
  device.availabilityTopics.push(topicName);
  return device.availabilityTopics.length > MAX_AVAILABILITY_TOPICS ? device.availabilityTopics.shift() : undefined;
}

export function seen(device: DeviceRecord, at: number): void {
  if (device.firstSeen === null || at < device.firstSeen) device.firstSeen = at;
  if (device.lastSeen === null || at > device.lastSeen) device.lastSeen = at;
}

/** What a device last published on one topic; the payload head is decoded only when shown. */
export interface TopicNote {
  topicName: string;
  count: number;
  lastAt: number;
  /** at most PREVIEW_HEAD_BYTES of the last payload */
  head: Uint8Array;
  retain: boolean;
}

/** bytes kept of a topic's last payload (a 256-character preview needs at most 1 KiB of UTF-8) */
export const PREVIEW_HEAD_BYTES = 1024;

export function noteTopic(device: DeviceRecord, topicName: string, payload: Uint8Array, retain: boolean, at: number): void {
  const existing = device.topics.get(topicName);
  // Copy: the broker may reuse the buffer, and a large payload must not stay alive through us.
  const head = payload.slice(0, PREVIEW_HEAD_BYTES);
  if (existing) {
    device.topics.delete(topicName);
    existing.count++;
    existing.lastAt = at;
    existing.head = head;
    existing.retain = retain;
    device.topics.set(topicName, existing);
    return;
  }
  device.topics.set(topicName, { topicName, count: 1, lastAt: at, head, retain });
  if (device.topics.size > MAX_DEVICE_TOPICS) {
    const oldest = device.topics.keys().next().value;
    if (oldest !== undefined) device.topics.delete(oldest);
    device.topicsShed += 1;
  }
}
