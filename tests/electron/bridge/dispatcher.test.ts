import { describe, expect, it } from 'vitest';
import { createDispatcher } from '../../../electron/bridge/dispatcher.js';
import { ContractEmitter } from '../../../electron/app/events.js';
import { fixedHandlers, runningStatus, someStats } from './fixtures.js';

function setup() {
  const logs: string[] = [];
  const events = new ContractEmitter((m) => logs.push(m));
  const handlers = fixedHandlers();
  const dispatcher = createDispatcher({ handlers, events, log: (m) => logs.push(m) });
  return { dispatcher, events, handlers, logs };
}

describe('bridge dispatcher', () => {
  it('runs the handler of a known method with the validated request and returns its value', async () => {
    const { dispatcher, handlers } = setup();
    expect(await dispatcher.invoke('broker.status', {})).toEqual({ ok: true, value: runningStatus });
    expect(await dispatcher.invoke('broker.clients', { limit: 5 })).toEqual({ ok: true, value: { clients: [], total: 0 } });
    expect(handlers.calls).toEqual([
      ['broker.status', {}],
      ['broker.clients', { limit: 5 }],
    ]);
  });

  it('treats an absent request of a method without parameters as empty', async () => {
    const { dispatcher } = setup();
    expect(await dispatcher.invoke('broker.stats', undefined)).toEqual({ ok: true, value: someStats });
  });

  it('answers unknown-method for names outside the contract, including inherited object keys', async () => {
    const { dispatcher } = setup();
    for (const method of ['broker.restart', 'constructor', '__proto__', 'toString', 42, null]) {
      const result = await dispatcher.invoke(method, {});
      expect(result).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
    }
  });

  it('answers bad-request without calling the handler when the payload fails validation', async () => {
    const { dispatcher, handlers } = setup();
    const bad = [null, 'x', [], { limit: 0 }, { limit: 1.5 }, { limit: '10' }, { limit: 5001 }, { limit: 5, extra: true }];
    for (const request of bad) {
      expect(await dispatcher.invoke('broker.clients', request)).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    }
    expect(await dispatcher.invoke('broker.status', { surprise: 1 })).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(handlers.calls).toEqual([]);
  });

  it('passes a HandlerError code and message through to the caller', async () => {
    const { dispatcher } = setup();
    expect(await dispatcher.invoke('broker.clients', { limit: 13 })).toEqual({
      ok: false,
      error: { code: 'unavailable', message: 'the broker is not running' },
    });
  });

  it('turns any other thrown error into internal, logging the details but not sending them', async () => {
    const { dispatcher, logs } = setup();
    const result = await dispatcher.invoke('broker.clients', { limit: 66 });
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(result)).not.toContain('boom');
    expect(logs.join('\n')).toContain('boom');
  });

  it('delivers an event to a session only after it subscribed, and stops after unsubscribe', () => {
    const { dispatcher, events } = setup();
    const got: unknown[] = [];
    const session = dispatcher.openSession((event, payload) => got.push([event, payload]));
    events.emit('broker.stats', someStats);
    expect(session.subscribe('broker.stats')).toBeNull();
    events.emit('broker.stats', someStats);
    events.emit('broker.status', runningStatus);
    session.unsubscribe('broker.stats');
    events.emit('broker.stats', someStats);
    expect(got).toEqual([['broker.stats', someStats]]);
  });

  it('refuses to subscribe to an event the contract does not define', () => {
    const { dispatcher } = setup();
    const session = dispatcher.openSession(() => undefined);
    expect(session.subscribe('broker.secrets')).toMatchObject({ code: 'bad-request' });
    expect(session.subscribe('hasOwnProperty')).toMatchObject({ code: 'bad-request' });
  });

  it('subscribes once however often a session asks, and drops every listener when the session closes', () => {
    const { dispatcher, events } = setup();
    const got: unknown[] = [];
    const session = dispatcher.openSession((event) => got.push(event));
    session.subscribe('broker.stats');
    session.subscribe('broker.stats');
    session.subscribe('broker.status');
    expect(events.listenerCount('broker.stats')).toBe(1);
    events.emit('broker.stats', someStats);
    expect(got).toEqual(['broker.stats']);
    session.close();
    expect(events.listenerCount('broker.stats')).toBe(0);
    expect(events.listenerCount('broker.status')).toBe(0);
    session.subscribe('broker.stats');
    expect(events.listenerCount('broker.stats')).toBe(0);
  });
});
