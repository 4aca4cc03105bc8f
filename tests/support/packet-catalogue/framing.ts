/**
 * PINGREQ, PINGRESP, DISCONNECT [MQTT-3.12..3.14] and fixed-header framing rules [MQTT-2.2]:
 * reserved packet types, the remaining length encoding and the decoder's size limit.
 * See ../packet-catalogue.ts for the entry format.
 */

import type { CatalogueEntry } from './types.js';
import { hex, repeat } from './hex.js';

export const framingEntries: CatalogueEntry[] = [
  {
    name: 'pingreq',
    clauses: ['MQTT-3.12.4-1'],
    sender: 'client',
    bytes: hex`c0 00   // PINGREQ, remaining length 0`,
    packet: { type: 'pingreq' },
    roundTrip: true,
  },
  {
    name: 'pingresp',
    clauses: ['MQTT-3.12.4-1'],
    sender: 'server',
    bytes: hex`d0 00   // PINGRESP, remaining length 0`,
    packet: { type: 'pingresp' },
    roundTrip: true,
  },
  {
    name: 'disconnect',
    clauses: ['MQTT-3.14.4-3'],
    sender: 'client',
    bytes: hex`e0 00   // DISCONNECT, remaining length 0`,
    packet: { type: 'disconnect' },
    roundTrip: true,
  },
  {
    name: 'pingreq-with-body',
    clauses: ['MQTT-3.12'],
    sender: 'client',
    bytes: hex`c0 01 00   // PINGREQ carrying one byte`,
    error: { kind: 'malformed' },
  },
  {
    name: 'pingresp-fixed-header-flags-set',
    clauses: ['MQTT-2.2.2-2'],
    sender: 'server',
    bytes: hex`d1 00   // PINGRESP with fixed-header flags 0b0001`,
    error: { kind: 'malformed', clause: 'MQTT-2.2.2-2' },
  },
  {
    name: 'disconnect-fixed-header-flags-set',
    clauses: ['MQTT-3.14.1-1', 'MQTT-2.2.2-2'],
    sender: 'client',
    bytes: hex`e2 00   // DISCONNECT with fixed-header flags 0b0010`,
    error: { kind: 'malformed', clause: 'MQTT-2.2.2-2' },
  },
  {
    name: 'disconnect-with-body',
    clauses: ['MQTT-3.14'],
    sender: 'client',
    note: 'an MQTT 5 DISCONNECT carries a reason code; in 3.1.1 it has no body',
    bytes: hex`e0 01 00   // DISCONNECT carrying one byte`,
    error: { kind: 'malformed' },
  },
  {
    name: 'reserved-packet-type-0',
    clauses: ['MQTT-2.2.1'],
    sender: 'client',
    bytes: hex`00 00   // packet type 0 is reserved`,
    error: { kind: 'malformed', clause: 'MQTT-2.2.1' },
  },
  {
    name: 'reserved-packet-type-15',
    clauses: ['MQTT-2.2.1'],
    sender: 'client',
    note: 'type 15 is AUTH in MQTT 5, reserved in 3.1.1',
    bytes: hex`f0 00   // packet type 15 is reserved`,
    error: { kind: 'malformed', clause: 'MQTT-2.2.1' },
  },
  {
    name: 'remaining-length-five-bytes',
    clauses: ['MQTT-2.2.3'],
    sender: 'client',
    bytes: hex`
      30                    // PUBLISH
      ff ff ff ff 01        // remaining length continues into a fifth byte
    `,
    error: { kind: 'malformed', clause: 'MQTT-2.2.3' },
  },
  {
    name: 'remaining-length-above-limit',
    clauses: ['MQTT-2.2.3'],
    sender: 'client',
    note: 'decoded with maxPacketSize 16: refused from the header, before the body is buffered',
    bytes: hex`
      30 11                 // PUBLISH, QoS 0, remaining length 17
      00 03 61 2f 62        // "a/b"
      ${repeat(0x78, 12)}   // payload: 12 × "x"
    `,
    error: { kind: 'too-large' },
    maxPacketSize: 16,
  },
  {
    name: 'remaining-length-maximum-header-only',
    clauses: ['MQTT-2.2.3'],
    sender: 'client',
    note: 'the largest encodable length (268,435,455): the header alone is enough to refuse it',
    bytes: hex`
      30 ff ff ff 7f        // PUBLISH, remaining length 268,435,455 — no body follows
    `,
    error: { kind: 'too-large' },
  },
];
