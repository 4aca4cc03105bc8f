/**
 * THE persistence contract: one suite that every Persistence implementation passes
 * (memory in tests/broker-core/persistence/memory.test.ts, nedb in
 * tests/electron/persistence/nedb.test.ts). Implementation-specific behaviour (files,
 * corruption, compaction) is tested next to the implementation, not here.
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  IncomingQos2Record,
  LoadedState,
  OutboundRecord,
  Persistence,
  RetainedRecord,
  SessionRecord,
  WillRecord,
} from '../../../broker-core/persistence/persistence.js';

export interface ContractHarness {
  persistence: Persistence;
  /** a new instance over the same storage, as after a process restart; call after close() */
  reopen(): Promise<Persistence>;
}

export type ContractFactory = (dir: string) => Promise<ContractHarness>;

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

export function retained(topicName: string, payload = topicName, extra: Partial<RetainedRecord> = {}): RetainedRecord {
  return { topicName, payload: bytes(payload), qos: 1, storedAt: 1_700_000_000_000, publisherId: 'pub', ...extra };
}

export function session(clientId: string, filters: string[] = ['lab/#'], extra: Partial<SessionRecord> = {}): SessionRecord {
  return {
    clientId,
    subscriptions: filters.map((topicFilter, i) => ({ topicFilter, qos: (i % 3) as 0 | 1 | 2 })),
    createdAt: 1_700_000_000_000,
    lastSeen: 1_700_000_001_000,
    ...extra,
  };
}

export function outbound(clientId: string, seq: number, extra: Partial<OutboundRecord> = {}): OutboundRecord {
  return { clientId, seq, state: 'queued', topicName: `lab/${clientId}/${seq}`, payload: bytes(`m${seq}`), qos: 1, retain: false, ...extra };
}

export function will(clientId: string, extra: Partial<WillRecord> = {}): WillRecord {
  return { clientId, topicName: `lab/${clientId}/status`, payload: bytes('offline'), qos: 1, retain: true, ...extra };
}

function byTopic(state: LoadedState): Map<string, string> {
  return new Map(state.retained.map((r) => [r.topicName, text(r.payload)]));
}

function outboundIds(state: LoadedState): string[] {
  return state.outbound.map((o) => `${o.clientId}:${o.seq}`);
}

function qos2Ids(state: LoadedState): string[] {
  return state.incomingQos2.map((r: IncomingQos2Record) => `${r.clientId}:${r.packetId}`).sort();
}

export function persistenceContract(name: string, factory: ContractFactory): void {
  describe(`Persistence contract: ${name}`, () => {
    let dir: string;
    let harness: ContractHarness;
    let current: Persistence;

    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'fw-persist-contract-'));
      harness = await factory(dir);
      current = harness.persistence;
    });

    afterEach(async () => {
      await current.close().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    });

    /** close the current instance, open a new one over the same storage and load it */
    async function restart(): Promise<LoadedState> {
      await current.close();
      current = await harness.reopen();
      return current.load();
    }

    it('loads an empty state with no problems from fresh storage', async () => {
      const state = await current.load();
      expect(state).toEqual({ retained: [], sessions: [], outbound: [], incomingQos2: [], wills: [], counters: [], problems: [] });
    });

    it('rejects mutations before load() and after close()', async () => {
      await expect(current.putRetained(retained('a'))).rejects.toThrow();
      await current.load();
      await current.close();
      await expect(current.putRetained(retained('a'))).rejects.toThrow();
      await expect(current.load()).rejects.toThrow();
    });

    it('keeps retained messages across a restart, replacing by topic and deleting by topic', async () => {
      await current.load();
      await current.putRetained(retained('lab/a', 'one'));
      await current.putRetained(retained('lab/b', 'two'));
      await current.putRetained(retained('lab/a', 'three', { qos: 2, publisherId: 'dev-7', storedAt: 5 }));
      await current.putRetained(retained('lab/c'));
      await current.deleteRetained('lab/c');
      await current.deleteRetained('lab/never-existed');
      const state = await restart();
      expect(byTopic(state)).toEqual(new Map([['lab/a', 'three'], ['lab/b', 'two']]));
      expect(state.retained.find((r) => r.topicName === 'lab/a')).toMatchObject({ qos: 2, publisherId: 'dev-7', storedAt: 5 });
    });

    it('round-trips every byte value, empty payloads and unicode topic names exactly', async () => {
      await current.load();
      const all = new Uint8Array(256).map((_, i) => i);
      await current.putRetained({ ...retained('lab/bin'), payload: all });
      await current.putRetained({ ...retained('lab/empty'), payload: new Uint8Array(0) });
      await current.putRetained(retained('läb/ü/€/😀', 'x'));
      await current.putSession(session('c1'));
      await current.putOutbound({ ...outbound('c1', 1), payload: all });
      await current.putWill({ ...will('c1'), payload: new Uint8Array(0) });
      const state = await restart();
      const bin = state.retained.find((r) => r.topicName === 'lab/bin');
      expect(Array.from(bin!.payload)).toEqual(Array.from(all));
      expect(state.retained.find((r) => r.topicName === 'lab/empty')!.payload.byteLength).toBe(0);
      expect(byTopic(state).get('läb/ü/€/😀')).toBe('x');
      expect(Array.from(state.outbound[0]!.payload)).toEqual(Array.from(all));
      expect(state.wills[0]!.payload.byteLength).toBe(0);
    });

    it('returns payloads as plain Uint8Arrays', async () => {
      await current.load();
      await current.putRetained(retained('lab/a'));
      await current.putSession(session('c1'));
      await current.putOutbound(outbound('c1', 1));
      await current.putWill(will('c1'));
      const state = await restart();
      for (const p of [state.retained[0]!.payload, state.outbound[0]!.payload, state.wills[0]!.payload]) {
        expect(Object.getPrototypeOf(p)).toBe(Uint8Array.prototype);
      }
    });

    it('keeps sessions with their subscriptions, replacing by client id', async () => {
      await current.load();
      await current.putSession(session('c1', ['a/#', 'b/+/c']));
      await current.putSession(session('c2', []));
      await current.putSession(session('c1', ['x/y'], { lastSeen: 42 }));
      const state = await restart();
      const sessions = new Map(state.sessions.map((s) => [s.clientId, s]));
      expect(sessions.size).toBe(2);
      expect(sessions.get('c1')).toEqual({ clientId: 'c1', subscriptions: [{ topicFilter: 'x/y', qos: 0 }], createdAt: 1_700_000_000_000, lastSeen: 42 });
      expect(sessions.get('c2')!.subscriptions).toEqual([]);
    });

    it('keeps outbound messages by (clientId, seq) through queued → inflight → released, in delivery order', async () => {
      await current.load();
      await current.putSession(session('b'));
      await current.putSession(session('a'));
      for (const seq of [3, 1, 2, 10]) await current.putOutbound(outbound('b', seq));
      await current.putOutbound(outbound('a', 7, { qos: 2 }));
      await current.putOutbound(outbound('b', 1, { state: 'inflight', packetId: 11 }));
      await current.putOutbound(outbound('b', 2, { state: 'inflight', packetId: 12, qos: 2 }));
      await current.putOutbound(outbound('b', 2, { state: 'released', packetId: 12, qos: 2 }));
      await current.deleteOutbound('b', 3);
      await current.deleteOutbound('b', 99);
      const state = await restart();
      expect(outboundIds(state)).toEqual(['a:7', 'b:1', 'b:2', 'b:10']);
      expect(state.outbound[1]).toEqual(outbound('b', 1, { state: 'inflight', packetId: 11 }));
      expect(state.outbound[2]).toMatchObject({ state: 'released', packetId: 12, qos: 2 });
      expect(state.outbound[3]).toEqual(outbound('b', 10));
      expect('packetId' in state.outbound[3]!).toBe(false);
    });

    it('deletes several outbound records of one session in one call, ignoring unknown seqs and other sessions', async () => {
      await current.load();
      await current.putSession(session('a'));
      await current.putSession(session('b'));
      for (let seq = 1; seq <= 6; seq++) await current.putOutbound(outbound('a', seq));
      await current.putOutbound(outbound('b', 2));
      await current.deleteOutboundMany('a', [1, 2, 4, 99]);
      await current.deleteOutboundMany('a', []);
      await current.deleteOutboundMany('nobody', [1]);
      const state = await restart();
      expect(outboundIds(state)).toEqual(['a:3', 'a:5', 'a:6', 'b:2']);
    });

    it('applies deleteOutboundMany in call order with puts of the same seqs', async () => {
      await current.load();
      await current.putSession(session('a'));
      const pending = [
        current.putOutbound(outbound('a', 1)),
        current.putOutbound(outbound('a', 2)),
        current.deleteOutboundMany('a', [1, 2]),
        current.putOutbound(outbound('a', 2, { topicName: 'lab/again' })),
      ];
      await Promise.all(pending);
      const state = await restart();
      expect(outboundIds(state)).toEqual(['a:2']);
      expect(state.outbound[0]!.topicName).toBe('lab/again');
    });

    it('keeps inbound QoS 2 packet ids awaiting PUBREL per client [MQTT-4.3.3-2]', async () => {
      await current.load();
      await current.putSession(session('a'));
      await current.putSession(session('b'));
      await current.putIncomingQos2({ clientId: 'a', packetId: 1 });
      await current.putIncomingQos2({ clientId: 'a', packetId: 65535 });
      await current.putIncomingQos2({ clientId: 'b', packetId: 1 });
      await current.putIncomingQos2({ clientId: 'b', packetId: 1 });
      await current.deleteIncomingQos2('a', 1);
      await current.deleteIncomingQos2('a', 2);
      const state = await restart();
      expect(qos2Ids(state)).toEqual(['a:65535', 'b:1']);
    });

    it('keeps the wills of connected clients, replacing and deleting by client id', async () => {
      await current.load();
      await current.putWill(will('w1'));
      await current.putWill(will('w2'));
      await current.putWill(will('w1', { topicName: 'lab/w1/lwt', qos: 2, retain: false }));
      await current.putWill(will('w3'));
      await current.deleteWill('w3');
      const state = await restart();
      const wills = new Map(state.wills.map((w) => [w.clientId, w]));
      expect([...wills.keys()].sort()).toEqual(['w1', 'w2']);
      expect(wills.get('w1')).toEqual(will('w1', { topicName: 'lab/w1/lwt', qos: 2, retain: false }));
    });

    it('merges counters by name, keeping the latest value of each', async () => {
      await current.load();
      await current.putCounters([{ name: 'messages.received', value: 10 }, { name: 'bytes.received', value: 1.5e12 }]);
      await current.putCounters([{ name: 'messages.received', value: 11 }]);
      await current.putCounters([]);
      const state = await restart();
      const counters = new Map(state.counters.map((c) => [c.name, c.value]));
      expect(counters).toEqual(new Map([['messages.received', 11], ['bytes.received', 1.5e12]]));
    });

    it('deleteSession removes the session with its outbound and inbound QoS 2 records, and nothing else', async () => {
      await current.load();
      for (const c of ['gone', 'kept']) {
        await current.putSession(session(c));
        await current.putOutbound(outbound(c, 1));
        await current.putOutbound(outbound(c, 2, { state: 'inflight', packetId: 2 }));
        await current.putIncomingQos2({ clientId: c, packetId: 5 });
        await current.putWill(will(c));
      }
      await current.deleteSession('gone');
      await current.deleteSession('never-existed');
      const state = await restart();
      expect(state.sessions.map((s) => s.clientId)).toEqual(['kept']);
      expect(outboundIds(state)).toEqual(['kept:1', 'kept:2']);
      expect(qos2Ids(state)).toEqual(['kept:5']);
      // a will belongs to the connection, not the session
      expect(state.wills.map((w) => w.clientId).sort()).toEqual(['gone', 'kept']);
    });

    it('drops outbound and inbound QoS 2 records that belong to no session', async () => {
      await current.load();
      await current.putSession(session('real'));
      await current.putOutbound(outbound('real', 1));
      await current.putOutbound(outbound('ghost', 1));
      await current.putIncomingQos2({ clientId: 'ghost', packetId: 9 });
      let state = await restart();
      expect(outboundIds(state)).toEqual(['real:1']);
      expect(state.incomingQos2).toEqual([]);
      // and they stay gone even if a session of that name appears later
      await current.putSession(session('ghost'));
      state = await restart();
      expect(outboundIds(state)).toEqual(['real:1']);
      expect(state.incomingQos2).toEqual([]);
    });

    it('applies unawaited mutations of the same key in call order', async () => {
      await current.load();
      const pending = [
        current.putRetained(retained('k1', 'v1')),
        current.putRetained(retained('k1', 'v2')),
        current.deleteRetained('k1'),
        current.putRetained(retained('k1', 'v3')),
        current.putRetained(retained('k2', 'v1')),
        current.deleteRetained('k2'),
        current.putSession(session('s')),
        current.putOutbound(outbound('s', 1)),
        current.deleteSession('s'),
        current.putSession(session('s', ['new/#'])),
        current.putOutbound(outbound('s', 2)),
        current.putWill(will('w')),
        current.deleteWill('w'),
        current.putCounters([{ name: 'n', value: 1 }]),
        current.putCounters([{ name: 'n', value: 2 }]),
      ];
      await Promise.all(pending);
      const state = await restart();
      expect(byTopic(state)).toEqual(new Map([['k1', 'v3']]));
      expect(state.sessions.map((s) => s.subscriptions[0]!.topicFilter)).toEqual(['new/#']);
      expect(outboundIds(state)).toEqual(['s:2']);
      expect(state.wills).toEqual([]);
      expect(state.counters).toEqual([{ name: 'n', value: 2 }]);
    });

    it('resolves mutation promises in call order', async () => {
      await current.load();
      const order: number[] = [];
      const pending: Promise<void>[] = [];
      for (let i = 0; i < 200; i++) {
        const p = i % 3 === 0 ? current.deleteRetained(`t/${i - 1}`) : current.putRetained(retained(`t/${i}`));
        pending.push(p.then(() => void order.push(i)));
      }
      await Promise.all(pending);
      expect(order).toEqual([...Array(200).keys()]);
    });

    it('copies records in: changing an object after handing it over changes nothing stored', async () => {
      await current.load();
      const r = retained('lab/a', 'orig');
      const s = session('c1', ['a/#']);
      const o = outbound('c1', 1);
      const w = will('c1');
      const counters = [{ name: 'n', value: 1 }];
      const pending = [current.putRetained(r), current.putSession(s), current.putOutbound(o), current.putWill(w), current.putCounters(counters)];
      r.payload[0] = 0x58;
      r.topicName = 'changed';
      s.subscriptions[0]!.topicFilter = 'changed';
      s.subscriptions.push({ topicFilter: 'more', qos: 0 });
      o.payload.fill(0);
      o.state = 'released';
      w.payload.fill(0);
      counters[0]!.value = 99;
      await Promise.all(pending);
      const state = await restart();
      expect(byTopic(state)).toEqual(new Map([['lab/a', 'orig']]));
      expect(state.sessions[0]!.subscriptions).toEqual([{ topicFilter: 'a/#', qos: 0 }]);
      expect(state.outbound[0]).toEqual(outbound('c1', 1));
      expect(text(state.wills[0]!.payload)).toBe('offline');
      expect(state.counters).toEqual([{ name: 'n', value: 1 }]);
    });

    it('copies records out: changing a loaded state changes nothing stored', async () => {
      await current.load();
      await current.putRetained(retained('lab/a', 'orig'));
      await current.putSession(session('c1', ['a/#']));
      await current.putOutbound(outbound('c1', 1));
      const first = await current.load();
      first.retained[0]!.payload.fill(0);
      first.sessions[0]!.subscriptions.length = 0;
      first.outbound[0]!.seq = 999;
      first.retained.length = 0;
      const second = await current.load();
      expect(byTopic(second)).toEqual(new Map([['lab/a', 'orig']]));
      expect(second.sessions[0]!.subscriptions).toHaveLength(1);
      expect(outboundIds(second)).toEqual(['c1:1']);
    });

    it('returns the current state, without repeating problems, when load() is called again', async () => {
      await current.load();
      await current.putRetained(retained('lab/a'));
      const again = await current.load();
      expect(byTopic(again)).toEqual(new Map([['lab/a', 'lab/a']]));
      expect(again.problems).toEqual([]);
    });

    it('makes many unawaited writes durable by flush(), across every record kind', async () => {
      await current.load();
      const pending: Promise<void>[] = [];
      for (let c = 0; c < 20; c++) {
        const clientId = `client-${c}`;
        pending.push(current.putSession(session(clientId, [`lab/${c}/#`])));
        for (let seq = 1; seq <= 50; seq++) pending.push(current.putOutbound(outbound(clientId, seq, { qos: seq % 2 === 0 ? 2 : 1 })));
        for (let seq = 1; seq <= 50; seq += 5) pending.push(current.deleteOutbound(clientId, seq));
        pending.push(current.putIncomingQos2({ clientId, packetId: c + 1 }));
        pending.push(current.putWill(will(clientId)));
      }
      for (let i = 0; i < 1000; i++) pending.push(current.putRetained(retained(`lab/r/${i}`, `v${i}`)));
      for (let i = 0; i < 1000; i += 2) pending.push(current.deleteRetained(`lab/r/${i}`));
      pending.push(current.putCounters([{ name: 'total', value: 1000 }]));
      await current.flush();
      // every earlier mutation has settled by the time flush() resolves (checked before any I/O callback runs)
      const all = Promise.all(pending).then(() => 'all settled');
      const later = new Promise((resolve) => setImmediate(() => resolve('still pending')));
      expect(await Promise.race([all, later])).toBe('all settled');
      const state = await restart();
      expect(state.retained).toHaveLength(500);
      expect(byTopic(state).get('lab/r/999')).toBe('v999');
      expect(state.sessions).toHaveLength(20);
      expect(state.outbound).toHaveLength(20 * 40);
      expect(state.incomingQos2).toHaveLength(20);
      expect(state.wills).toHaveLength(20);
      expect(state.counters).toEqual([{ name: 'total', value: 1000 }]);
    });

    it('stores a large batch of retained messages with 1 KiB payloads intact', async () => {
      await current.load();
      const payload = new Uint8Array(1024).map((_, i) => (i * 7) % 256);
      const pending: Promise<void>[] = [];
      for (let i = 0; i < 5000; i++) pending.push(current.putRetained({ ...retained(`bulk/${i}`), payload }));
      await Promise.all(pending);
      const state = await restart();
      expect(state.retained).toHaveLength(5000);
      expect(state.retained.every((r) => r.payload.byteLength === 1024 && r.payload[1023] === payload[1023])).toBe(true);
    });

    it('keeps everything across several restarts with mutations in between', async () => {
      await current.load();
      await current.putSession(session('c'));
      await current.putOutbound(outbound('c', 1));
      let state = await restart();
      expect(outboundIds(state)).toEqual(['c:1']);
      await current.putOutbound(outbound('c', 2));
      await current.deleteOutbound('c', 1);
      await current.putRetained(retained('r'));
      state = await restart();
      expect(outboundIds(state)).toEqual(['c:2']);
      await current.deleteRetained('r');
      state = await restart();
      expect(state.retained).toEqual([]);
      expect(outboundIds(state)).toEqual(['c:2']);
      expect(state.sessions).toHaveLength(1);
    });
  });
}
