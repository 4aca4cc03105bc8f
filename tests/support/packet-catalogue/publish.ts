/** PUBLISH [MQTT-3.3]: both directions. See ../packet-catalogue.ts for the entry format. */

import type { CatalogueEntry } from './types.js';
import { hex, repeat, text } from './hex.js';

export const publishEntries: CatalogueEntry[] = [
  {
    name: 'publish-qos0',
    clauses: ['MQTT-3.3.1-1', 'MQTT-3.3.2-1'],
    sender: 'client',
    bytes: hex`
      30 07                 // PUBLISH, QoS 0, remaining length 7
      00 03 61 2f 62        // topic name "a/b"
      68 69                 // payload "hi"
    `,
    packet: { type: 'publish', topicName: 'a/b', payload: text('hi'), qos: 0, retain: false, dup: false },
    roundTrip: true,
  },
  {
    name: 'publish-qos0-empty-payload',
    clauses: ['MQTT-3.3.3'],
    sender: 'client',
    note: 'a zero-length payload is valid (and, retained, clears the retained message [MQTT-3.3.1-10])',
    bytes: hex`
      30 05                 // PUBLISH, QoS 0, remaining length 5
      00 03 61 2f 62        // topic name "a/b" — no payload
    `,
    packet: { type: 'publish', topicName: 'a/b', payload: Buffer.alloc(0), qos: 0, retain: false, dup: false },
    roundTrip: true,
  },
  {
    name: 'publish-qos0-retain',
    clauses: ['MQTT-3.3.1-5'],
    sender: 'client',
    bytes: hex`
      31 07                 // PUBLISH, QoS 0, RETAIN, remaining length 7
      00 03 61 2f 62 68 69  // "a/b", payload "hi"
    `,
    packet: { type: 'publish', topicName: 'a/b', payload: text('hi'), qos: 0, retain: true, dup: false },
    roundTrip: true,
  },
  {
    name: 'publish-qos1',
    clauses: ['MQTT-2.3.1-1', 'MQTT-4.3.2'],
    sender: 'client',
    bytes: hex`
      32 09                 // PUBLISH, QoS 1, remaining length 9
      00 03 61 2f 62        // topic name "a/b"
      00 01                 // packet id 1
      68 69                 // payload "hi"
    `,
    packet: { type: 'publish', topicName: 'a/b', payload: text('hi'), qos: 1, retain: false, dup: false, packetId: 1 },
    roundTrip: true,
  },
  {
    name: 'publish-qos1-dup',
    clauses: ['MQTT-3.3.1-1'],
    sender: 'server',
    bytes: hex`
      3a 09                 // PUBLISH, DUP, QoS 1, remaining length 9
      00 03 61 2f 62 00 0a  // "a/b", packet id 10
      68 69                 // payload "hi"
    `,
    packet: { type: 'publish', topicName: 'a/b', payload: text('hi'), qos: 1, retain: false, dup: true, packetId: 10 },
    roundTrip: true,
  },
  {
    name: 'publish-qos2-dup-retain-max-packet-id',
    clauses: ['MQTT-4.3.3', 'MQTT-2.3.1-1'],
    sender: 'client',
    bytes: hex`
      3d 09                 // PUBLISH, DUP, QoS 2, RETAIN, remaining length 9
      00 03 61 2f 62        // topic name "a/b"
      ff ff                 // packet id 65535
      68 69                 // payload "hi"
    `,
    packet: { type: 'publish', topicName: 'a/b', payload: text('hi'), qos: 2, retain: true, dup: true, packetId: 65535 },
    roundTrip: true,
  },
  {
    name: 'publish-qos0-dup-accepted',
    clauses: ['MQTT-3.3.1-2'],
    sender: 'client',
    note: 'DUP must be 0 at QoS 0 — a sender rule; receivers accept it, our encoder never writes it',
    bytes: hex`
      38 07                 // PUBLISH, DUP, QoS 0, remaining length 7
      00 03 61 2f 62 68 69  // "a/b", payload "hi"
    `,
    packet: { type: 'publish', topicName: 'a/b', payload: text('hi'), qos: 0, retain: false, dup: true },
    roundTrip: false,
  },
  {
    name: 'publish-utf8-topic',
    clauses: ['MQTT-1.5.3', 'MQTT-3.3.2-1'],
    sender: 'client',
    bytes: hex`
      30 0e                                   // PUBLISH, QoS 0, remaining length 14
      00 0a 63 61 70 74 65 75 72 2f c3 a9     // topic name "capteur/é"
      68 69                                   // payload "hi"
    `,
    packet: { type: 'publish', topicName: 'capteur/é', payload: text('hi'), qos: 0, retain: false, dup: false },
    roundTrip: true,
  },
  {
    name: 'publish-topic-four-byte-utf8',
    clauses: ['MQTT-1.5.3'],
    sender: 'client',
    bytes: hex`
      30 08                       // PUBLISH, QoS 0, remaining length 8
      00 06 74 2f f0 9f 8c a1     // topic name "t/🌡" (U+1F321, four bytes)
    `,
    packet: { type: 'publish', topicName: 't/🌡', payload: Buffer.alloc(0), qos: 0, retain: false, dup: false },
    roundTrip: true,
  },
  {
    name: 'publish-topic-dollar-prefix',
    clauses: ['MQTT-4.7.2-1'],
    sender: 'client',
    note: 'the codec passes $-topics through; whether a client may publish to them is the broker\'s decision',
    bytes: hex`
      30 08                       // PUBLISH, QoS 0, remaining length 8
      00 06 24 53 59 53 2f 78     // topic name "$SYS/x"
    `,
    packet: { type: 'publish', topicName: '$SYS/x', payload: Buffer.alloc(0), qos: 0, retain: false, dup: false },
    roundTrip: true,
  },
  {
    name: 'publish-topic-single-slash',
    clauses: ['MQTT-4.7.1-1'],
    sender: 'client',
    note: '"/" is a valid topic name of two empty levels',
    bytes: hex`
      30 03 00 01 2f        // PUBLISH, QoS 0, remaining length 3, topic name "/"
    `,
    packet: { type: 'publish', topicName: '/', payload: Buffer.alloc(0), qos: 0, retain: false, dup: false },
    roundTrip: true,
  },
  {
    name: 'publish-topic-with-space',
    clauses: ['MQTT-4.7.3'],
    sender: 'client',
    bytes: hex`
      30 05 00 03 61 20 62  // PUBLISH, QoS 0, topic name "a b"
    `,
    packet: { type: 'publish', topicName: 'a b', payload: Buffer.alloc(0), qos: 0, retain: false, dup: false },
    roundTrip: true,
  },
  {
    name: 'publish-binary-payload',
    clauses: ['MQTT-3.3.3'],
    sender: 'client',
    note: 'the payload is opaque bytes: no UTF-8 rules apply',
    bytes: hex`
      30 09                 // PUBLISH, QoS 0, remaining length 9
      00 03 61 2f 62        // topic name "a/b"
      ff fe 00 c3           // payload: 4 bytes that are not UTF-8
    `,
    packet: { type: 'publish', topicName: 'a/b', payload: Buffer.from([0xff, 0xfe, 0x00, 0xc3]), qos: 0, retain: false, dup: false },
    roundTrip: true,
  },
  {
    name: 'publish-remaining-length-127',
    clauses: ['MQTT-2.2.3'],
    sender: 'client',
    bytes: hex`
      30 7f                 // PUBLISH, QoS 0, remaining length 127 (largest one-byte length)
      00 03 61 2f 62        // topic name "a/b"
      ${repeat(0x62, 122)}  // payload: 122 × "b"
    `,
    packet: { type: 'publish', topicName: 'a/b', payload: repeat(0x62, 122), qos: 0, retain: false, dup: false },
    roundTrip: true,
  },
  {
    name: 'publish-remaining-length-128',
    clauses: ['MQTT-2.2.3'],
    sender: 'client',
    bytes: hex`
      30 80 01              // PUBLISH, QoS 0, remaining length 128 (smallest two-byte length)
      00 03 61 2f 62        // topic name "a/b"
      ${repeat(0x63, 123)}  // payload: 123 × "c"
    `,
    packet: { type: 'publish', topicName: 'a/b', payload: repeat(0x63, 123), qos: 0, retain: false, dup: false },
    roundTrip: true,
  },
  {
    name: 'publish-qos1-remaining-length-207',
    clauses: ['MQTT-2.2.3'],
    sender: 'server',
    bytes: hex`
      32 cf 01              // PUBLISH, QoS 1, remaining length 207 = 0x4f + 1 × 128
      00 03 61 2f 62        // topic name "a/b"
      00 05                 // packet id 5
      ${repeat(0x61, 200)}  // payload: 200 × "a"
    `,
    packet: { type: 'publish', topicName: 'a/b', payload: repeat(0x61, 200), qos: 1, retain: false, dup: false, packetId: 5 },
    roundTrip: true,
  },
  {
    name: 'publish-remaining-length-16384',
    clauses: ['MQTT-2.2.3'],
    sender: 'client',
    bytes: hex`
      30 80 80 01             // PUBLISH, QoS 0, remaining length 16384 (smallest three-byte length)
      00 03 61 2f 62          // topic name "a/b"
      ${repeat(0x64, 16379)}  // payload: 16379 × "d"
    `,
    packet: { type: 'publish', topicName: 'a/b', payload: repeat(0x64, 16379), qos: 0, retain: false, dup: false },
    roundTrip: true,
  },
  {
    name: 'publish-remaining-length-non-minimal-accepted',
    clauses: ['MQTT-2.2.3'],
    sender: 'client',
    note: '3.1.1 does not require the shortest length encoding (MQTT 5 does); we accept, the encoder writes the shortest',
    bytes: hex`
      30 87 00              // PUBLISH, QoS 0, remaining length 7 written in two bytes
      00 03 61 2f 62 68 69  // "a/b", payload "hi"
    `,
    packet: { type: 'publish', topicName: 'a/b', payload: text('hi'), qos: 0, retain: false, dup: false },
    roundTrip: false,
  },
  {
    name: 'publish-qos3',
    clauses: ['MQTT-3.3.1-4'],
    sender: 'client',
    bytes: hex`
      36 07                 // PUBLISH with both QoS bits set
      00 03 61 2f 62 68 69  // "a/b", payload "hi"
    `,
    error: { kind: 'malformed', clause: 'MQTT-3.3.1-4' },
  },
  {
    name: 'publish-qos3-dup-retain',
    clauses: ['MQTT-3.3.1-4'],
    sender: 'client',
    bytes: hex`
      3f 09                 // PUBLISH, DUP, QoS 3, RETAIN
      00 03 61 2f 62 00 01  // "a/b", packet id 1
      68 69                 // payload "hi"
    `,
    error: { kind: 'malformed', clause: 'MQTT-3.3.1-4' },
  },
  {
    name: 'publish-qos1-packet-id-0',
    clauses: ['MQTT-2.3.1-1'],
    sender: 'client',
    bytes: hex`
      32 09                 // PUBLISH, QoS 1, remaining length 9
      00 03 61 2f 62        // topic name "a/b"
      00 00                 // packet id 0 (not allowed)
      68 69                 // payload "hi"
    `,
    error: { kind: 'protocol', clause: 'MQTT-2.3.1-1' },
  },
  {
    name: 'publish-qos1-packet-id-missing',
    clauses: ['MQTT-2.3.1-1'],
    sender: 'client',
    bytes: hex`
      32 05 00 03 61 2f 62  // PUBLISH, QoS 1, "a/b" — then nothing
    `,
    error: { kind: 'malformed' },
  },
  {
    name: 'publish-qos2-packet-id-truncated',
    clauses: ['MQTT-2.3.1-1'],
    sender: 'client',
    bytes: hex`
      34 06 00 03 61 2f 62  // PUBLISH, QoS 2, "a/b"
      00                    // half a packet id
    `,
    error: { kind: 'malformed' },
  },
  {
    name: 'publish-topic-plus-wildcard',
    clauses: ['MQTT-3.3.2-2', 'MQTT-4.7.1-1'],
    sender: 'client',
    bytes: hex`
      30 05 00 03 61 2f 2b  // PUBLISH, QoS 0, topic name "a/+"
    `,
    error: { kind: 'protocol', clause: 'MQTT-3.3.2-2' },
  },
  {
    name: 'publish-topic-hash-wildcard',
    clauses: ['MQTT-3.3.2-2', 'MQTT-4.7.1-1'],
    sender: 'client',
    bytes: hex`
      30 05 00 01 23 68 69  // PUBLISH, QoS 0, topic name "#", payload "hi"
    `,
    error: { kind: 'protocol', clause: 'MQTT-3.3.2-2' },
  },
  {
    name: 'publish-topic-empty',
    clauses: ['MQTT-4.7.3-1'],
    sender: 'client',
    bytes: hex`
      30 04 00 00 68 69     // PUBLISH, QoS 0, topic name "" (empty), payload "hi"
    `,
    error: { kind: 'protocol', clause: 'MQTT-4.7.3-1' },
  },
  {
    name: 'publish-topic-u0000',
    clauses: ['MQTT-1.5.3-2', 'MQTT-4.7.3-2'],
    sender: 'client',
    bytes: hex`
      30 05 00 03 61 00 62  // PUBLISH, QoS 0, topic name "a\u0000b"
    `,
    error: { kind: 'malformed', clause: 'MQTT-1.5.3-2' },
  },
  {
    name: 'publish-topic-ill-formed-utf8',
    clauses: ['MQTT-1.5.3-1'],
    sender: 'client',
    bytes: hex`
      30 05 00 03 61 2f ff  // PUBLISH, QoS 0, topic name "a/" + byte ff (never valid in UTF-8)
    `,
    error: { kind: 'malformed', clause: 'MQTT-1.5.3-1' },
  },
  {
    name: 'publish-topic-truncated-utf8-sequence',
    clauses: ['MQTT-1.5.3-1'],
    sender: 'client',
    bytes: hex`
      30 04 00 02 61 c3     // PUBLISH, QoS 0, topic name "a" + a lead byte with no continuation
    `,
    error: { kind: 'malformed', clause: 'MQTT-1.5.3-1' },
  },
  {
    name: 'publish-topic-surrogate',
    clauses: ['MQTT-1.5.3-1'],
    sender: 'client',
    bytes: hex`
      30 05 00 03 ed b0 80  // PUBLISH, QoS 0, topic name: U+DC00 encoded directly
    `,
    error: { kind: 'malformed', clause: 'MQTT-1.5.3-1' },
  },
  {
    name: 'publish-topic-beyond-u10ffff',
    clauses: ['MQTT-1.5.3-1'],
    sender: 'client',
    bytes: hex`
      30 06 00 04 f4 90 80 80   // PUBLISH, QoS 0, topic name: U+110000 (outside Unicode)
    `,
    error: { kind: 'malformed', clause: 'MQTT-1.5.3-1' },
  },
  {
    name: 'publish-topic-length-past-end',
    clauses: ['MQTT-3.3.2-1'],
    sender: 'client',
    bytes: hex`
      30 04 00 05 61 2f     // PUBLISH, QoS 0, topic name claims 5 bytes, 2 follow
    `,
    error: { kind: 'malformed' },
  },
  {
    name: 'publish-remaining-length-0',
    clauses: ['MQTT-3.3.2-1'],
    sender: 'client',
    bytes: hex`
      30 00                 // PUBLISH with no variable header at all
    `,
    error: { kind: 'malformed' },
  },
];
