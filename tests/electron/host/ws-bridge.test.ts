import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closed, frames, openBridge, startTestHost, type TestHost } from './in-process-host.js';
import { runningStatus, someStats } from '../bridge/fixtures.js';

let host: TestHost;
beforeEach(async () => {
  host = await startTestHost();
});
afterEach(async () => {
  await host.stop();
});

const bridgeUrl = (token: string | null, path = '/bridge') =>
  `ws://127.0.0.1:${host.port}${path}${token === null ? '' : `?token=${encodeURIComponent(token)}`}`;

describe('WebSocket bridge handshake', () => {
  it('refuses a client without a token (401)', async () => {
    await expect(openBridge(bridgeUrl(null), host.origin)).rejects.toMatchObject({ status: 401 });
  });

  it('refuses a client with a wrong token, including one that differs only in the last character (401)', async () => {
    const almost = host.token.slice(0, -1) + (host.token.endsWith('A') ? 'B' : 'A');
    await expect(openBridge(bridgeUrl(almost), host.origin)).rejects.toMatchObject({ status: 401 });
    await expect(openBridge(bridgeUrl(''), host.origin)).rejects.toMatchObject({ status: 401 });
    await expect(openBridge(bridgeUrl(host.token + 'x'), host.origin)).rejects.toMatchObject({ status: 401 });
  });

  it('refuses the right token from a foreign origin or with no origin at all (403)', async () => {
    for (const origin of ['http://evil.example', `http://localhost:${host.port}`, `https://127.0.0.1:${host.port}`, `http://127.0.0.1:${host.port + 1}`, 'null']) {
      await expect(openBridge(bridgeUrl(host.token), origin), origin).rejects.toMatchObject({ status: 403 });
    }
    await expect(openBridge(bridgeUrl(host.token), undefined)).rejects.toMatchObject({ status: 403 });
  });

  it('upgrades only the /bridge path (404 elsewhere)', async () => {
    await expect(openBridge(bridgeUrl(host.token, '/other'), host.origin)).rejects.toMatchObject({ status: 404 });
  });

  it('accepts the right token from the page origin', async () => {
    const ws = await openBridge(bridgeUrl(host.token), host.origin);
    ws.close();
    await closed(ws);
  });
});

describe('WebSocket bridge traffic', () => {
  it('answers invocations by id with the handler result or a contract error', async () => {
    const ws = await openBridge(bridgeUrl(host.token), host.origin);
    const f = frames(ws);
    ws.send(JSON.stringify({ kind: 'invoke', id: 7, method: 'broker.status', request: {} }));
    ws.send(JSON.stringify({ kind: 'invoke', id: 8, method: 'broker.clients', request: { limit: -1 } }));
    ws.send(JSON.stringify({ kind: 'invoke', id: 9, method: 'broker.nope', request: {} }));
    expect(await f.next((x) => x.kind === 'result' && x.id === 7)).toEqual({ kind: 'result', id: 7, result: { ok: true, value: runningStatus } });
    expect(await f.next((x) => x.kind === 'result' && x.id === 8)).toMatchObject({ result: { ok: false, error: { code: 'bad-request' } } });
    expect(await f.next((x) => x.kind === 'result' && x.id === 9)).toMatchObject({ result: { ok: false, error: { code: 'unknown-method' } } });
    ws.close();
    await closed(ws);
  });

  it('pushes only subscribed events, and forgets the subscriptions when the page goes away', async () => {
    const ws = await openBridge(bridgeUrl(host.token), host.origin);
    const f = frames(ws);
    ws.send(JSON.stringify({ kind: 'subscribe', event: 'broker.stats' }));
    // The subscription is in place once a later invocation has been answered (frames are handled in order).
    ws.send(JSON.stringify({ kind: 'invoke', id: 1, method: 'broker.stats', request: {} }));
    await f.next((x) => x.kind === 'result');
    host.events.emit('broker.status', runningStatus);
    host.events.emit('broker.stats', someStats);
    expect(await f.next((x) => x.kind === 'event')).toEqual({ kind: 'event', event: 'broker.stats', payload: someStats });
    expect(f.all.filter((x) => x.kind === 'event')).toHaveLength(1);
    expect(host.events.listenerCount('broker.stats')).toBe(1);
    ws.close();
    await closed(ws);
    await expect.poll(() => host.events.listenerCount('broker.stats')).toBe(0);
  });

  it('closes the socket (1003) on a frame that is not a JSON client frame', async () => {
    const ws = await openBridge(bridgeUrl(host.token), host.origin);
    const done = closed(ws);
    ws.send('{"kind":"invoke"');
    expect((await done).code).toBe(1003);
  });

  it('closes the socket (1009) on a frame over the 1 MiB bound', async () => {
    const ws = await openBridge(bridgeUrl(host.token), host.origin);
    const done = closed(ws);
    ws.send(JSON.stringify({ kind: 'invoke', id: 1, method: 'broker.status', request: { pad: 'x'.repeat(1024 * 1024) } }));
    expect((await done).code).toBe(1009);
  });

  it('closes every page socket when the host stops', async () => {
    const ws = await openBridge(bridgeUrl(host.token), host.origin);
    const done = closed(ws);
    await host.close();
    expect((await done).code).toBe(1001);
  });
});
