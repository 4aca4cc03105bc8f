/**
 * Contract area `fleet`: which devices exist, whether they are alive and why, their telemetry,
 * sessions and outages. DTOs are plain JSON-safe data; the presence service builds them and the
 * Fleet view renders them. Vocabulary (see ARCHITECTURE.md, "Presence"):
 *
 * - device: one thing on the network, keyed by its MQTT client id, or by `<convention>:<name>`
 *   when it is only known from availability topics (e.g. a retained Tasmota LWT, a Zigbee device
 *   reported by its bridge).
 * - status: what we believe now (`online`, `offline`, `sleeping`, `overdue`, `flapping`,
 *   `never-seen`), always with a reason.
 * - flag: something that does not add up (a retained "Online" with no session, two devices
 *   fighting over one client id, …) — shown, never silently believed.
 */

export type DeviceStatus = 'online' | 'offline' | 'sleeping' | 'overdue' | 'flapping' | 'never-seen';

export type StatusReason =
  /** online: a live MQTT session */
  | 'session'
  /** online: another client (a bridge) reports it online; it has no session of its own */
  | 'reported-online'
  /** offline: the client sent DISCONNECT */
  | 'clean-disconnect'
  /** offline: nothing received for 1.5 × keepalive */
  | 'keepalive-timeout'
  /** offline: the connection closed or errored without DISCONNECT */
  | 'connection-lost'
  /** offline: another connection used the same client id */
  | 'taken-over'
  /** offline: the broker restarted and the device has not reconnected since */
  | 'broker-restarted'
  /** offline: the broker closed the connection for a protocol violation */
  | 'protocol-violation'
  /** offline: the broker closed the connection because a bound was exceeded */
  | 'limit-exceeded'
  /** offline: its availability topic says offline and no session contradicts it */
  | 'reported-offline'
  /** sleeping: the firmware announced deep sleep (Homie `sleeping`, Tasmota `DeepSleep`) */
  | 'sleep-payload'
  /** sleeping: it wakes on an expected interval (declared in settings or learned) */
  | 'expected-interval'
  /** overdue: it should have woken up by now */
  | 'missed-wake'
  /** flapping: many online/offline changes in the flapping window */
  | 'transitions'
  /** never-seen: declared (settings, discovery) but no session or availability yet */
  | 'no-session-yet';

export type ConventionId =
  | 'tasmota'
  | 'esphome'
  | 'homie3'
  | 'homie4'
  | 'homie5'
  | 'shelly-gen1'
  | 'zigbee2mqtt-bridge'
  | 'zigbee2mqtt-device'
  | 'home-assistant'
  | 'will'
  | 'user-rule';

/** What an availability payload means, whatever the firmware spelled it. */
export type Availability = 'online' | 'offline' | 'sleeping';

export type DeviceFlagDto =
  | {
      kind: 'online-without-session';
      /** the availability topic that claims "online" */
      topicName: string;
      payload: string;
      retained: boolean;
      since: number;
    }
  | {
      kind: 'availability-contradicts-session';
      topicName: string;
      payload: string;
      /** who published it ('will' of an older session, another client, the app) */
      publisherId: string;
      isWill: boolean;
      since: number;
    }
  | {
      kind: 'duplicate-client-id';
      /** addresses of the connections fighting over the id, most recent first */
      addresses: string[];
      takeovers: number;
      since: number;
    }
  | {
      kind: 'silent-telemetry';
      topicName: string;
      lastAt: number;
      /** how long a silence we tolerate before flagging */
      expectedWithinMs: number;
      since: number;
    };

export type DeviceFlagKind = DeviceFlagDto['kind'];

/** Health telemetry as the fleet table shows it; null = never reported. */
export interface TelemetryDto {
  /** dBm (Tasmota `Wifi.Signal`, ESPHome `wifi_signal`) */
  rssiDbm: number | null;
  /** 0–100 link quality (Tasmota `Wifi.RSSI`, Homie `$stats/signal`) */
  signalPercent: number | null;
  uptimeSec: number | null;
  freeHeapBytes: number | null;
  ip: string | null;
  firmware: string | null;
  /** when any of the above last changed, ms since epoch */
  at: number | null;
}

export interface WillDto {
  topicName: string;
  /** UTF-8 preview, at most 256 characters */
  payload: string;
  payloadBytes: number;
  qos: 0 | 1 | 2;
  retain: boolean;
}

export interface SessionDto {
  address: string;
  transport: 'tcp' | 'ws' | 'inline';
  protocol: string;
  keepalive: number;
  cleanSession: boolean;
  will: WillDto | null;
  connectedAt: number;
  /** null while the session is live */
  endedAt: number | null;
  endReason: StatusReason | null;
  endDetail: string | null;
}

export interface DeviceSummaryDto {
  id: string;
  clientId: string | null;
  /** the firmware's own name (Tasmota topic, ESPHome prefix, Homie id) or the client id */
  name: string;
  convention: ConventionId | null;
  status: DeviceStatus;
  reason: StatusReason;
  /** human-readable addition to the reason (e.g. "6 changes in 2 min") */
  detail: string | null;
  statusSince: number;
  connected: boolean;
  address: string | null;
  protocol: string | null;
  keepalive: number | null;
  /** how long a silent death takes to notice: 1.5 × keepalive [MQTT-3.1.2-24]; null without keepalive */
  detectionDelayMs: number | null;
  firstSeen: number | null;
  lastSeen: number | null;
  reconnectCount: number;
  availabilityTopics: string[];
  telemetry: TelemetryDto;
  flags: DeviceFlagDto[];
  expectedIntervalMs: number | null;
  intervalSource: 'declared' | 'learned' | 'payload' | null;
  nextWakeAt: number | null;
  group: string | null;
}

export interface DeviceTopicDto {
  topicName: string;
  count: number;
  lastAt: number;
  /** UTF-8 preview, at most 256 characters */
  lastPayload: string;
  retain: boolean;
}

export interface OutageDto {
  deviceId: string;
  start: number;
  /** null while the outage lasts */
  end: number | null;
  durationMs: number | null;
  reason: StatusReason;
}

export type TelemetryMetric = 'rssiDbm' | 'signalPercent' | 'freeHeapBytes' | 'uptimeSec';

export interface TelemetrySeriesDto {
  metric: TelemetryMetric;
  /** [ms since epoch, value] pairs, oldest first, at most 120 */
  points: Array<[number, number]>;
}

export interface DeviceDetailDto {
  device: DeviceSummaryDto;
  /** most recent first, at most 20 */
  sessions: SessionDto[];
  sessionsShed: number;
  /** most recent first */
  outages: OutageDto[];
  outagesShed: number;
  /** topics this device published, most recent first, at most 100 */
  topics: DeviceTopicDto[];
  topicsShed: number;
  series: TelemetrySeriesDto[];
}

/** The fleet table's whole state (sent once; then deltas). */
export interface FleetSnapshotDto {
  devices: DeviceSummaryDto[];
  /** devices dropped from the registry because of its bound (never-seen first, then oldest) */
  shed: number;
  /** the registry bound */
  maxDevices: number;
  at: number;
}

/** A batch of changes, at most one entry per device (the latest). */
export interface FleetDeltaDto {
  upserts: DeviceSummaryDto[];
  removed: string[];
  shed: number;
  at: number;
}

/** A user-defined availability rule. */
export interface UserRuleDto {
  id: string;
  /** an MQTT topic filter, e.g. `lab/+/availability` */
  topicFilter: string;
  /** which `+` level names the device (0-based among the `+` levels); default 0 */
  nameLevel?: number;
  onlinePayloads: string[];
  offlinePayloads: string[];
  sleepingPayloads?: string[];
}

/** Per-device presence settings. */
export interface DeviceSettingsDto {
  /** declared wake interval for deep sleepers, seconds */
  expectedIntervalSec?: number;
  /** a declared device that is expected to exist (shown as never-seen until it appears) */
  expected?: boolean;
  group?: string;
}

/** Groups by client-id / name glob (`*`, `?`), first match wins. */
export interface GroupDto {
  name: string;
  match: string;
}

export interface PresenceSettingsDto {
  userRules: UserRuleDto[];
  devices: Record<string, DeviceSettingsDto>;
  groups: GroupDto[];
  /** online/offline changes within `flapWindowSec` that make a device flapping */
  flapTransitions: number;
  flapWindowSec: number;
  /** seconds without a change that end a flapping episode (≥ flapWindowSec; default 3 × the window) */
  flapQuietSec?: number;
  /** flapping again within this many seconds after an episode ended resumes it, without a new alert (default 15 × the window) */
  flapCooldownSec?: number;
}

export interface FleetRequests {
  'fleet.snapshot': { request: Record<string, never>; response: FleetSnapshotDto };
  'fleet.device': { request: { id: string }; response: DeviceDetailDto };
  /** the outage log as CSV (one device, or all devices when `id` is omitted) */
  'fleet.outagesCsv': { request: { id?: string }; response: { filename: string; csv: string } };
  'fleet.settings': { request: Record<string, never>; response: PresenceSettingsDto };
  'fleet.setSettings': { request: PresenceSettingsDto; response: PresenceSettingsDto };
}

export interface FleetEvents {
  /** batched every few hundred ms; latest state per device */
  'fleet.delta': FleetDeltaDto;
}
