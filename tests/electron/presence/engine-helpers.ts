import type { ClientInfo, DisconnectReason, PublishedMessage } from '../../../broker-core/index.js';
import { PresenceEngine } from '../../../electron/services/presence/engine.js';
import type { PresenceEvent } from '../../../electron/services/presence/events.js';

const enc = new TextEncoder();
let port = 40000;

/** A presence engine fed with synthetic broker events on a manual clock (unit tests only). */
export function harness(maxDevices?: number) {
  const engine = new PresenceEngine(maxDevices === undefined ? {} : { maxDevices });
  const events: PresenceEvent[] = [];
  engine.on((e) => events.push(e));
  let now = 1_000_000;
  const sessions = new Map<string, ClientInfo>();
  const h = {
    engine,
    events,
    now: () => now,
    advance(ms: number) {
      now += ms;
      engine.tick(now);
    },
    connect(clientId: string, opts: { keepalive?: number; will?: { topicName: string; payload: string; retain?: boolean }; ip?: string } = {}) {
      const info: ClientInfo = {
        clientId,
        address: `${opts.ip ?? '10.0.0.1'}:${port++}`,
        transport: 'tcp',
        protocol: 'MQTT 3.1.1',
        protocolLevel: 4,
        keepalive: opts.keepalive ?? 30,
        cleanSession: true,
        connectedAt: now,
        ...(opts.will ? { will: { topicName: opts.will.topicName, payload: enc.encode(opts.will.payload), qos: 1 as const, retain: opts.will.retain ?? true } } : {}),
      };
      sessions.set(clientId, info);
      engine.clientConnected(info, now);
      return info;
    },
    disconnect(clientId: string, reason: DisconnectReason, info = sessions.get(clientId)) {
      if (!info) throw new Error(`no session ${clientId}`);
      engine.clientDisconnected({ ...info, reason, at: now } as ClientInfo & { reason: DisconnectReason }, now);
      if (reason !== 'clean' && info.will) h.publish(clientId, info.will.topicName, new TextDecoder().decode(info.will.payload), { retain: info.will.retain, isWill: true });
    },
    publish(publisherId: string, topicName: string, payload: string, opts: { retain?: boolean; isWill?: boolean } = {}) {
      const msg: PublishedMessage = { topicName, payload: enc.encode(payload), qos: 0, retain: opts.retain ?? false, publisherId, isWill: opts.isWill ?? false, at: now };
      engine.message(msg, now);
    },
    retainedAtStart(topicName: string, payload: string) {
      engine.message({ topicName, payload: enc.encode(payload), qos: 1, retain: true, publisherId: '', isWill: false, at: now }, now, true);
    },
    device(id: string) {
      const d = engine.registry.get(id);
      if (!d) throw new Error(`no device ${id}`);
      return d;
    },
    status(id: string) {
      const d = h.device(id);
      return `${d.status.status}/${d.status.reason}`;
    },
    statusEvents(id: string) {
      // overall changes only (base-only changes under a flapping overlay are left out)
      const out: string[] = [];
      for (const e of events) {
        if (e.type !== 'status' || e.deviceId !== id) continue;
        if (e.previous.status === e.current.status && e.previous.reason === e.current.reason) continue;
        out.push(`${e.current.status}/${e.current.reason}`);
      }
      return out;
    },
  };
  return h;
}
