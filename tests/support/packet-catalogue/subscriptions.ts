/**
 * SUBSCRIBE [MQTT-3.8], SUBACK [MQTT-3.9], UNSUBSCRIBE [MQTT-3.10].
 * See ../packet-catalogue.ts for the entry format.
 */

import type { CatalogueEntry } from './types.js';
import { hex } from './hex.js';

export const subscriptionEntries: CatalogueEntry[] = [
  {
    name: 'subscribe-single',
    clauses: ['MQTT-3.8.1-1', 'MQTT-3.8.3-1'],
    sender: 'client',
    bytes: hex`
      82 08                 // SUBSCRIBE (flags 0b0010), remaining length 8
      00 01                 // packet id 1
      00 03 61 2f 62        // topic filter "a/b"
      00                    // requested QoS 0
    `,
    packet: { type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'a/b', qos: 0 }] },
    roundTrip: true,
  },
  {
    name: 'subscribe-wildcards-every-qos',
    clauses: ['MQTT-3.8.3-1', 'MQTT-4.7.1-2', 'MQTT-4.7.1-3'],
    sender: 'client',
    bytes: hex`
      82 29                                               // SUBSCRIBE, remaining length 41
      12 34                                               // packet id 0x1234
      00 13 74 61 73 6d 6f 74 61 2f 64 69 73 63 6f 76 65 72 79 2f 23   // "tasmota/discovery/#"
      00                                                  // QoS 0
      00 08 2b 2f 73 74 61 74 75 73                       // "+/status"
      01                                                  // QoS 1
      00 03 61 2f 62                                      // "a/b"
      02                                                  // QoS 2
    `,
    packet: {
      type: 'subscribe', packetId: 0x1234,
      subscriptions: [{ topicFilter: 'tasmota/discovery/#', qos: 0 }, { topicFilter: '+/status', qos: 1 }, { topicFilter: 'a/b', qos: 2 }],
    },
    roundTrip: true,
  },
  {
    name: 'subscribe-utf8-filter',
    clauses: ['MQTT-1.5.3', 'MQTT-3.8.3-1'],
    sender: 'client',
    bytes: hex`
      82 09                 // SUBSCRIBE, remaining length 9
      00 04                 // packet id 4
      00 04 c3 a9 2f 2b     // topic filter "é/+"
      01                    // QoS 1
    `,
    packet: { type: 'subscribe', packetId: 4, subscriptions: [{ topicFilter: 'é/+', qos: 1 }] },
    roundTrip: true,
  },
  {
    name: 'subscribe-bad-wildcard-filter-left-to-broker',
    clauses: ['MQTT-4.7.1-2', 'MQTT-3.9.3'],
    sender: 'client',
    note: 'the codec decodes it; the broker checks validateTopicFilter and answers SUBACK 0x80 for this filter',
    bytes: hex`
      82 0a                 // SUBSCRIBE, remaining length 10
      00 02                 // packet id 2
      00 05 61 2f 23 2f 62  // topic filter "a/#/b" ('#' not last)
      00                    // QoS 0
    `,
    packet: { type: 'subscribe', packetId: 2, subscriptions: [{ topicFilter: 'a/#/b', qos: 0 }] },
    roundTrip: true,
  },
  {
    name: 'subscribe-empty-filter-left-to-broker',
    clauses: ['MQTT-4.7.3-1', 'MQTT-3.9.3'],
    sender: 'client',
    note: 'the codec decodes it; the broker checks validateTopicFilter and answers SUBACK 0x80 for this filter',
    bytes: hex`
      82 05                 // SUBSCRIBE, remaining length 5
      00 03                 // packet id 3
      00 00                 // topic filter "" (empty)
      01                    // QoS 1
    `,
    packet: { type: 'subscribe', packetId: 3, subscriptions: [{ topicFilter: '', qos: 1 }] },
    roundTrip: true,
  },
  {
    name: 'subscribe-fixed-header-flags-zero',
    clauses: ['MQTT-3.8.1-1', 'MQTT-2.2.2-2'],
    sender: 'client',
    bytes: hex`
      80 08                 // SUBSCRIBE with fixed-header flags 0b0000 (must be 0b0010)
      00 01 00 03 61 2f 62 00
    `,
    error: { kind: 'malformed', clause: 'MQTT-2.2.2-2' },
  },
  {
    name: 'subscribe-no-filters',
    clauses: ['MQTT-3.8.3-3'],
    sender: 'client',
    bytes: hex`
      82 02                 // SUBSCRIBE, remaining length 2
      00 01                 // packet id 1 — and no topic filter
    `,
    error: { kind: 'protocol', clause: 'MQTT-3.8.3-3' },
  },
  {
    name: 'subscribe-requested-qos-3',
    clauses: ['MQTT-3-8.3-4'],
    sender: 'client',
    bytes: hex`
      82 08 00 01           // SUBSCRIBE, packet id 1
      00 03 61 2f 62        // "a/b"
      03                    // requested QoS 3
    `,
    error: { kind: 'malformed', clause: 'MQTT-3-8.3-4' },
  },
  {
    name: 'subscribe-requested-qos-reserved-bits',
    clauses: ['MQTT-3-8.3-4'],
    sender: 'client',
    note: 'bit 2 is MQTT 5\'s "no local" option; in 3.1.1 the upper six bits are reserved',
    bytes: hex`
      82 08 00 01           // SUBSCRIBE, packet id 1
      00 03 61 2f 62        // "a/b"
      05                    // QoS 1 with reserved bit 2 set
    `,
    error: { kind: 'malformed', clause: 'MQTT-3-8.3-4' },
  },
  {
    name: 'subscribe-packet-id-0',
    clauses: ['MQTT-2.3.1-1'],
    sender: 'client',
    bytes: hex`
      82 08 00 00           // SUBSCRIBE, packet id 0
      00 03 61 2f 62 00     // "a/b" QoS 0
    `,
    error: { kind: 'protocol', clause: 'MQTT-2.3.1-1' },
  },
  {
    name: 'subscribe-qos-byte-missing',
    clauses: ['MQTT-3.8.3-1'],
    sender: 'client',
    bytes: hex`
      82 07 00 01           // SUBSCRIBE, packet id 1
      00 03 61 2f 62        // "a/b" — then no requested QoS
    `,
    error: { kind: 'malformed' },
  },
  {
    name: 'subscribe-filter-u0000',
    clauses: ['MQTT-1.5.3-2'],
    sender: 'client',
    bytes: hex`
      82 08 00 01           // SUBSCRIBE, packet id 1
      00 03 61 00 62 00     // topic filter "a\u0000b", QoS 0
    `,
    error: { kind: 'malformed', clause: 'MQTT-1.5.3-2' },
  },
  {
    name: 'subscribe-second-filter-past-end',
    clauses: ['MQTT-3.8.3-1'],
    sender: 'client',
    bytes: hex`
      82 0b 00 01           // SUBSCRIBE, remaining length 11, packet id 1
      00 03 61 2f 62 00     // "a/b" QoS 0
      00 02 61              // a second filter that claims 2 bytes, 1 follows
    `,
    error: { kind: 'malformed' },
  },
  {
    name: 'suback-granted-every-qos',
    clauses: ['MQTT-3.9.3-1'],
    sender: 'server',
    bytes: hex`
      90 05                 // SUBACK, remaining length 5
      12 34                 // packet id 0x1234
      00 01 02              // granted QoS 0, 1, 2
    `,
    packet: { type: 'suback', packetId: 0x1234, returnCodes: [0, 1, 2] },
    roundTrip: true,
  },
  {
    name: 'suback-failure',
    clauses: ['MQTT-3.9.3'],
    sender: 'server',
    bytes: hex`
      90 04 00 02           // SUBACK, packet id 2
      80 01                 // first filter refused (0x80), second granted QoS 1
    `,
    packet: { type: 'suback', packetId: 2, returnCodes: [0x80, 1] },
    roundTrip: true,
  },
  {
    name: 'suback-reserved-return-code',
    clauses: ['MQTT-3.9.3-2'],
    sender: 'server',
    bytes: hex`
      90 03 00 01 03        // SUBACK, packet id 1, return code 3 (reserved)
    `,
    error: { kind: 'malformed', clause: 'MQTT-3.9.3-2' },
  },
  {
    name: 'suback-no-return-codes',
    clauses: ['MQTT-3.9.3-1'],
    sender: 'server',
    bytes: hex`
      90 02 00 01           // SUBACK, packet id 1 — and no return code
    `,
    error: { kind: 'protocol', clause: 'MQTT-3.9.3-1' },
  },
  {
    name: 'suback-fixed-header-flags-set',
    clauses: ['MQTT-2.2.2-2'],
    sender: 'server',
    bytes: hex`
      91 03 00 01 00        // SUBACK with fixed-header flags 0b0001
    `,
    error: { kind: 'malformed', clause: 'MQTT-2.2.2-2' },
  },
  {
    name: 'unsubscribe-single',
    clauses: ['MQTT-3.10.1-1', 'MQTT-3.10.3-1'],
    sender: 'client',
    bytes: hex`
      a2 07                 // UNSUBSCRIBE (flags 0b0010), remaining length 7
      00 01                 // packet id 1
      00 03 61 2f 62        // topic filter "a/b"
    `,
    packet: { type: 'unsubscribe', packetId: 1, topicFilters: ['a/b'] },
    roundTrip: true,
  },
  {
    name: 'unsubscribe-two-filters',
    clauses: ['MQTT-3.10.3-1'],
    sender: 'client',
    bytes: hex`
      a2 11                             // UNSUBSCRIBE, remaining length 17
      00 02                             // packet id 2
      00 03 61 2f 62                    // "a/b"
      00 08 2b 2f 73 74 61 74 75 73     // "+/status"
    `,
    packet: { type: 'unsubscribe', packetId: 2, topicFilters: ['a/b', '+/status'] },
    roundTrip: true,
  },
  {
    name: 'unsubscribe-fixed-header-flags-zero',
    clauses: ['MQTT-3.10.1-1', 'MQTT-2.2.2-2'],
    sender: 'client',
    bytes: hex`
      a0 07                 // UNSUBSCRIBE with fixed-header flags 0b0000
      00 01 00 03 61 2f 62
    `,
    error: { kind: 'malformed', clause: 'MQTT-2.2.2-2' },
  },
  {
    name: 'unsubscribe-no-filters',
    clauses: ['MQTT-3.10.3-2'],
    sender: 'client',
    bytes: hex`
      a2 02 00 01           // UNSUBSCRIBE, packet id 1 — and no topic filter
    `,
    error: { kind: 'protocol', clause: 'MQTT-3.10.3-2' },
  },
  {
    name: 'unsubscribe-packet-id-0',
    clauses: ['MQTT-2.3.1-1'],
    sender: 'client',
    bytes: hex`
      a2 07 00 00           // UNSUBSCRIBE, packet id 0
      00 03 61 2f 62        // "a/b"
    `,
    error: { kind: 'protocol', clause: 'MQTT-2.3.1-1' },
  },
  {
    name: 'unsubscribe-filter-ill-formed-utf8',
    clauses: ['MQTT-1.5.3-1'],
    sender: 'client',
    bytes: hex`
      a2 05 00 01           // UNSUBSCRIBE, packet id 1
      00 01 ff              // topic filter: byte ff
    `,
    error: { kind: 'malformed', clause: 'MQTT-1.5.3-1' },
  },
];
