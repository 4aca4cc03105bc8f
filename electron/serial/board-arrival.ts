/**
 * After configuration: wait for *this* board's CONNECT on our broker and show it arriving, or say what the broker
 * saw instead. Works on the broker's events only (broker-core api.ts), so it needs no socket of its own:
 * `client.connected` (address, client id, will), `client.refused` (CONNACK code), `client.disconnected` (reason),
 * `message.published` (first telemetry).
 */
import type { BrokerEvents, DisconnectReason, PublishedMessage } from '../../broker-core/index.js';

export interface BrokerEventSource {
  on<E extends keyof BrokerEvents>(event: E, listener: BrokerEvents[E]): () => void;
}

export interface ArrivalExpectation {
  /** exact MQTT client id (Tasmota: DVES_<chip id hex>, ESPHome: the node name) */
  clientId?: string;
  /** the device's topic (Tasmota `Topic`, ESPHome topic prefix); matched against the will topic */
  topic?: string;
}

export interface WillView {
  topicName: string;
  payload: string;
  qos: number;
  retain: boolean;
}

export interface TelemetryView {
  topicName: string;
  /** first 200 characters */
  payload: string;
  at: number;
}

export type ArrivalState =
  | { status: 'waiting'; since: number }
  | { status: 'connected'; clientId: string; address: string; will: WillView | null; connectedAt: number; keepalive: number; username: string | null }
  | { status: 'arrived'; clientId: string; address: string; will: WillView | null; connectedAt: number; keepalive: number; username: string | null; firstTelemetry: TelemetryView | null }
  | { status: 'refused'; clientId: string; address: string; returnCode: number; message: string }
  | { status: 'dropped'; clientId: string; address: string; reason: DisconnectReason; message: string }
  | { status: 'never-connected'; message: string; refusedOthers: number };

/** [MQTT-3.2.2.3] CONNACK return codes, as a bench user needs to read them. */
export function connackMessage(code: number): string {
  switch (code) {
    case 1:
      return 'the broker refused the protocol version (CONNACK 1)';
    case 2:
      return 'the broker rejected the client id (CONNACK 2)';
    case 3:
      return 'the broker was unavailable (CONNACK 3)';
    case 4:
      return 'bad user name or password (CONNACK 4): check MqttUser/MqttPassword against the broker’s credentials';
    case 5:
      return 'not authorized (CONNACK 5): the broker does not accept these credentials or this client id';
    default:
      return `CONNACK ${code}`;
  }
}

function text(p: Uint8Array, max = 200): string {
  const s = Buffer.from(p.buffer, p.byteOffset, p.byteLength).toString('utf8');
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

function matches(expect: ArrivalExpectation, clientId: string, willTopic: string | undefined): boolean {
  if (expect.clientId !== undefined && clientId === expect.clientId) return true;
  if (expect.topic !== undefined && willTopic !== undefined) {
    const parts = willTopic.split('/');
    return parts.includes(expect.topic);
  }
  return false;
}

/** Availability and one-off announcements are not telemetry (Tasmota LWT/INFOn, ESPHome status, Homie $-attributes). */
function isTelemetry(msg: PublishedMessage, will: WillView | null): boolean {
  if (msg.isWill) return false;
  if (will && msg.topicName === will.topicName) return false;
  const last = msg.topicName.split('/').at(-1) ?? '';
  return !/^(LWT|INFO\d|RESULT|status|\$.*)$/.test(last);
}

export interface ArrivalOptions {
  /** give up waiting for CONNECT after this long */
  timeoutMs: number;
  /** after CONNECT, wait this long for the first telemetry before reporting arrival without it */
  telemetryTimeoutMs: number;
  signal?: AbortSignal;
  now?: () => number;
}

export interface ArrivalWatch {
  result: Promise<ArrivalState>;
  cancel(): void;
}

export function watchArrival(broker: BrokerEventSource, expect: ArrivalExpectation, opts: ArrivalOptions, onUpdate?: (s: ArrivalState) => void): ArrivalWatch {
  const now = opts.now ?? Date.now;
  const offs: Array<() => void> = [];
  let timer: NodeJS.Timeout | null = null;
  let settled = false;
  let resolveResult!: (s: ArrivalState) => void;
  const result = new Promise<ArrivalState>((r) => (resolveResult = r));
  let refusedOthers = 0;
  let session: Extract<ArrivalState, { status: 'connected' }> | null = null;

  const update = (s: ArrivalState): void => onUpdate?.(s);
  const settle = (s: ArrivalState): void => {
    if (settled) return;
    settled = true;
    if (timer) clearTimeout(timer);
    offs.splice(0).forEach((f) => f());
    update(s);
    resolveResult(s);
  };
  const arm = (ms: number, fire: () => void): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(fire, ms);
  };

  update({ status: 'waiting', since: now() });
  arm(opts.timeoutMs, () =>
    settle({
      status: 'never-connected',
      refusedOthers,
      message:
        `No CONNECT from the board within ${Math.round(opts.timeoutMs / 1000)} s. ` +
        'Check the Wi-Fi SSID and password (the console shows "WIF: Connect failed"), that the broker host is this PC’s address and reachable from that Wi-Fi, and that the firewall lets in the MQTT port.' +
        (refusedOthers > 0 ? ` (${refusedOthers} other client(s) were refused meanwhile — maybe the board uses another client id.)` : ''),
    }),
  );

  offs.push(
    broker.on('client.refused', (info) => {
      if (expect.clientId !== undefined && info.clientId === expect.clientId) {
        settle({ status: 'refused', clientId: info.clientId, address: info.address, returnCode: info.returnCode, message: connackMessage(info.returnCode) });
      } else {
        refusedOthers++;
      }
    }),
  );
  offs.push(
    broker.on('client.connected', (info) => {
      if (session || !matches(expect, info.clientId, info.will?.topicName)) return;
      const will = info.will ? { topicName: info.will.topicName, payload: text(info.will.payload), qos: info.will.qos, retain: info.will.retain } : null;
      session = { status: 'connected', clientId: info.clientId, address: info.address, will, connectedAt: info.connectedAt, keepalive: info.keepalive, username: info.username ?? null };
      update(session);
      const s = session;
      arm(opts.telemetryTimeoutMs, () => settle({ ...s, status: 'arrived', firstTelemetry: null }));
    }),
  );
  offs.push(
    broker.on('message.published', (msg) => {
      if (!session || msg.publisherId !== session.clientId || !isTelemetry(msg, session.will)) return;
      settle({ ...session, status: 'arrived', firstTelemetry: { topicName: msg.topicName, payload: text(msg.payload), at: msg.at } });
    }),
  );
  offs.push(
    broker.on('client.disconnected', (info) => {
      if (!session || info.clientId !== session.clientId || info.reason === 'refused') return;
      const message =
        info.reason === 'keepalive-timeout'
          ? `connected, then went silent: the broker timed it out after 1.5 × its ${session.keepalive} s keepalive (Wi-Fi dropped or the board hung)`
          : info.reason === 'taken-over'
            ? 'another connection took over this client id: two boards with the same id?'
            : `connected, then disconnected (${info.reason}${info.detail ? `: ${info.detail}` : ''})`;
      settle({ status: 'dropped', clientId: session.clientId, address: session.address, reason: info.reason, message });
    }),
  );
  const onAbort = (): void => settle({ status: 'never-connected', refusedOthers, message: 'stopped waiting' });
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  offs.push(() => opts.signal?.removeEventListener('abort', onAbort));

  return { result, cancel: onAbort };
}

/** Tasmota's default client id: DVES_ + the chip id in 6 hex digits (Tasmota my_user_config.h MQTT_CLIENT_ID). */
export function tasmotaClientId(chipId: number): string {
  return `DVES_${(chipId & 0xffffff).toString(16).toUpperCase().padStart(6, '0')}`;
}
