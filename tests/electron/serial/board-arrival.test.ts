/**
 * The arrival watcher against the real broker (broker-core via tests/support/broker.ts) with real MQTT clients:
 * MQTT.js for a board that behaves, and the simulator's hand-written client for one that hangs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { MiniMqtt } from '../../support/esp8266-sim/mini-mqtt.js';
import { tasmotaClientId, watchArrival, type ArrivalState } from '../../../electron/serial/board-arrival.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
async function broker(opts: Parameters<typeof startTestBroker>[0] = {}): Promise<TestBroker> {
  const b = await startTestBroker(opts);
  cleanups.push(() => b.close());
  return b;
}

describe('waiting for the flashed board on our broker', () => {
  it('shows the board arriving: address, client id, will and first telemetry (not its LWT/INFO)', async () => {
    const b = await broker();
    const updates: ArrivalState[] = [];
    const watch = watchArrival(b.broker, { clientId: tasmotaClientId(0xa1b2c3) }, { timeoutMs: 10_000, telemetryTimeoutMs: 10_000 }, (s) => updates.push(s));
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${b.port}`, {
      clientId: 'DVES_A1B2C3',
      username: 'bench',
      password: 'pw',
      keepalive: 30,
      will: { topic: 'tele/plug/LWT', payload: Buffer.from('Offline'), qos: 1, retain: true },
    });
    cleanups.push(() => client.endAsync());
    await client.publishAsync('tele/plug/LWT', 'Online', { qos: 1, retain: true });
    await client.publishAsync('tele/plug/INFO1', '{"Info1":{}}');
    await client.publishAsync('tele/plug/STATE', '{"UptimeSec":12}');
    const r = await watch.result;
    expect(r).toMatchObject({
      status: 'arrived',
      clientId: 'DVES_A1B2C3',
      username: 'bench',
      keepalive: 30,
      will: { topicName: 'tele/plug/LWT', payload: 'Offline', qos: 1, retain: true },
      firstTelemetry: { topicName: 'tele/plug/STATE', payload: '{"UptimeSec":12}' },
    });
    if (r.status === 'arrived') expect(r.address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(updates.map((u) => u.status)).toEqual(['waiting', 'connected', 'arrived']);
  });

  it('matches the board by its topic in the will when the client id is unknown', async () => {
    const b = await broker();
    const watch = watchArrival(b.broker, { topic: 'plug' }, { timeoutMs: 10_000, telemetryTimeoutMs: 10_000 });
    const other = await mqtt.connectAsync(`mqtt://127.0.0.1:${b.port}`, { clientId: 'someone-else' });
    cleanups.push(() => other.endAsync());
    await other.publishAsync('tele/kitchen/STATE', '{}');
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${b.port}`, { clientId: 'custom-id', will: { topic: 'tele/plug/LWT', payload: Buffer.from('Offline'), qos: 1, retain: true } });
    cleanups.push(() => client.endAsync());
    await client.publishAsync('tele/plug/SENSOR', '{"T":21}');
    expect(await watch.result).toMatchObject({ status: 'arrived', clientId: 'custom-id', firstTelemetry: { topicName: 'tele/plug/SENSOR' } });
  });

  it('says the broker refused the credentials (CONNACK 4) for that client id', async () => {
    const b = await broker({ authenticate: (req) => (req.password && Buffer.from(req.password).toString() === 'right' ? 0 : 4) });
    const watch = watchArrival(b.broker, { clientId: 'DVES_000001' }, { timeoutMs: 10_000, telemetryTimeoutMs: 5000 });
    const client = mqtt.connect(`mqtt://127.0.0.1:${b.port}`, { clientId: 'DVES_000001', username: 'bench', password: 'wrong', reconnectPeriod: 0 });
    client.on('error', () => undefined);
    cleanups.push(() => void client.end(true));
    const r = await watch.result;
    expect(r).toMatchObject({ status: 'refused', returnCode: 4 });
    if (r.status === 'refused') expect(r.message).toMatch(/bad user name or password/);
  });

  it('says the board connected and then timed out when it goes silent [MQTT-3.1.2-24]', async () => {
    const b = await broker();
    const watch = watchArrival(b.broker, { clientId: 'DVES_00000B' }, { timeoutMs: 10_000, telemetryTimeoutMs: 20_000 });
    const hung = new MiniMqtt();
    cleanups.push(() => hung.close());
    const c = await hung.connect({ host: '127.0.0.1', port: b.port, clientId: 'DVES_00000B', keepaliveSec: 1, will: { topic: 'tele/hung/LWT', payload: 'Offline', qos: 1, retain: true } });
    expect(c.ok).toBe(true);
    hung.publish('tele/hung/LWT', 'Online', 1, true);
    hung.stall();
    const r = await watch.result;
    expect(r).toMatchObject({ status: 'dropped', reason: 'keepalive-timeout' });
    if (r.status === 'dropped') expect(r.message).toMatch(/went silent: the broker timed it out after 1\.5 × its 1 s keepalive/);
  });

  it('says it never connected, and mentions other refused clients, when nothing arrives in time', async () => {
    const b = await broker({ authenticate: () => 5 });
    const watch = watchArrival(b.broker, { clientId: 'DVES_123456' }, { timeoutMs: 1500, telemetryTimeoutMs: 1000 });
    const stranger = mqtt.connect(`mqtt://127.0.0.1:${b.port}`, { clientId: 'tasmota-other', reconnectPeriod: 0 });
    stranger.on('error', () => undefined);
    cleanups.push(() => void stranger.end(true));
    const r = await watch.result;
    expect(r).toMatchObject({ status: 'never-connected', refusedOthers: 1 });
    if (r.status === 'never-connected') expect(r.message).toMatch(/No CONNECT from the board within 2 s.*Wi-Fi SSID and password.*1 other client/s);
  });
});
