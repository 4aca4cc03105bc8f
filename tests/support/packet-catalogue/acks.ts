/**
 * CONNACK [MQTT-3.2] and the fixed-size acknowledgements PUBACK, PUBREC, PUBREL, PUBCOMP
 * [MQTT-3.4..3.7] and UNSUBACK [MQTT-3.11]. See ../packet-catalogue.ts for the entry format.
 */

import type { CatalogueEntry } from './types.js';
import { hex } from './hex.js';

export const ackEntries: CatalogueEntry[] = [
  {
    name: 'connack-accepted',
    clauses: ['MQTT-3.2.2-1'],
    sender: 'server',
    bytes: hex`
      20 02                 // CONNACK, remaining length 2
      00                    // acknowledge flags: session present 0
      00                    // return code 0: accepted
    `,
    packet: { type: 'connack', sessionPresent: false, returnCode: 0 },
    roundTrip: true,
  },
  {
    name: 'connack-session-present',
    clauses: ['MQTT-3.2.2-2'],
    sender: 'server',
    bytes: hex`
      20 02 01 00           // CONNACK, session present 1, accepted
    `,
    packet: { type: 'connack', sessionPresent: true, returnCode: 0 },
    roundTrip: true,
  },
  {
    name: 'connack-unacceptable-protocol-version',
    clauses: ['MQTT-3.1.2-2'],
    sender: 'server',
    bytes: hex`
      20 02 00 01           // CONNACK, return code 1: unacceptable protocol version
    `,
    packet: { type: 'connack', sessionPresent: false, returnCode: 1 },
    roundTrip: true,
  },
  {
    name: 'connack-identifier-rejected',
    clauses: ['MQTT-3.1.3-9'],
    sender: 'server',
    bytes: hex`
      20 02 00 02           // CONNACK, return code 2: identifier rejected
    `,
    packet: { type: 'connack', sessionPresent: false, returnCode: 2 },
    roundTrip: true,
  },
  {
    name: 'connack-server-unavailable',
    clauses: ['MQTT-3.2.2.3'],
    sender: 'server',
    bytes: hex`
      20 02 00 03           // CONNACK, return code 3: server unavailable
    `,
    packet: { type: 'connack', sessionPresent: false, returnCode: 3 },
    roundTrip: true,
  },
  {
    name: 'connack-bad-username-or-password',
    clauses: ['MQTT-3.2.2.3'],
    sender: 'server',
    bytes: hex`
      20 02 00 04           // CONNACK, return code 4: bad user name or password
    `,
    packet: { type: 'connack', sessionPresent: false, returnCode: 4 },
    roundTrip: true,
  },
  {
    name: 'connack-not-authorized',
    clauses: ['MQTT-3.2.2.3'],
    sender: 'server',
    bytes: hex`
      20 02 00 05           // CONNACK, return code 5: not authorized
    `,
    packet: { type: 'connack', sessionPresent: false, returnCode: 5 },
    roundTrip: true,
  },
  {
    name: 'connack-reserved-acknowledge-flags',
    clauses: ['MQTT-3.2.2.1'],
    sender: 'server',
    bytes: hex`
      20 02 02 00           // CONNACK, acknowledge flags with reserved bit 1 set
    `,
    error: { kind: 'malformed', clause: 'MQTT-3.2.2.1' },
  },
  {
    name: 'connack-reserved-return-code',
    clauses: ['MQTT-3.2.2.3'],
    sender: 'server',
    bytes: hex`
      20 02 00 06           // CONNACK, return code 6 (reserved)
    `,
    error: { kind: 'protocol', clause: 'MQTT-3.2.2.3' },
  },
  {
    name: 'connack-refusal-with-session-present',
    clauses: ['MQTT-3.2.2-4'],
    sender: 'server',
    bytes: hex`
      20 02 01 05           // CONNACK, session present 1 with return code 5
    `,
    error: { kind: 'protocol', clause: 'MQTT-3.2.2-4' },
  },
  {
    name: 'connack-remaining-length-3',
    clauses: ['MQTT-3.2.2'],
    sender: 'server',
    bytes: hex`
      20 03 00 00 00        // CONNACK with one byte too many
    `,
    error: { kind: 'malformed', clause: 'MQTT-3.2.2' },
  },
  {
    name: 'connack-fixed-header-flags-set',
    clauses: ['MQTT-2.2.2-2'],
    sender: 'server',
    bytes: hex`
      21 02 00 00           // CONNACK with fixed-header flags 0b0001
    `,
    error: { kind: 'malformed', clause: 'MQTT-2.2.2-2' },
  },
  {
    name: 'puback',
    clauses: ['MQTT-3.4'],
    sender: 'client',
    bytes: hex`
      40 02 00 01           // PUBACK, remaining length 2, packet id 1
    `,
    packet: { type: 'puback', packetId: 1 },
    roundTrip: true,
  },
  {
    name: 'pubrec',
    clauses: ['MQTT-3.5'],
    sender: 'server',
    bytes: hex`
      50 02 ab cd           // PUBREC, packet id 0xabcd
    `,
    packet: { type: 'pubrec', packetId: 0xabcd },
    roundTrip: true,
  },
  {
    name: 'pubrel',
    clauses: ['MQTT-3.6.1-1'],
    sender: 'client',
    bytes: hex`
      62 02 00 07           // PUBREL (fixed-header flags 0b0010), packet id 7
    `,
    packet: { type: 'pubrel', packetId: 7 },
    roundTrip: true,
  },
  {
    name: 'pubcomp',
    clauses: ['MQTT-3.7'],
    sender: 'server',
    bytes: hex`
      70 02 ff ff           // PUBCOMP, packet id 65535
    `,
    packet: { type: 'pubcomp', packetId: 65535 },
    roundTrip: true,
  },
  {
    name: 'unsuback',
    clauses: ['MQTT-3.10.4-4'],
    sender: 'server',
    bytes: hex`
      b0 02 00 05           // UNSUBACK, packet id 5
    `,
    packet: { type: 'unsuback', packetId: 5 },
    roundTrip: true,
  },
  {
    name: 'pubrel-fixed-header-flags-zero',
    clauses: ['MQTT-3.6.1-1', 'MQTT-2.2.2-2'],
    sender: 'client',
    note: 'an easy mistake in hand-written clients: PUBREL must carry 0b0010',
    bytes: hex`
      60 02 00 07           // PUBREL with fixed-header flags 0b0000
    `,
    error: { kind: 'malformed', clause: 'MQTT-2.2.2-2' },
  },
  {
    name: 'puback-fixed-header-flags-set',
    clauses: ['MQTT-2.2.2-1', 'MQTT-2.2.2-2'],
    sender: 'client',
    bytes: hex`
      42 02 00 01           // PUBACK with fixed-header flags 0b0010 (must be 0)
    `,
    error: { kind: 'malformed', clause: 'MQTT-2.2.2-2' },
  },
  {
    name: 'puback-packet-id-0',
    clauses: ['MQTT-2.3.1-1'],
    sender: 'client',
    bytes: hex`
      40 02 00 00           // PUBACK for packet id 0 (never assigned)
    `,
    error: { kind: 'protocol', clause: 'MQTT-2.3.1-1' },
  },
  {
    name: 'pubrec-remaining-length-3',
    clauses: ['MQTT-3.5.2'],
    sender: 'client',
    bytes: hex`
      50 03 00 01 00        // PUBREC with one byte too many
    `,
    error: { kind: 'malformed' },
  },
  {
    name: 'pubcomp-remaining-length-1',
    clauses: ['MQTT-3.7.2'],
    sender: 'client',
    bytes: hex`
      70 01 00              // PUBCOMP with half a packet id
    `,
    error: { kind: 'malformed' },
  },
  {
    name: 'unsuback-fixed-header-flags-set',
    clauses: ['MQTT-2.2.2-2'],
    sender: 'server',
    bytes: hex`
      b2 02 00 05           // UNSUBACK with fixed-header flags 0b0010 (must be 0)
    `,
    error: { kind: 'malformed', clause: 'MQTT-2.2.2-2' },
  },
  {
    name: 'unsuback-remaining-length-0',
    clauses: ['MQTT-3.11.2'],
    sender: 'server',
    bytes: hex`
      b0 00                 // UNSUBACK without a packet id
    `,
    error: { kind: 'malformed' },
  },
];
