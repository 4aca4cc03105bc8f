/**
 * Conformance rows for SUBSCRIBE / UNSUBSCRIBE [MQTT-3.8] [MQTT-3.10] and for the outbound
 * delivery window: inflight bound, order, packet identifiers [MQTT-2.3.1] [MQTT-4.6.0].
 */

import { conformanceRows, type Row } from './rows.js';
import { hex, packet, puback, publish, pubrec, pubrel, pubcomp, subscribe, suback, unsubscribe, unsuback } from './bytes.js';

const sub = (clientId = 'sub'): Row['steps'] => [{ c: 'sub', connect: { clientId } }];
const pub: Row['steps'] = [{ c: 'pub', connect: { clientId: 'pub' } }];

conformanceRows('SUBSCRIBE and UNSUBSCRIBE', [
  {
    name: '[MQTT-3.8.4-3] repeating a filter replaces the subscription: the retained message is sent again, at the new QoS',
    steps: [
      ...pub,
      { c: 'pub', send: publish({ topic: 'r', payload: 'kept', qos: 2, retain: true, id: 1 }) },
      { c: 'pub', recv: pubrec(1) },
      ...sub(),
      { c: 'sub', send: subscribe(1, [['r', 0]]) },
      { c: 'sub', recv: [suback(1, 0), publish({ topic: 'r', payload: 'kept', retain: true })] },
      { c: 'sub', send: subscribe(2, [['r', 2]]) },
      { c: 'sub', recv: [suback(2, 2), publish({ topic: 'r', payload: 'kept', qos: 2, retain: true, id: 1 })] },
      // one subscription, not two: a new message arrives once
      { c: 'pub', send: pubrel(1) },
      { c: 'pub', recv: pubcomp(1) },
      { c: 'pub', send: publish({ topic: 'r', payload: 'new', qos: 1, id: 2 }) },
      { c: 'pub', recv: puback(2) },
      { c: 'sub', recv: publish({ topic: 'r', payload: 'new', qos: 1, id: 2 }) },
      { c: 'sub', quiet: true },
    ],
  },
  {
    name: '[MQTT-3.8.4-4] [MQTT-3.9.3-1] several filters get one SUBACK with a return code each, in order; 0x80 for a refused filter',
    steps: [
      ...sub(),
      { c: 'sub', send: subscribe(77, [['a/#', 2], ['a/#/b', 1], ['', 0], ['x+', 1], ['+/+', 1], ['#', 0]]) },
      { c: 'sub', recv: suback(77, 2, 0x80, 0x80, 0x80, 1, 0) },
    ],
  },
  {
    name: '[MQTT-3.10.4-5] [MQTT-3.10.4-4] UNSUBSCRIBE of a filter never subscribed is still acknowledged with its packet id',
    steps: [
      ...sub(),
      { c: 'sub', send: unsubscribe(513, ['never/subscribed', 'bad/#/filter']) },
      { c: 'sub', recv: unsuback(513) },
    ],
  },
  {
    name: '[MQTT-3.10.4-6] [MQTT-3.10.4-1] several filters get one UNSUBACK; only character-for-character equal filters are removed',
    steps: [
      ...sub(),
      { c: 'sub', send: subscribe(1, [['u/+', 0], ['u/#', 0], ['v', 0]]) },
      { c: 'sub', recv: suback(1, 0, 0, 0) },
      { c: 'sub', send: unsubscribe(2, ['u/+', 'U/#', 'u/#/', 'v']) },
      { c: 'sub', recv: unsuback(2) },
      ...pub,
      { c: 'pub', send: publish({ topic: 'u/1', payload: 'via u/#' }) },
      { c: 'pub', send: publish({ topic: 'v', payload: 'gone' }) },
      { c: 'sub', recv: publish({ topic: 'u/1', payload: 'via u/#' }) },
      { c: 'pub', quiet: true },
      { c: 'sub', quiet: true },
    ],
  },
  {
    name: '[MQTT-3.10.4-2] [MQTT-3.10.4-3] after UNSUBSCRIBE no new message is delivered, but a QoS 2 delivery in flight completes',
    steps: [
      ...sub(),
      { c: 'sub', send: subscribe(1, [['q', 2]]) },
      { c: 'sub', recv: suback(1, 2) },
      ...pub,
      { c: 'pub', send: publish({ topic: 'q', payload: 'in flight', qos: 2, id: 1 }) },
      { c: 'pub', recv: pubrec(1) },
      { c: 'sub', recv: publish({ topic: 'q', payload: 'in flight', qos: 2, id: 1 }) },
      { c: 'sub', send: unsubscribe(2, ['q']) },
      { c: 'sub', recv: unsuback(2) },
      { c: 'pub', send: publish({ topic: 'q', payload: 'after', qos: 1, id: 2 }) },
      { c: 'pub', recv: puback(2) },
      { c: 'sub', send: pubrec(1) },
      { c: 'sub', recv: pubrel(1) },
      { c: 'sub', send: pubcomp(1) },
      { c: 'sub', quiet: true },
      { until: (b) => b.broker.stats().inflightCount === 0, what: 'the exchange is complete' },
    ],
  },
  {
    name: '[MQTT-3.8.3-3] a SUBSCRIBE without any filter closes the connection',
    steps: [...sub(), { c: 'sub', send: packet(0x82, hex('00 01')) }, { c: 'sub', closed: true }],
  },
  {
    name: '[MQTT-3.8.3-4] a requested QoS byte with reserved bits (or QoS 3) closes the connection',
    steps: [...sub(), { c: 'sub', send: packet(0x82, hex('00 01 00 01 61 03')) }, { c: 'sub', closed: true }],
  },
  {
    name: '[MQTT-3.8.1-1] a SUBSCRIBE with fixed-header flags 0000 closes the connection',
    steps: [...sub(), { c: 'sub', send: packet(0x80, hex('00 01 00 01 61 00')) }, { c: 'sub', closed: true }],
  },
  {
    name: '[MQTT-3.10.3-2] an UNSUBSCRIBE without any filter closes the connection',
    steps: [...sub(), { c: 'sub', send: packet(0xa2, hex('00 01')) }, { c: 'sub', closed: true }],
  },
  {
    name: '[MQTT-3.10.1-1] an UNSUBSCRIBE with fixed-header flags 0000 closes the connection',
    steps: [...sub(), { c: 'sub', send: packet(0xa0, hex('00 01 00 01 61')) }, { c: 'sub', closed: true }],
  },
  {
    name: '[MQTT-3.6.1-1] a PUBREL with fixed-header flags 0000 closes the connection',
    steps: [...sub(), { c: 'sub', send: packet(0x60, hex('00 01')) }, { c: 'sub', closed: true }],
  },
  {
    name: '[MQTT-3.14.1-1] a DISCONNECT with reserved flags set closes the connection, and the will is published',
    steps: [
      { c: 'watcher', connect: { clientId: 'watcher' } },
      { c: 'watcher', send: subscribe(1, [['w', 0]]) },
      { c: 'watcher', recv: suback(1, 0) },
      { c: 'dev', connect: { clientId: 'dev', will: { topic: 'w', payload: 'gone' } } },
      { c: 'dev', send: hex('e1 00') },
      { c: 'dev', closed: true },
      { c: 'watcher', recv: publish({ topic: 'w', payload: 'gone' }) },
    ],
  },
]);

conformanceRows('delivery window and order', [
  {
    name: '[MQTT-4.6.0-6] with a full inflight window QoS 1 messages wait, and go out in order as PUBACKs free the window',
    broker: { limits: { maxInflight: 2 } },
    steps: [
      ...sub(),
      { c: 'sub', send: subscribe(1, [['w', 1]]) },
      { c: 'sub', recv: suback(1, 1) },
      ...pub,
      { c: 'pub', send: [1, 2, 3, 4, 5].map((i) => publish({ topic: 'w', payload: `m${i}`, qos: 1, id: i })) },
      { c: 'pub', recv: [1, 2, 3, 4, 5].map(puback) },
      { c: 'sub', recv: [publish({ topic: 'w', payload: 'm1', qos: 1, id: 1 }), publish({ topic: 'w', payload: 'm2', qos: 1, id: 2 })] },
      { c: 'sub', quiet: true },
      { c: 'sub', send: puback(2) },
      { c: 'sub', recv: publish({ topic: 'w', payload: 'm3', qos: 1, id: 3 }) },
      { c: 'sub', quiet: true },
      { c: 'sub', send: puback(1) },
      { c: 'sub', recv: publish({ topic: 'w', payload: 'm4', qos: 1, id: 4 }) },
      { c: 'sub', send: [puback(3), puback(4)] },
      { c: 'sub', recv: publish({ topic: 'w', payload: 'm5', qos: 1, id: 5 }) },
      { c: 'sub', quiet: true },
    ],
  },
  {
    name: '[MQTT-4.6.0-6] a QoS 2 window: PUBREC does not free the slot, PUBCOMP does',
    broker: { limits: { maxInflight: 1 } },
    steps: [
      ...sub(),
      { c: 'sub', send: subscribe(1, [['w', 2]]) },
      { c: 'sub', recv: suback(1, 2) },
      ...pub,
      { c: 'pub', send: [publish({ topic: 'w', payload: 'a', qos: 2, id: 1 }), publish({ topic: 'w', payload: 'b', qos: 2, id: 2 })] },
      { c: 'pub', recv: [pubrec(1), pubrec(2)] },
      { c: 'sub', recv: publish({ topic: 'w', payload: 'a', qos: 2, id: 1 }) },
      { c: 'sub', send: pubrec(1) },
      { c: 'sub', recv: pubrel(1) },
      { c: 'sub', quiet: true },
      { c: 'sub', send: pubcomp(1) },
      { c: 'sub', recv: publish({ topic: 'w', payload: 'b', qos: 2, id: 2 }) },
    ],
  },
  {
    name: '[MQTT-4.6.0-6] [MQTT-4.4.0-1] order survives a full window, a lost connection and queueing offline: in-flight ones again first (DUP), then the rest',
    broker: { limits: { maxInflight: 2 } },
    steps: [
      { c: 'sub1', connect: { clientId: 'slow', cleanSession: false } },
      { c: 'sub1', send: subscribe(1, [['o', 1]]) },
      { c: 'sub1', recv: suback(1, 1) },
      ...pub,
      { c: 'pub', send: [1, 2, 3].map((i) => publish({ topic: 'o', payload: `m${i}`, qos: 1, id: i })) },
      { c: 'pub', recv: [1, 2, 3].map(puback) },
      { c: 'sub1', recv: [publish({ topic: 'o', payload: 'm1', qos: 1, id: 1 }), publish({ topic: 'o', payload: 'm2', qos: 1, id: 2 })] },
      { c: 'sub1', drop: true },
      { until: (b) => !b.broker.clients().some((c) => c.clientId === 'slow'), what: 'the lost connection is noticed' },
      { c: 'pub', send: [4, 5].map((i) => publish({ topic: 'o', payload: `m${i}`, qos: 1, id: i })) },
      { c: 'pub', recv: [4, 5].map(puback) },
      { c: 'sub2', connect: { clientId: 'slow', cleanSession: false }, sessionPresent: true },
      { c: 'sub2', recv: [publish({ topic: 'o', payload: 'm1', qos: 1, id: 1, dup: true }), publish({ topic: 'o', payload: 'm2', qos: 1, id: 2, dup: true })] },
      { c: 'sub2', quiet: true },
      { c: 'sub2', send: [puback(1), puback(2)] },
      { c: 'sub2', recv: [publish({ topic: 'o', payload: 'm3', qos: 1, id: 3 }), publish({ topic: 'o', payload: 'm4', qos: 1, id: 4 })] },
      { c: 'sub2', send: puback(3) },
      { c: 'sub2', recv: publish({ topic: 'o', payload: 'm5', qos: 1, id: 5 }) },
    ],
  },
  {
    name: '[MQTT-4.6.0-3] [MQTT-4.4.0-1] after a reconnect, PUBRELs are re-sent in the order their PUBRECs arrived (not the order the messages were first sent)',
    steps: [
      { c: 'sub1', connect: { clientId: 'q2', cleanSession: false } },
      { c: 'sub1', send: subscribe(1, [['o', 2]]) },
      { c: 'sub1', recv: suback(1, 2) },
      ...pub,
      { c: 'pub', send: [1, 2, 3].map((i) => publish({ topic: 'o', payload: `m${i}`, qos: 2, id: i })) },
      { c: 'pub', recv: [1, 2, 3].map(pubrec) },
      { c: 'sub1', recv: [1, 2, 3].map((i) => publish({ topic: 'o', payload: `m${i}`, qos: 2, id: i })) },
      { c: 'sub1', send: [pubrec(3), pubrec(1)] },
      { c: 'sub1', recv: [pubrel(3), pubrel(1)] },
      { c: 'sub1', drop: true },
      { until: (b) => !b.broker.clients().some((c) => c.clientId === 'q2'), what: 'the lost connection is noticed' },
      { c: 'sub2', connect: { clientId: 'q2', cleanSession: false }, sessionPresent: true },
      // m2 was never acknowledged: its PUBLISH again (DUP); m3 and m1 were: PUBREL, in PUBREC order
      { c: 'sub2', recv: [publish({ topic: 'o', payload: 'm2', qos: 2, id: 2, dup: true }), pubrel(3), pubrel(1)] },
      { c: 'sub2', quiet: true },
    ],
  },
  {
    name: '[MQTT-2.3.1-2] each outbound message gets an identifier not in use, also when acknowledgements arrive out of order',
    broker: { limits: { maxInflight: 3 } },
    steps: [
      ...sub(),
      { c: 'sub', send: subscribe(1, [['w', 1]]) },
      { c: 'sub', recv: suback(1, 1) },
      ...pub,
      { c: 'pub', send: [1, 2, 3].map((i) => publish({ topic: 'w', payload: `m${i}`, qos: 1, id: i })) },
      { c: 'sub', recv: [1, 2, 3].map((i) => publish({ topic: 'w', payload: `m${i}`, qos: 1, id: i })) },
      { c: 'sub', send: [puback(2), puback(3)] },
      { c: 'pub', send: [4, 5].map((i) => publish({ topic: 'w', payload: `m${i}`, qos: 1, id: i })) },
      { c: 'sub', recv: [publish({ topic: 'w', payload: 'm4', qos: 1, id: 4 }), publish({ topic: 'w', payload: 'm5', qos: 1, id: 5 })] },
    ],
  },
]);
