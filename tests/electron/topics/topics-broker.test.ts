import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import type { TopicsChangesDto } from '../../../electron/contract/topics.js';
import { attachTopicsService, type AttachedTopics } from '../../../electron/services/topics/attach.js';
import { startTestBroker, type TestBroker } from '../../support/broker.js';

/** The topics service on the real broker, fed by real MQTT clients over TCP. */

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function waitFor<T>(check: () => T | undefined | null | false, what: string, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function broker(): Promise<TestBroker> {
  const b = await startTestBroker();
  cleanups.push(() => b.close());
  return b;
}

async function client(b: TestBroker, clientId: string): Promise<MqttClient> {
  const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${b.port}`, { clientId, protocolVersion: 4, reconnectPeriod: 0 });
  cleanups.push(() => c.endAsync());
  return c;
}

async function attach(b: TestBroker): Promise<{ topics: AttachedTopics; batches: TopicsChangesDto[] }> {
  const batches: TopicsChangesDto[] = [];
  const topics = await attachTopicsService(b.broker, (c) => batches.push(c), { limits: { batchIntervalMs: 50 } });
  cleanups.push(() => topics.close());
  return { topics, batches };
}

function retainedPayloads(b: TestBroker, filter: string): Record<string, string> {
  return Object.fromEntries(b.broker.retained(filter).map((r) => [r.topicName, Buffer.from(r.payload).toString()]));
}

describe('topics service on the real broker', () => {
  it('records what real MQTT clients publish: publisher id, QoS, retain flag, counts, in batches', async () => {
    const b = await broker();
    const { topics, batches } = await attach(b);
    const dev = await client(b, 'tasmota-kitchen');
    await dev.publishAsync('tele/kitchen/SENSOR', '{"Temperature":21.5}', { qos: 1, retain: true });
    for (let i = 0; i < 20; i++) await dev.publishAsync('tele/kitchen/STATE', `{"n":${i}}`, { qos: 0 });

    const state = await waitFor(
      () => batches.flatMap((x) => x.changed).find((n) => n.topicName === 'tele/kitchen/STATE' && n.count === 20),
      'the 20th STATE message in a batch',
    );
    expect(state).toMatchObject({ publisherId: 'tasmota-kitchen', qos: 0, retain: false, value: '{"n":19}' });
    expect(batches.length).toBeLessThan(21);
    const detail = (await topics.service.detail('tele/kitchen/SENSOR'))!;
    expect(detail.node).toMatchObject({ qos: 1, retain: true, retained: true, publisherId: 'tasmota-kitchen' });
    expect(detail.retained).toMatchObject({ publisherId: 'tasmota-kitchen', qos: 1 });
    expect(Math.abs(detail.retained!.storedAt - Date.now())).toBeLessThan(60_000);
  });

  it('shows retained messages the broker held before the explorer attached, with their publisher', async () => {
    const b = await broker();
    const dev = await client(b, 'esphome-hall');
    await dev.publishAsync('hall/status', 'online', { qos: 1, retain: true });
    await waitFor(() => b.broker.retained('hall/status').length === 1, 'the retained message to be stored');
    const { topics } = await attach(b);
    const node = topics.service.snapshot().nodes.find((n) => n.topicName === 'hall/status');
    expect(node).toMatchObject({ retained: true, publisherId: 'esphome-hall', value: 'online' });
  });

  it('clears a retained subtree in the broker and brings the values back with one undo', async () => {
    const b = await broker();
    const { topics } = await attach(b);
    const dev = await client(b, 'homie-dev');
    for (const [t, v] of [['homie/dev/$state', 'ready'], ['homie/dev/temp', '20'], ['homie/dev/temp/$unit', 'C'], ['homie/other', 'x']]) {
      await dev.publishAsync(t!, v!, { qos: 1, retain: true });
    }
    await waitFor(() => b.broker.retained('#').length === 4, 'four retained messages');

    expect(await topics.service.retainedCount({ topicName: 'homie/dev', subtree: true })).toEqual({ count: 3, undoable: true });
    const before = b.broker.retained('homie/dev/#').map(({ topicName, qos, storedAt, publisherId }) => ({ topicName, qos, storedAt, publisherId }));
    const { cleared, undoId } = await topics.service.clearRetained({ topicName: 'homie/dev', subtree: true });
    expect(cleared).toBe(3);
    expect(retainedPayloads(b, '#')).toEqual({ 'homie/other': 'x' });
    expect((await topics.service.detail('homie/dev/temp'))!.node.retained).toBe(false);

    // A new subscriber now gets nothing retained under homie/dev.
    const late = await client(b, 'late-subscriber');
    const seen: string[] = [];
    late.on('message', (t) => seen.push(t));
    await late.subscribeAsync('homie/dev/#', { qos: 1 });

    expect(await topics.service.undoClear(undoId!)).toEqual({ restored: 3, skipped: 0 });
    expect(retainedPayloads(b, 'homie/dev/#')).toEqual({ 'homie/dev/$state': 'ready', 'homie/dev/temp': '20', 'homie/dev/temp/$unit': 'C' });
    await waitFor(() => seen.length === 3, 'the restored values to reach the subscriber');
    expect((await topics.service.detail('homie/dev/temp'))!.node.retained).toBe(true);
    // Undo restores the records exactly: the original publisher and the true store time.
    const after = b.broker.retained('homie/dev/#').map(({ topicName, qos, storedAt, publisherId }) => ({ topicName, qos, storedAt, publisherId }));
    const byTopic = (list: typeof before) => [...list].sort((x, y) => x.topicName.localeCompare(y.topicName));
    expect(byTopic(after)).toEqual(byTopic(before));
    expect(after.every((r) => r.publisherId === 'homie-dev')).toBe(true);
  });

  it('publishes from the explorer to real subscribers', async () => {
    const b = await broker();
    const { topics } = await attach(b);
    const sub = await client(b, 'lamp');
    const got: { topic: string; payload: string; retain: boolean }[] = [];
    sub.on('message', (topic, payload, packet) => got.push({ topic, payload: payload.toString(), retain: packet.retain }));
    await sub.subscribeAsync('cmnd/lamp/#', { qos: 1 });
    await topics.service.publish({ topicName: 'cmnd/lamp/POWER', payload: 'TOGGLE', qos: 1, retain: false });
    await waitFor(() => got.length === 1, 'the published command');
    expect(got[0]).toEqual({ topic: 'cmnd/lamp/POWER', payload: 'TOGGLE', retain: false });
    expect(topics.service.snapshot().nodes.find((n) => n.topicName === 'cmnd/lamp/POWER')?.publisherId).toBe('$inline');
  });
});
