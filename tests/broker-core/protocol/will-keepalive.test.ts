/** Last will [MQTT-3.1.2-8..17] and keepalive [MQTT-3.1.2-24]. */

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { text } from '../../support/raw-broker-harness.js';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { RawClient } from '../../support/raw-client.js';
import type { Will } from '../../../broker-core/codec/index.js';
import type { DisconnectReason } from '../../../broker-core/index.js';

let b: TestBroker;
const clients: RawClient[] = [];
async function connect(opts: Parameters<typeof RawClient.connect>[1] = {}) {
  const result = await RawClient.connect(b.port, opts);
  clients.push(result.client);
  return result.client;
}
const will = (payload: string, extra: Partial<Will> = {}): Will => ({ topicName: 'status/dev', payload: Buffer.from(payload), qos: 0, retain: false, ...extra });

beforeEach(async () => {
  b = await startTestBroker();
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await b.close();
});

async function watcher() {
  const w = await connect({ clientId: 'watcher' });
  await w.subscribe('status/#', 2);
  return w;
}

describe('last will', () => {
  it('[MQTT-3.1.2-8] is published when the network connection closes without DISCONNECT', async () => {
    const events: { clientId: string; reason: DisconnectReason }[] = [];
    b.broker.on('will.published', (e) => events.push({ clientId: e.clientId, reason: e.reason }));
    const w = await watcher();
    const dev = await connect({ clientId: 'dev', will: will('offline', { qos: 1 }) });
    dev.destroy();
    const p = await w.nextPublish('status/dev');
    expect([text(p), p.qos, p.retain]).toEqual(['offline', 1, false]);
    expect(events).toEqual([{ clientId: 'dev', reason: 'connection-lost' }]);
  });

  it('[MQTT-3.1.2-10] [MQTT-3.14.4-3] is discarded, never published, after DISCONNECT', async () => {
    const w = await watcher();
    const dev = await connect({ clientId: 'dev', will: will('offline') });
    await dev.disconnect();
    const other = await connect({ clientId: 'other', will: will('other-gone', { topicName: 'status/other' }) });
    other.destroy();
    // the later will arrives; the earlier, discarded one never did
    expect(text(await w.nextPublish('status/other'))).toBe('other-gone');
    expect(w.hasPublish('status/dev')).toBe(false);
  });

  it('is published when the broker closes the connection for a protocol violation', async () => {
    const reasons: DisconnectReason[] = [];
    b.broker.on('client.disconnected', (e) => reasons.push(e.reason));
    const w = await watcher();
    const dev = await connect({ clientId: 'dev', will: will('violated') });
    dev.sendBytes(Buffer.from([0x30 | 0x06, 0x00])); // PUBLISH with QoS 3 [MQTT-3.3.1-4]
    expect(text(await w.nextPublish('status/dev'))).toBe('violated');
    await dev.closed;
    expect(reasons).toContain('protocol-violation');
  });

  it('[MQTT-3.1.2-17] a retained will is stored as a retained message', async () => {
    const dev = await connect({ clientId: 'dev', will: will('gone', { retain: true, qos: 1 }) });
    dev.destroy();
    await dev.closed;
    const late = await connect();
    await late.subscribe('status/dev', 1);
    const p = await late.nextPublish('status/dev');
    expect([text(p), p.retain, p.qos]).toEqual(['gone', true, 1]);
  });

  it('is published for the old connection when a client id is taken over (it ended without DISCONNECT)', async () => {
    const w = await watcher();
    await connect({ clientId: 'dev', will: will('replaced') });
    await connect({ clientId: 'dev' });
    expect(text(await w.nextPublish('status/dev'))).toBe('replaced');
  });

  it('is published for connected clients when the broker shuts down', async () => {
    const wills: string[] = [];
    b.broker.on('will.published', (e) => wills.push(`${e.clientId}:${e.reason}`));
    await connect({ clientId: 'dev', will: will('shutdown', { retain: true }) });
    await b.broker.close();
    expect(wills).toEqual(['dev:server-shutdown']);
  });
});

describe('keepalive', () => {
  it('[MQTT-3.1.2-24] disconnects a client silent for 1.5 × its keepalive and publishes its will', async () => {
    const reasons: DisconnectReason[] = [];
    b.broker.on('client.disconnected', (e) => reasons.push(e.reason));
    const w = await watcher();
    const silent = await connect({ clientId: 'silent', keepalive: 1, will: will('timed-out') });
    const connectedAt = Date.now();
    await silent.closed;
    // not before 1.5 × 1 s (less the CONNACK's trip to us); lateness on a loaded machine is fine
    expect(Date.now() - connectedAt).toBeGreaterThanOrEqual(1400);
    expect(reasons).toEqual(['keepalive-timeout']);
    expect(text(await w.nextPublish('status/dev'))).toBe('timed-out');
  });

  it('[MQTT-3.1.2-23] keeps a client that sends PINGREQ within its keepalive connected', async () => {
    const alive = await connect({ clientId: 'pinger', keepalive: 1 });
    const silent = await connect({ clientId: 'silent', keepalive: 1 });
    const timer = setInterval(() => alive.send({ type: 'pingreq' }), 300);
    try {
      await silent.closed; // the silent one times out after ≥ 1.5 s …
      await alive.sync();
      expect(alive.isClosed).toBe(false); // … while the pinging one is still connected
      expect(b.broker.clients().map((c) => c.clientId)).toEqual(['pinger']);
    } finally {
      clearInterval(timer);
    }
  });
});
