import { describe, expect, it } from 'vitest';
import { parseClientFrame } from '../../../electron/bridge/wire.js';

describe('WebSocket frame parsing', () => {
  it('accepts the three client frame kinds', () => {
    expect(parseClientFrame('{"kind":"invoke","id":1,"method":"broker.status","request":{}}')).toEqual({
      kind: 'invoke',
      id: 1,
      method: 'broker.status',
      request: {},
    });
    expect(parseClientFrame('{"kind":"subscribe","event":"broker.stats"}')).toEqual({ kind: 'subscribe', event: 'broker.stats' });
    expect(parseClientFrame('{"kind":"unsubscribe","event":"broker.stats"}')).toEqual({ kind: 'unsubscribe', event: 'broker.stats' });
  });

  it('rejects anything else without throwing', () => {
    const bad = [
      '',
      'not json',
      'null',
      '[]',
      '"invoke"',
      '{"kind":"invoke","id":"1","method":"m"}',
      '{"kind":"invoke","id":-1,"method":"m"}',
      '{"kind":"invoke","id":1.5,"method":"m"}',
      '{"kind":"invoke","id":1,"method":""}',
      `{"kind":"invoke","id":1,"method":"${'x'.repeat(201)}"}`,
      '{"kind":"subscribe"}',
      '{"kind":"subscribe","event":7}',
      '{"kind":"result","id":1}',
    ];
    for (const text of bad) expect(parseClientFrame(text), text).toBeNull();
  });
});
