/**
 * End to end: the publish form answers every Ctrl+Enter. An empty topic used to do nothing at
 * all, and a topic with a wildcard came back as the bridge's "topics.publish: topicName must
 * not contain…"; a good publish still reaches a real subscriber.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mqttClient, startTopicsE2E, stopTopicsE2E, type TopicsE2E } from './topics-support.js';

let e: TopicsE2E;
const T = { timeout: 20_000 };

beforeAll(async () => {
  e = await startTopicsE2E();
}, 90_000);

afterAll(async () => {
  await stopTopicsE2E(e);
});

describe('publish form feedback', () => {
  it('says why it did not publish, in plain words, and publishes once the topic is right', async () => {
    const { page } = e;
    const status = page.getByTestId('publish-status');
    const topic = page.getByTestId('publish-topic');
    const payload = page.getByTestId('publish-payload');

    await topic.fill('');
    await payload.fill('ON');
    await payload.press('Control+Enter');
    await expect.poll(() => status.textContent(), T).toBe('Type a topic to publish to.');

    await topic.fill('cmnd/+/POWER');
    await payload.press('Control+Enter');
    await expect.poll(() => status.textContent(), T).toBe('A topic to publish to cannot contain + or # (those are wildcards, for subscribing).');

    const sub = await mqttClient(e, 'publish-feedback-sub');
    await sub.subscribeAsync('cmnd/lab-07/POWER');
    const got = new Promise<string>((resolve) => sub.on('message', (_t, p) => resolve(p.toString())));
    await topic.fill('cmnd/lab-07/POWER');
    await payload.press('Control+Enter');
    await expect.poll(() => status.textContent(), T).toBe('Published to cmnd/lab-07/POWER');
    expect(await got).toBe('ON');
    expect(e.pageErrors).toEqual([]);
  });
});
