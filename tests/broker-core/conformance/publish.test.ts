/**
 * Conformance rows for PUBLISH: DUP and packet-id rules of the QoS flows [MQTT-3.3.1-3]
 * [MQTT-4.3.2-2] [MQTT-4.3.3-2], retained messages [MQTT-3.3.1-5..12], topic names and matching
 * [MQTT-4.7], and the packets that must close only the offending connection [MQTT-1.5.3]
 * [MQTT-3.3.2-2] [MQTT-4.7.3-1].
 */

import { conformanceRows, type Row } from './rows.js';
import { hex, packet, puback, publish, pubrec, pubrel, pubcomp, subscribe, suback } from './bytes.js';

/** `sub` subscribed to `filters` (all granted), `pub` connected. */
const setup = (filters: [string, number][]): Row['steps'] => [
  { c: 'sub', connect: { clientId: 'sub' } },
  { c: 'sub', send: subscribe(1, filters) },
  { c: 'sub', recv: suback(1, ...filters.map(([, q]) => q)) },
  { c: 'pub', connect: { clientId: 'pub' } },
];

conformanceRows('PUBLISH flows', [
  {
    name: '[MQTT-3.3.1-3] the DUP flag of a received PUBLISH is not forwarded: DUP is set only for the broker\'s own re-sends',
    steps: [
      ...setup([['d', 2]]),
      { c: 'pub', send: publish({ topic: 'd', payload: 'x', qos: 1, id: 5, dup: true }) },
      { c: 'pub', recv: puback(5) },
      { c: 'sub', recv: publish({ topic: 'd', payload: 'x', qos: 1, id: 1 }) },
      { c: 'pub', send: publish({ topic: 'd', payload: 'y', qos: 2, id: 6, dup: true }) },
      { c: 'pub', recv: pubrec(6) },
      { c: 'sub', recv: publish({ topic: 'd', payload: 'y', qos: 2, id: 2 }) },
    ],
  },
  {
    name: 'a client PUBLISH to $SYS (QoS 0, 1, 2; retained or not) completes its flow but is neither delivered nor stored: $SYS is the broker\'s',
    steps: [
      ...setup([['$SYS/#', 2], ['$SYSTEM/#', 0]]),
      { c: 'pub', send: publish({ topic: '$SYS/broker/version', payload: 'spoof', qos: 0, retain: true }) },
      { c: 'pub', send: publish({ topic: '$SYS/broker/clients/connected', payload: '999', qos: 1, id: 1, retain: true }) },
      { c: 'pub', recv: puback(1) },
      { c: 'pub', send: publish({ topic: '$SYS', payload: 'x', qos: 2, id: 2 }) },
      { c: 'pub', recv: pubrec(2) },
      { c: 'pub', send: pubrel(2) },
      { c: 'pub', recv: pubcomp(2) },
      { until: (b) => b.broker.stats().publishDropped === 3, what: 'the three denied publishes to be counted' },
      { c: 'sub', quiet: true },
      { until: (b) => b.broker.retained('$SYS/#').every((r) => r.publisherId !== 'pub'), what: 'no spoofed retained $SYS message' },
      // a topic that merely starts with the letters is an ordinary topic
      { c: 'pub', send: publish({ topic: '$SYSTEM/x', payload: 'ok', qos: 0 }) },
      { c: 'sub', recv: publish({ topic: '$SYSTEM/x', payload: 'ok', qos: 0 }) },
    ],
  },
  {
    name: '[MQTT-4.3.2-2] after its PUBACK, a PUBLISH reusing the packet id is a new message (DUP or not)',
    steps: [
      ...setup([['r', 1]]),
      { c: 'pub', send: publish({ topic: 'r', payload: 'a', qos: 1, id: 1 }) },
      { c: 'pub', recv: puback(1) },
      { c: 'pub', send: publish({ topic: 'r', payload: 'a', qos: 1, id: 1, dup: true }) },
      { c: 'pub', recv: puback(1) },
      { c: 'sub', recv: [publish({ topic: 'r', payload: 'a', qos: 1, id: 1 }), publish({ topic: 'r', payload: 'a', qos: 1, id: 2 })] },
    ],
  },
  {
    name: '[MQTT-4.3.3-2] a QoS 2 PUBLISH repeated before PUBREL (DUP=0 or 1) is acknowledged again but delivered once; after PUBCOMP the id is new',
    steps: [
      ...setup([['q2', 2]]),
      { c: 'pub', send: publish({ topic: 'q2', payload: 'once', qos: 2, id: 3 }) },
      { c: 'pub', recv: pubrec(3) },
      { c: 'sub', recv: publish({ topic: 'q2', payload: 'once', qos: 2, id: 1 }) },
      { c: 'pub', send: publish({ topic: 'q2', payload: 'once', qos: 2, id: 3 }) },
      { c: 'pub', recv: pubrec(3) },
      { c: 'pub', send: publish({ topic: 'q2', payload: 'once', qos: 2, id: 3, dup: true }) },
      { c: 'pub', recv: pubrec(3) },
      { c: 'pub', quiet: true },
      { c: 'sub', quiet: true },
      { c: 'pub', send: pubrel(3) },
      { c: 'pub', recv: pubcomp(3) },
      { c: 'pub', send: publish({ topic: 'q2', payload: 'again', qos: 2, id: 3 }) },
      { c: 'pub', recv: pubrec(3) },
      { c: 'sub', recv: publish({ topic: 'q2', payload: 'again', qos: 2, id: 2 }) },
    ],
  },
  {
    name: '[MQTT-4.3.3-2] [MQTT-4.4.0-1] a clean-session-0 publisher that reconnects before PUBREL re-sends its QoS 2 PUBLISH: not delivered twice',
    steps: [
      ...setup([['q2', 2]]),
      { c: 'dev1', connect: { clientId: 'dev', cleanSession: false } },
      { c: 'dev1', send: publish({ topic: 'q2', payload: 'exactly once', qos: 2, id: 9 }) },
      { c: 'dev1', recv: pubrec(9) },
      { c: 'sub', recv: publish({ topic: 'q2', payload: 'exactly once', qos: 2, id: 1 }) },
      { c: 'dev1', drop: true },
      { until: (b) => !b.broker.clients().some((c) => c.clientId === 'dev'), what: 'the lost connection is noticed' },
      { c: 'dev2', connect: { clientId: 'dev', cleanSession: false }, sessionPresent: true },
      { c: 'dev2', send: publish({ topic: 'q2', payload: 'exactly once', qos: 2, id: 9, dup: true }) },
      { c: 'dev2', recv: pubrec(9) },
      { c: 'dev2', send: pubrel(9) },
      { c: 'dev2', recv: pubcomp(9) },
      { c: 'sub', quiet: true },
    ],
  },
  {
    name: '[MQTT-4.3.3-2] a PUBREL for a packet id the broker does not hold is still answered with PUBCOMP',
    steps: [
      { c: 'pub', connect: { clientId: 'pub' } },
      { c: 'pub', send: pubrel(4242) },
      { c: 'pub', recv: pubcomp(4242) },
    ],
  },
  {
    name: '[MQTT-4.3.1-1] [MQTT-3.3.5-1] a QoS 0 PUBLISH gets no acknowledgement and reaches a QoS 2 subscription at QoS 0',
    steps: [
      ...setup([['z', 2]]),
      { c: 'pub', send: publish({ topic: 'z', payload: 'q0' }) },
      { c: 'pub', quiet: true },
      { c: 'sub', recv: publish({ topic: 'z', payload: 'q0' }) },
    ],
  },
  {
    name: '[MQTT-3.3.5-1] overlapping subscriptions of one client: one copy, at the highest granted QoS',
    steps: [
      ...setup([['#', 0], ['o/+', 1], ['o/x', 2], ['+/x', 0]]),
      { c: 'pub', send: publish({ topic: 'o/x', payload: 'one', qos: 2, id: 1 }) },
      { c: 'pub', recv: pubrec(1) },
      { c: 'sub', recv: publish({ topic: 'o/x', payload: 'one', qos: 2, id: 1 }) },
      { c: 'sub', quiet: true },
      { c: 'pub', send: publish({ topic: 'o/x', payload: 'two', qos: 1, id: 2 }) },
      { c: 'pub', recv: puback(2) },
      { c: 'sub', recv: publish({ topic: 'o/x', payload: 'two', qos: 1, id: 2 }) },
      { c: 'sub', quiet: true },
    ],
  },
]);

conformanceRows('retained messages', [
  {
    name: '[MQTT-3.3.1-8] a retained QoS 1 message reaches a new QoS 1 subscription with RETAIN=1 and a packet id, after the SUBACK',
    steps: [
      { c: 'pub', connect: { clientId: 'pub' } },
      { c: 'pub', send: publish({ topic: 'r/1', payload: 'kept', qos: 1, retain: true, id: 1 }) },
      { c: 'pub', recv: puback(1) },
      { c: 'sub', connect: { clientId: 'sub' } },
      { c: 'sub', send: subscribe(1, [['r/#', 1]]) },
      { c: 'sub', recv: [suback(1, 1), publish({ topic: 'r/1', payload: 'kept', qos: 1, retain: true, id: 1 })] },
    ],
  },
  {
    name: '[MQTT-3.3.1-9] messages forwarded to existing subscriptions carry RETAIN=0 at every QoS',
    steps: [
      ...setup([['r', 2]]),
      { c: 'pub', send: publish({ topic: 'r', payload: 'q0', retain: true }) },
      { c: 'sub', recv: publish({ topic: 'r', payload: 'q0' }) },
      { c: 'pub', send: publish({ topic: 'r', payload: 'q1', qos: 1, retain: true, id: 1 }) },
      { c: 'pub', recv: puback(1) },
      { c: 'sub', recv: publish({ topic: 'r', payload: 'q1', qos: 1, id: 1 }) },
      { c: 'pub', send: publish({ topic: 'r', payload: 'q2', qos: 2, retain: true, id: 2 }) },
      { c: 'pub', recv: pubrec(2) },
      { c: 'sub', recv: publish({ topic: 'r', payload: 'q2', qos: 2, id: 2 }) },
    ],
  },
  {
    name: '[MQTT-3.3.1-12] a PUBLISH with RETAIN=0 neither replaces nor deletes the retained message (not even with an empty payload)',
    steps: [
      { c: 'pub', connect: { clientId: 'pub' } },
      { c: 'pub', send: publish({ topic: 'k', payload: 'retained', retain: true }) },
      { c: 'pub', send: publish({ topic: 'k', payload: 'not retained' }) },
      { c: 'pub', send: publish({ topic: 'k', payload: '', qos: 1, id: 1 }) },
      { c: 'pub', recv: puback(1) },
      { c: 'sub', connect: { clientId: 'sub' } },
      { c: 'sub', send: subscribe(1, [['k', 0]]) },
      { c: 'sub', recv: [suback(1, 0), publish({ topic: 'k', payload: 'retained', retain: true })] },
      { c: 'sub', quiet: true },
    ],
  },
  {
    name: '[MQTT-3.3.1-10] [MQTT-3.3.1-11] a zero-byte retained PUBLISH reaches current subscribers (RETAIN=0), deletes, and is never stored',
    steps: [
      ...setup([['k', 1]]),
      { c: 'pub', send: publish({ topic: 'k', payload: 'v', retain: true }) },
      { c: 'sub', recv: publish({ topic: 'k', payload: 'v' }) },
      { c: 'pub', send: publish({ topic: 'k', payload: '', qos: 1, retain: true, id: 1 }) },
      { c: 'pub', recv: puback(1) },
      { c: 'sub', recv: publish({ topic: 'k', payload: '', qos: 1, id: 1 }) },
      { c: 'late', connect: { clientId: 'late' } },
      { c: 'late', send: subscribe(1, [['k', 1]]) },
      { c: 'late', recv: suback(1, 1) },
      { c: 'late', quiet: true },
    ],
  },
  {
    name: '[MQTT-3.3.1-10] a zero-byte retained PUBLISH for a topic with nothing retained is still delivered',
    steps: [
      ...setup([['none', 0]]),
      { c: 'pub', send: publish({ topic: 'none', payload: '', retain: true }) },
      { c: 'sub', recv: publish({ topic: 'none', payload: '' }) },
    ],
  },
  {
    name: '[MQTT-3.1.2-7] retained messages outlive the session of their publisher',
    steps: [
      { c: 'pub', connect: { clientId: 'pub', cleanSession: true } },
      { c: 'pub', send: publish({ topic: 'k', payload: 'stays', retain: true }) },
      { c: 'pub', send: hex('e0 00') },
      { c: 'pub', closed: true },
      { c: 'sub', connect: { clientId: 'sub' } },
      { c: 'sub', send: subscribe(1, [['k', 0]]) },
      { c: 'sub', recv: [suback(1, 0), publish({ topic: 'k', payload: 'stays', retain: true })] },
    ],
  },
]);

conformanceRows('topic names and matching', [
  {
    name: '[MQTT-4.7.3-4] [MQTT-1.5.3-3] topic names with spaces, Unicode and a BOM are matched and forwarded byte for byte',
    steps: [
      ...setup([['dev/living room/température ✓', 0], ['bom/\uFEFFx', 0], ['日本/#', 0]]),
      { c: 'pub', send: publish({ topic: 'dev/living room/température ✓', payload: '1' }) },
      { c: 'pub', send: publish({ topic: 'bom/\uFEFFx', payload: '2' }) },
      { c: 'pub', send: publish({ topic: 'bom/x', payload: 'not the same topic' }) },
      { c: 'pub', send: publish({ topic: '日本/東京', payload: '3' }) },
      { c: 'sub', recv: publish({ topic: 'dev/living room/température ✓', payload: '1' }) },
      { c: 'sub', recv: hex('30 0b 00 08 62 6f 6d 2f ef bb bf 78 32') },
      { c: 'sub', recv: publish({ topic: '日本/東京', payload: '3' }) },
      { c: 'pub', quiet: true },
      { c: 'sub', quiet: true },
    ],
  },
  {
    name: '[MQTT-4.7.1-3] + matches exactly one level, an empty one too: a//b, /a, a/',
    steps: [
      ...setup([['a/+/b', 0], ['+/a', 0], ['a/+', 0]]),
      { c: 'pub', send: publish({ topic: 'a//b', payload: '1' }) },
      { c: 'pub', send: publish({ topic: '/a', payload: '2' }) },
      { c: 'pub', send: publish({ topic: 'a/', payload: '3' }) },
      { c: 'pub', send: publish({ topic: 'a', payload: 'no: + needs a level' }) },
      { c: 'pub', send: publish({ topic: 'a/x/y/b', payload: 'no: + is one level' }) },
      { c: 'sub', recv: [publish({ topic: 'a//b', payload: '1' }), publish({ topic: '/a', payload: '2' }), publish({ topic: 'a/', payload: '3' })] },
      { c: 'pub', quiet: true },
      { c: 'sub', quiet: true },
    ],
  },
  {
    name: '[MQTT-4.7.1-2] a/# matches a itself and every level below, an empty one too',
    steps: [
      ...setup([['a/#', 0]]),
      { c: 'pub', send: publish({ topic: 'a', payload: '1' }) },
      { c: 'pub', send: publish({ topic: 'a/', payload: '2' }) },
      { c: 'pub', send: publish({ topic: 'a/b/c', payload: '3' }) },
      { c: 'pub', send: publish({ topic: 'ab', payload: 'no' }) },
      { c: 'pub', send: publish({ topic: '/a', payload: 'no' }) },
      { c: 'sub', recv: [publish({ topic: 'a', payload: '1' }), publish({ topic: 'a/', payload: '2' }), publish({ topic: 'a/b/c', payload: '3' })] },
      { c: 'pub', quiet: true },
      { c: 'sub', quiet: true },
    ],
  },
  {
    name: '[MQTT-4.7.3-4] no normalisation: a/b, a/b/, /a/b, A/b and "a/b " are different topics',
    steps: [
      ...setup([['a/b', 0]]),
      { c: 'pub', send: publish({ topic: 'a/b/', payload: 'no' }) },
      { c: 'pub', send: publish({ topic: '/a/b', payload: 'no' }) },
      { c: 'pub', send: publish({ topic: 'A/b', payload: 'no' }) },
      { c: 'pub', send: publish({ topic: 'a/b ', payload: 'no' }) },
      { c: 'pub', send: publish({ topic: 'a/b', payload: 'yes' }) },
      { c: 'sub', recv: publish({ topic: 'a/b', payload: 'yes' }) },
      { c: 'pub', quiet: true },
      { c: 'sub', quiet: true },
    ],
  },
  {
    name: '[MQTT-4.7.2-1] topics starting with $ are not matched by filters starting with a wildcard (#, +, +/#, +/+), only by filters naming the $ level ($app/#, $app/+)',
    steps: [
      ...setup([['#', 0], ['+', 0], ['+/#', 0], ['+/+', 0], ['+/broker', 0]]),
      { c: 'pub', send: publish({ topic: '$app/broker', payload: 'no' }) },
      { c: 'pub', send: publish({ topic: '$app', payload: 'no' }) },
      { c: 'pub', send: publish({ topic: '$app/x', payload: 'no' }) },
      { c: 'pub', send: publish({ topic: 'x/$app', payload: 'yes' }) },
      { c: 'sub', recv: publish({ topic: 'x/$app', payload: 'yes' }) },
      { c: 'pub', quiet: true },
      { c: 'sub', quiet: true },
      { c: 'app', connect: { clientId: 'app' } },
      { c: 'app', send: subscribe(1, [['$app/#', 0], ['$app/+', 0]]) },
      { c: 'app', recv: suback(1, 0, 0) },
      { c: 'pub', send: publish({ topic: '$app/broker', payload: 'yes' }) },
      { c: 'pub', send: publish({ topic: '$app', payload: 'yes: $app/# matches its parent' }) },
      { c: 'app', recv: [publish({ topic: '$app/broker', payload: 'yes' }), publish({ topic: '$app', payload: 'yes: $app/# matches its parent' })] },
    ],
  },
]);

/** A watcher on '#' with a positive control: the offender's packet must not be routed, the watcher stays served. */
const closesOnly = (name: string, offending: Buffer): Row => ({
  name,
  steps: [
    { c: 'watcher', connect: { clientId: 'watcher' } },
    { c: 'watcher', send: subscribe(1, [['#', 0]]) },
    { c: 'watcher', recv: suback(1, 0) },
    { c: 'bad', connect: { clientId: 'bad' } },
    { c: 'bad', send: offending },
    { c: 'bad', closed: true },
    { c: 'watcher', quiet: true },
  ],
});

conformanceRows('PUBLISH packets that close only the offending connection', [
  closesOnly('[MQTT-1.5.3-1] ill-formed UTF-8 in a topic name (a FF)', packet(0x30, hex('00 02 61 ff'), 'x')),
  closesOnly('[MQTT-1.5.3-1] an encoded UTF-16 surrogate in a topic name (ED A0 80)', packet(0x30, hex('00 03 ed a0 80'), 'x')),
  closesOnly('[MQTT-1.5.3-1] an overlong encoding in a topic name (C0 AF for /)', packet(0x30, hex('00 03 61 c0 af'), 'x')),
  closesOnly('[MQTT-1.5.3-2] U+0000 in a topic name', packet(0x30, hex('00 03 61 00 62'), 'x')),
  closesOnly('[MQTT-3.3.2-2] a wildcard (+) in a topic name', publish({ topic: 'a/+', payload: 'x' })),
  closesOnly('[MQTT-3.3.2-2] a wildcard (#) in a topic name', publish({ topic: 'a/#', payload: 'x' })),
  closesOnly('[MQTT-4.7.3-1] a zero-length topic name', packet(0x30, hex('00 00'), 'x')),
  closesOnly('[MQTT-3.3.1-4] QoS 3', packet(0x36, hex('00 01 61 00 01'), 'x')),
  closesOnly('[MQTT-2.3.1-1] a QoS 1 PUBLISH with packet identifier 0', packet(0x32, hex('00 01 61 00 00'), 'x')),
  closesOnly('[MQTT-2.2.3] a remaining length longer than four bytes', hex('30 ff ff ff ff 01')),
  {
    name: 'a PUBLISH whose remaining length exceeds maxPacketSize closes that connection only; one at the limit passes',
    broker: { limits: { maxPacketSize: 16 } },
    steps: [
      { c: 'watcher', connect: { clientId: 'w' } },
      { c: 'watcher', send: subscribe(1, [['#', 0]]) },
      { c: 'watcher', recv: suback(1, 0) },
      { c: 'pub', connect: { clientId: 'pub' } },
      // remaining length 2 + 1 + 13 = 16: accepted
      { c: 'pub', send: publish({ topic: 't', payload: 'thirteen byte' }) },
      { c: 'watcher', recv: publish({ topic: 't', payload: 'thirteen byte' }) },
      // 17: refused before the body is read
      { c: 'pub', send: publish({ topic: 't', payload: 'fourteen bytes' }) },
      { c: 'pub', closed: true },
      { c: 'watcher', quiet: true },
    ],
  },
]);
