/**
 * Conformance rows for the connection life cycle: CONNECT ordering [MQTT-3.1.0], refusals
 * [MQTT-3.1.4], session present and clean-session transitions [MQTT-3.1.2-4..6] [MQTT-3.2.2],
 * take-over [MQTT-3.1.4-2], wills [MQTT-3.1.2-8..17] [MQTT-3.14.4-3], keepalive [MQTT-3.1.2-24].
 */

import { conformanceRows, type Row } from './rows.js';
import { connack, connect, DISCONNECT, hex, lengthPrefixed, packet, PINGREQ, PINGRESP, puback, publish, pubrec, pubrel, pubcomp, subscribe, suback } from './bytes.js';

const watch = (filter: string): Row['steps'] => [
  { c: 'watcher', connect: { clientId: 'watcher' } },
  { c: 'watcher', send: subscribe(1, [[filter, 0]]) },
  { c: 'watcher', recv: suback(1, 0) },
];

const will = { topic: 'status/dev', payload: 'offline' };

conformanceRows('connection life cycle', [
  {
    name: '[MQTT-3.1.0-1] a PUBLISH as the first packet: the connection is closed and nothing is sent',
    steps: [
      { c: 'x', send: publish({ topic: 'a', payload: 'x' }) },
      { c: 'x', closed: true },
    ],
  },
  {
    name: '[MQTT-3.1.0-1] a SUBSCRIBE as the first packet: the connection is closed and nothing is sent',
    steps: [
      { c: 'x', send: subscribe(1, [['#', 0]]) },
      { c: 'x', closed: true },
    ],
  },
  {
    name: '[MQTT-3.1.0-1] a DISCONNECT as the first packet: the connection is closed and nothing is sent',
    steps: [
      { c: 'x', send: DISCONNECT },
      { c: 'x', closed: true },
    ],
  },
  {
    name: '[MQTT-3.1.0-2] [MQTT-3.1.2-8] a second CONNECT closes the connection, and (no DISCONNECT) its will is published',
    steps: [
      ...watch('status/#'),
      { c: 'dev', connect: { clientId: 'dev', will } },
      { c: 'dev', send: connect({ clientId: 'dev', will }) },
      { c: 'dev', closed: true },
      { c: 'watcher', recv: publish({ topic: 'status/dev', payload: 'offline' }) },
    ],
  },
  {
    name: '[MQTT-3.1.4-5] packets after a refused CONNECT (CONNACK 0x02) are not processed',
    steps: [
      ...watch('x'),
      { c: 'bad', send: [connect({ clientId: '', cleanSession: false }), publish({ topic: 'x', payload: 'must not pass' })] },
      { c: 'bad', recv: connack(false, 2) },
      { c: 'bad', closed: true },
      { c: 'watcher', quiet: true },
    ],
  },
  {
    name: '[MQTT-3.1.4-5] [MQTT-3.1.2-2] packets after a CONNECT refused for its protocol level (CONNACK 0x01) are not processed',
    steps: [
      ...watch('x'),
      { c: 'bad', send: [connect({ clientId: 'v3', protocolLevel: 3 }), publish({ topic: 'x', payload: 'must not pass' })] },
      { c: 'bad', recv: connack(false, 1) },
      { c: 'bad', closed: true },
      { c: 'watcher', quiet: true },
    ],
  },
  {
    name: '[MQTT-3.1.3-5] client ids longer than 23 bytes and outside [0-9a-zA-Z] are accepted',
    steps: [
      { c: 'a', connect: { clientId: 'tasmota_5C7A3F/sonoff-basic kitchen+#' } },
      { c: 'b', connect: { clientId: 'ESPHome-Ünïcødé-client-id-of-64-bytes-xxxxxxxxxxxxxxxxxxxxxxxxx' } },
      { c: 'c', connect: { clientId: '$SYS' } },
      { c: 'a', quiet: true },
      { c: 'b', quiet: true },
      { c: 'c', quiet: true },
    ],
  },
  {
    name: '[MQTT-3.1.2-6] [MQTT-3.2.2-1] clean session 0 then 1 discards the stored session: queued messages and subscriptions are gone, session present stays 0',
    steps: [
      { c: 'dev1', connect: { clientId: 'dev', cleanSession: false } },
      { c: 'dev1', send: subscribe(1, [['s/#', 1]]) },
      { c: 'dev1', recv: suback(1, 1) },
      { c: 'dev1', send: DISCONNECT },
      { c: 'dev1', closed: true },
      { c: 'pub', connect: { clientId: 'pub' } },
      { c: 'pub', send: publish({ topic: 's/1', payload: 'queued', qos: 1, id: 1 }) },
      { c: 'pub', recv: puback(1) },
      { until: (b) => b.broker.stats().queuedCount === 1, what: 'the message is queued for the offline session' },
      { c: 'dev2', connect: { clientId: 'dev', cleanSession: true }, sessionPresent: false },
      { c: 'dev2', quiet: true },
      { c: 'pub', send: publish({ topic: 's/2', payload: 'live' }) },
      { c: 'pub', quiet: true },
      { c: 'dev2', quiet: true },
      { c: 'dev2', send: DISCONNECT },
      { c: 'dev2', closed: true },
      { c: 'dev3', connect: { clientId: 'dev', cleanSession: false }, sessionPresent: false },
      { c: 'pub', send: publish({ topic: 's/3', payload: 'live', qos: 1, id: 2 }) },
      { c: 'pub', recv: puback(2) },
      { c: 'dev3', quiet: true },
    ],
  },
  {
    name: '[MQTT-3.1.2-6] [MQTT-3.2.2-3] clean session 1 then 0: the clean session ended with its connection, the persistent one starts empty',
    steps: [
      { c: 'dev1', connect: { clientId: 'dev', cleanSession: true } },
      { c: 'dev1', send: subscribe(1, [['s/#', 1]]) },
      { c: 'dev1', recv: suback(1, 1) },
      { c: 'dev1', send: DISCONNECT },
      { c: 'dev1', closed: true },
      { c: 'dev2', connect: { clientId: 'dev', cleanSession: false }, sessionPresent: false },
      { c: 'pub', connect: { clientId: 'pub' } },
      { c: 'pub', send: publish({ topic: 's/1', payload: 'x', qos: 1, id: 1 }) },
      { c: 'pub', recv: puback(1) },
      { c: 'dev2', quiet: true },
      { c: 'dev2', send: subscribe(2, [['s/#', 1]]) },
      { c: 'dev2', recv: suback(2, 1) },
      { c: 'dev2', send: DISCONNECT },
      { c: 'dev2', closed: true },
      { c: 'dev3', connect: { clientId: 'dev', cleanSession: false }, sessionPresent: true },
    ],
  },
  {
    name: '[MQTT-3.1.4-2] [MQTT-3.2.2-2] [MQTT-4.4.0-1] a take-over with clean session 0 keeps the subscriptions and re-sends the message in flight (DUP=1, same id)',
    steps: [
      { c: 'old', connect: { clientId: 'dev', cleanSession: false } },
      { c: 'old', send: subscribe(1, [['t', 1]]) },
      { c: 'old', recv: suback(1, 1) },
      { c: 'pub', connect: { clientId: 'pub' } },
      { c: 'pub', send: publish({ topic: 't', payload: 'm1', qos: 1, id: 7 }) },
      { c: 'pub', recv: puback(7) },
      { c: 'old', recv: publish({ topic: 't', payload: 'm1', qos: 1, id: 1 }) },
      { c: 'new', connect: { clientId: 'dev', cleanSession: false }, sessionPresent: true },
      { c: 'new', recv: publish({ topic: 't', payload: 'm1', qos: 1, id: 1, dup: true }) },
      { c: 'old', closed: true },
      { c: 'new', send: puback(1) },
      { c: 'pub', send: publish({ topic: 't', payload: 'm2', qos: 1, id: 8 }) },
      { c: 'pub', recv: puback(8) },
      { c: 'new', recv: publish({ topic: 't', payload: 'm2', qos: 1, id: 2 }) },
    ],
  },
  {
    name: '[MQTT-3.1.4-2] [MQTT-3.1.2-6] a take-over with clean session 1 discards the old session and its subscriptions',
    steps: [
      { c: 'old', connect: { clientId: 'dev', cleanSession: false } },
      { c: 'old', send: subscribe(1, [['t', 1]]) },
      { c: 'old', recv: suback(1, 1) },
      { c: 'new', connect: { clientId: 'dev', cleanSession: true }, sessionPresent: false },
      { c: 'old', closed: true },
      { c: 'pub', connect: { clientId: 'pub' } },
      { c: 'pub', send: publish({ topic: 't', payload: 'x', qos: 1, id: 1 }) },
      { c: 'pub', recv: puback(1) },
      { c: 'new', quiet: true },
    ],
  },
  {
    name: 'MQTT 3.1 (MQIsdp): a resumed session is not flagged in the CONNACK, whose first byte 3.1 reserves (as mosquitto)',
    steps: [
      { c: 'v31a', connect: { clientId: 'legacy', protocolName: 'MQIsdp', protocolLevel: 3, cleanSession: false } },
      { c: 'v31a', send: subscribe(1, [['t', 1]]) },
      { c: 'v31a', recv: suback(1, 1) },
      { c: 'v31a', send: DISCONNECT },
      { c: 'v31a', closed: true },
      { c: 'v31b', send: connect({ clientId: 'legacy', protocolName: 'MQIsdp', protocolLevel: 3, cleanSession: false }) },
      { c: 'v31b', recv: connack(false, 0) },
      // the session was resumed all the same: its subscription is there
      { c: 'pub', connect: { clientId: 'pub' } },
      { c: 'pub', send: publish({ topic: 't', payload: 'x' }) },
      { c: 'v31b', recv: publish({ topic: 't', payload: 'x' }) },
    ],
  },
]);

/** A CONNECT the broker must close without any CONNACK [MQTT-3.1.4-1]. */
const refusedSilently = (name: string, bytes: Buffer): Row => ({
  name,
  steps: [
    { c: 'bad', send: bytes },
    { c: 'bad', closed: true },
  ],
});

/** CONNECT "MQTT" level 4 with these flags, keepalive 60, then the payload fields. */
const rawConnect = (flags: number, ...payload: Buffer[]): Buffer => packet(0x10, lengthPrefixed('MQTT'), Buffer.from([4, flags, 0, 60]), ...payload);

conformanceRows('CONNECT packets closed without CONNACK', [
  refusedSilently('[MQTT-3.1.2-1] an unknown protocol name', packet(0x10, lengthPrefixed('MQTX'), hex('04 02 00 3c'), lengthPrefixed('c'))),
  refusedSilently('[MQTT-3.1.2-3] the reserved connect flag set', rawConnect(0x03, lengthPrefixed('c'))),
  refusedSilently('[MQTT-3.1.2-13] will QoS without the will flag', rawConnect(0x0a, lengthPrefixed('c'))),
  refusedSilently('[MQTT-3.1.2-14] will QoS 3', rawConnect(0x1e, lengthPrefixed('c'), lengthPrefixed('w'), lengthPrefixed('x'))),
  refusedSilently('[MQTT-3.1.2-15] will retain without the will flag', rawConnect(0x22, lengthPrefixed('c'))),
  refusedSilently('[MQTT-3.1.2-22] a password without a user name', rawConnect(0x42, lengthPrefixed('c'), lengthPrefixed('pw'))),
  refusedSilently('[MQTT-3.1.3-4] [MQTT-1.5.3-1] a client id that is not well-formed UTF-8', rawConnect(0x02, hex('00 02 63 ff'))),
  refusedSilently('[MQTT-1.5.3-2] a client id containing U+0000', rawConnect(0x02, hex('00 03 63 00 63'))),
  refusedSilently('[MQTT-3.1.3-10] a will topic that is not well-formed UTF-8', rawConnect(0x06, lengthPrefixed('c'), hex('00 02 77 ff'), lengthPrefixed('x'))),
  refusedSilently('[MQTT-3.3.2-2] a will topic with a wildcard', rawConnect(0x06, lengthPrefixed('c'), lengthPrefixed('status/#'), lengthPrefixed('x'))),
  refusedSilently('[MQTT-4.7.3-1] an empty will topic', rawConnect(0x06, lengthPrefixed('c'), lengthPrefixed(''), lengthPrefixed('x'))),
  refusedSilently('[MQTT-3.1.3-11] a user name that is not well-formed UTF-8', rawConnect(0x82, lengthPrefixed('c'), hex('00 03 75 ed a0'))),
  refusedSilently('[MQTT-3.1.3-1] a payload field announced by a flag but missing (user name)', rawConnect(0x82, lengthPrefixed('c'))),
  refusedSilently('[MQTT-2.2.2-2] CONNECT with fixed-header flags 0001', packet(0x11, lengthPrefixed('MQTT'), hex('04 02 00 3c'), lengthPrefixed('c'))),
]);

conformanceRows('last will', [
  {
    name: '[MQTT-3.1.2-16] [MQTT-3.1.2-8] a will with retain 0 is published non-retained and not stored',
    steps: [
      ...watch('status/#'),
      { c: 'dev', connect: { clientId: 'dev', will: { ...will, qos: 1 } } },
      { c: 'dev', drop: true },
      { c: 'watcher', recv: publish({ topic: 'status/dev', payload: 'offline' }) },
      { c: 'late', connect: { clientId: 'late' } },
      { c: 'late', send: subscribe(1, [['status/#', 1]]) },
      { c: 'late', recv: suback(1, 1) },
      { c: 'late', quiet: true },
    ],
  },
  {
    name: '[MQTT-3.1.2-17] [MQTT-3.3.1-9] [MQTT-3.3.1-8] a will with retain 1 reaches current subscribers with RETAIN=0 and new ones with RETAIN=1',
    steps: [
      ...watch('status/#'),
      { c: 'dev', connect: { clientId: 'dev', will: { ...will, qos: 1, retain: true } } },
      { c: 'dev', drop: true },
      { c: 'watcher', recv: publish({ topic: 'status/dev', payload: 'offline' }) },
      { c: 'late', connect: { clientId: 'late' } },
      { c: 'late', send: subscribe(1, [['status/#', 1]]) },
      { c: 'late', recv: [suback(1, 1), publish({ topic: 'status/dev', payload: 'offline', qos: 1, retain: true, id: 1 })] },
    ],
  },
  {
    name: '[MQTT-3.14.4-3] [MQTT-3.1.2-10] after DISCONNECT the will is discarded: nothing is published when the socket then closes',
    steps: [
      ...watch('status/#'),
      { c: 'dev', connect: { clientId: 'dev', will } },
      { c: 'dev', send: DISCONNECT },
      { c: 'dev', closed: true },
      { c: 'watcher', quiet: true },
    ],
  },
  {
    name: '[MQTT-3.14.4-3] packets that follow DISCONNECT in the same segment are ignored',
    steps: [
      ...watch('status/#'),
      { c: 'dev', connect: { clientId: 'dev', will } },
      { c: 'dev', send: [DISCONNECT, publish({ topic: 'status/late', payload: 'after disconnect' }), subscribe(1, [['#', 0]])] },
      { c: 'dev', closed: true },
      { c: 'watcher', quiet: true },
    ],
  },
  {
    name: '[MQTT-3.1.2-12] without the will flag nothing is published when the connection is lost',
    steps: [
      ...watch('#'),
      { c: 'dev', connect: { clientId: 'dev' } },
      { c: 'dev', drop: true },
      { until: (b) => b.broker.clients().length === 1, what: 'the lost connection is noticed' },
      { c: 'watcher', quiet: true },
    ],
  },
]);

conformanceRows('keepalive and PINGREQ', [
  {
    name: '[MQTT-3.1.2-24] keepalive 0 turns the mechanism off: a silent client stays connected while one with keepalive 1 is dropped',
    steps: [
      // the keepalive-0 client connects first, so every sweep that can drop the other has seen it idle too
      { c: 'never', connect: { clientId: 'never', keepalive: 0 } },
      { c: 'control', connect: { clientId: 'control', keepalive: 1 } },
      { advance: 24 * 3600_000 },
      { c: 'control', closed: true },
      { c: 'never', quiet: true },
    ],
  },
  {
    name: '[MQTT-3.2.0-1] packets pipelined behind CONNECT in one segment are served in order, CONNACK first',
    steps: [
      {
        c: 'dev',
        send: [
          connect({ clientId: 'eager', keepalive: 15 }),
          subscribe(1, [['self/#', 1]]),
          publish({ topic: 'self/echo', payload: 'hi', qos: 1, id: 2 }),
          PINGREQ,
        ],
      },
      { c: 'dev', recv: [connack(false, 0), suback(1, 1), publish({ topic: 'self/echo', payload: 'hi', qos: 1, id: 1 }), puback(2), PINGRESP] },
    ],
  },
  {
    name: '[MQTT-3.12.4-1] PINGREQ is answered at any point, also in the middle of a QoS 2 exchange',
    steps: [
      { c: 'dev', connect: { clientId: 'dev' } },
      { c: 'dev', send: [publish({ topic: 'q2', payload: 'x', qos: 2, id: 3 }), PINGREQ] },
      { c: 'dev', recv: [pubrec(3), PINGRESP] },
      { c: 'dev', send: [PINGREQ, pubrel(3), PINGREQ] },
      { c: 'dev', recv: [PINGRESP, pubcomp(3), PINGRESP] },
    ],
  },
]);
