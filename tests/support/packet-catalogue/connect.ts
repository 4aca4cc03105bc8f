/** CONNECT [MQTT-3.1]: client → server. See ../packet-catalogue.ts for the entry format. */

import type { CatalogueEntry } from './types.js';
import { hex, text } from './hex.js';

export const connectEntries: CatalogueEntry[] = [
  {
    name: 'connect-3.1.1-minimal',
    clauses: ['MQTT-3.1.2-1', 'MQTT-3.1.3-1'],
    sender: 'client',
    bytes: hex`
      10 10                 // CONNECT, remaining length 16
      00 04 4d 51 54 54     // protocol name "MQTT"
      04                    // protocol level 4 (3.1.1)
      02                    // connect flags: clean session
      00 3c                 // keepalive 60 s
      00 04 64 65 76 31     // client id "dev1"
    `,
    packet: { type: 'connect', protocolName: 'MQTT', protocolLevel: 4, cleanSession: true, keepalive: 60, clientId: 'dev1' },
    roundTrip: true,
  },
  {
    name: 'connect-empty-client-id',
    clauses: ['MQTT-3.1.3-6'],
    sender: 'client',
    note: 'the codec accepts it; the broker decides [MQTT-3.1.3-7/8] (assign an id, or refuse with 0x02 without clean session)',
    bytes: hex`
      10 0c                 // CONNECT, remaining length 12
      00 04 4d 51 54 54     // "MQTT"
      04 02                 // level 4, clean session
      00 00                 // keepalive 0 (disabled)
      00 00                 // client id "" (zero length)
    `,
    packet: { type: 'connect', protocolName: 'MQTT', protocolLevel: 4, cleanSession: true, keepalive: 0, clientId: '' },
    roundTrip: true,
  },
  {
    name: 'connect-will-username-password',
    clauses: ['MQTT-3.1.2-9', 'MQTT-3.1.2-14', 'MQTT-3.1.2-16', 'MQTT-3.1.2-18', 'MQTT-3.1.2-20', 'MQTT-3.1.3-1'],
    sender: 'client',
    bytes: hex`
      10 38                                 // CONNECT, remaining length 56
      00 04 4d 51 54 54 04                  // "MQTT" level 4
      ee                                    // flags: user name, password, will retain, will QoS 1, will, clean session
      00 1e                                 // keepalive 30 s
      00 08 73 65 6e 73 6f 72 2d 37         // client id "sensor-7"
      00 0b 74 65 6c 65 2f 73 31 2f 4c 57 54 // will topic "tele/s1/LWT"
      00 07 4f 66 66 6c 69 6e 65            // will message "Offline"
      00 04 75 73 65 72                     // user name "user"
      00 06 73 65 63 72 65 74               // password "secret"
    `,
    packet: {
      type: 'connect', protocolName: 'MQTT', protocolLevel: 4, cleanSession: true, keepalive: 30, clientId: 'sensor-7',
      will: { topicName: 'tele/s1/LWT', payload: text('Offline'), qos: 1, retain: true },
      username: 'user', password: text('secret'),
    },
    roundTrip: true,
  },
  {
    name: 'connect-will-qos2-persistent-session',
    clauses: ['MQTT-3.1.2-14', 'MQTT-3.1.2-4'],
    sender: 'client',
    bytes: hex`
      10 17                 // CONNECT, remaining length 23
      00 04 4d 51 54 54 04  // "MQTT" level 4
      14                    // flags: will QoS 2, will (clean session 0)
      00 3c                 // keepalive 60
      00 04 64 65 76 31     // client id "dev1"
      00 03 61 2f 62        // will topic "a/b"
      00 00                 // will message: empty
    `,
    packet: {
      type: 'connect', protocolName: 'MQTT', protocolLevel: 4, cleanSession: false, keepalive: 60, clientId: 'dev1',
      will: { topicName: 'a/b', payload: Buffer.alloc(0), qos: 2, retain: false },
    },
    roundTrip: true,
  },
  {
    name: 'connect-username-only',
    clauses: ['MQTT-3.1.2-18', 'MQTT-3.1.2-20'],
    sender: 'client',
    bytes: hex`
      10 16                 // CONNECT, remaining length 22
      00 04 4d 51 54 54 04  // "MQTT" level 4
      82                    // flags: user name, clean session
      00 3c                 // keepalive 60
      00 04 64 65 76 31     // client id "dev1"
      00 04 75 73 65 72     // user name "user"
    `,
    packet: { type: 'connect', protocolName: 'MQTT', protocolLevel: 4, cleanSession: true, keepalive: 60, clientId: 'dev1', username: 'user' },
    roundTrip: true,
  },
  {
    name: 'connect-binary-password',
    clauses: ['MQTT-3.1.3-1'],
    sender: 'client',
    note: 'a password is binary data, not a string: bytes that are not UTF-8 are fine',
    bytes: hex`
      10 1b                 // CONNECT, remaining length 27
      00 04 4d 51 54 54 04  // "MQTT" level 4
      c2                    // flags: user name, password, clean session
      00 3c                 // keepalive 60
      00 04 64 65 76 31     // client id "dev1"
      00 04 75 73 65 72     // user name "user"
      00 03 ff 00 fe        // password: 3 raw bytes
    `,
    packet: {
      type: 'connect', protocolName: 'MQTT', protocolLevel: 4, cleanSession: true, keepalive: 60, clientId: 'dev1',
      username: 'user', password: Buffer.from([0xff, 0x00, 0xfe]),
    },
    roundTrip: true,
  },
  {
    name: 'connect-3.1-mqisdp',
    clauses: ['MQTT-3.1.2-1'],
    sender: 'client',
    note: 'MQTT 3.1 ("MQIsdp", level 3) is still spoken by older device firmware; we serve it',
    bytes: hex`
      10 12                       // CONNECT, remaining length 18
      00 06 4d 51 49 73 64 70     // protocol name "MQIsdp"
      03                          // protocol level 3 (3.1)
      02                          // clean session
      00 3c                       // keepalive 60
      00 04 64 65 76 31           // client id "dev1"
    `,
    packet: { type: 'connect', protocolName: 'MQIsdp', protocolLevel: 3, cleanSession: true, keepalive: 60, clientId: 'dev1' },
    roundTrip: true,
  },
  {
    name: 'connect-utf8-client-id',
    clauses: ['MQTT-3.1.3-4'],
    sender: 'client',
    bytes: hex`
      10 16                                   // CONNECT, remaining length 22
      00 04 4d 51 54 54 04 02 00 3c           // "MQTT" level 4, clean session, keepalive 60
      00 0a 63 61 70 74 65 75 72 2d c3 a9     // client id "capteur-é" (é = c3 a9)
    `,
    packet: { type: 'connect', protocolName: 'MQTT', protocolLevel: 4, cleanSession: true, keepalive: 60, clientId: 'capteur-é' },
    roundTrip: true,
  },
  {
    name: 'connect-client-id-with-bom-kept',
    clauses: ['MQTT-1.5.3-3'],
    sender: 'client',
    note: 'EF BB BF is U+FEFF and must not be skipped or stripped',
    bytes: hex`
      10 12                             // CONNECT, remaining length 18
      00 04 4d 51 54 54 04 02 00 3c     // "MQTT" level 4, clean session, keepalive 60
      00 06 ef bb bf 64 65 76           // client id "\uFEFFdev"
    `,
    packet: { type: 'connect', protocolName: 'MQTT', protocolLevel: 4, cleanSession: true, keepalive: 60, clientId: '\uFEFFdev' },
    roundTrip: true,
  },
  {
    name: 'connect-client-id-noncharacter-accepted',
    clauses: ['MQTT-1.5.3'],
    sender: 'client',
    note: 'U+FFFF is a non-character: senders "should not" use it, so a receiver accepts it',
    bytes: hex`
      10 0f                             // CONNECT, remaining length 15
      00 04 4d 51 54 54 04 02 00 3c     // "MQTT" level 4, clean session, keepalive 60
      00 03 ef bf bf                    // client id "\uFFFF"
    `,
    packet: { type: 'connect', protocolName: 'MQTT', protocolLevel: 4, cleanSession: true, keepalive: 60, clientId: '\uFFFF' },
    roundTrip: true,
  },
  {
    name: 'connect-mqtt5-returned-for-connack-0x01',
    clauses: ['MQTT-3.1.2-2'],
    sender: 'client',
    note: 'an MQTT 5 CONNECT (with properties) decodes best effort so the broker can refuse it with CONNACK 0x01',
    bytes: hex`
      10 16                             // CONNECT, remaining length 22
      00 04 4d 51 54 54                 // "MQTT"
      05                                // protocol level 5
      02 00 3c                          // clean start, keepalive 60
      05 11 00 00 00 0a                 // properties (5 bytes): session expiry interval 10
      00 04 64 65 76 31                 // client id "dev1"
    `,
    packet: { type: 'connect', protocolName: 'MQTT', protocolLevel: 5, cleanSession: true, keepalive: 60, clientId: 'dev1' },
    roundTrip: false,
  },
  {
    name: 'connect-mqtt-name-with-level-3-returned',
    clauses: ['MQTT-3.1.2-2'],
    sender: 'client',
    note: '"MQTT" is only served at level 4: isSupportedProtocol() is false, the broker answers 0x01',
    bytes: hex`
      10 10                             // CONNECT, remaining length 16
      00 04 4d 51 54 54 03              // "MQTT" level 3 (not a real combination)
      02 00 3c                          // clean session, keepalive 60
      00 04 64 65 76 31                 // client id "dev1"
    `,
    packet: { type: 'connect', protocolName: 'MQTT', protocolLevel: 3, cleanSession: true, keepalive: 60, clientId: 'dev1' },
    roundTrip: true,
  },
  {
    name: 'connect-mqisdp-name-with-level-4-returned',
    clauses: ['MQTT-3.1.2-2'],
    sender: 'client',
    bytes: hex`
      10 12                             // CONNECT, remaining length 18
      00 06 4d 51 49 73 64 70 04        // "MQIsdp" level 4 (not a real combination)
      02 00 3c                          // clean session, keepalive 60
      00 04 64 65 76 31                 // client id "dev1"
    `,
    packet: { type: 'connect', protocolName: 'MQIsdp', protocolLevel: 4, cleanSession: true, keepalive: 60, clientId: 'dev1' },
    roundTrip: true,
  },
  {
    name: 'connect-unknown-level-truncated-returned',
    clauses: ['MQTT-3.1.2-2'],
    sender: 'client',
    note: 'an unsupported level never fails, however little follows it',
    bytes: hex`
      10 09                             // CONNECT, remaining length 9
      00 04 4d 51 54 54 06              // "MQTT" level 6
      ff ff                             // two bytes of something
    `,
    packet: { type: 'connect', protocolName: 'MQTT', protocolLevel: 6, cleanSession: true, keepalive: 0, clientId: '' },
    roundTrip: false,
  },
  {
    name: 'connect-unknown-protocol-name',
    clauses: ['MQTT-3.1.2-1'],
    sender: 'client',
    bytes: hex`
      10 10                             // CONNECT, remaining length 16
      00 04 4d 51 54 58                 // protocol name "MQTX"
      04 02 00 3c                       // level 4, clean session, keepalive 60
      00 04 64 65 76 31                 // client id "dev1"
    `,
    error: { kind: 'protocol', clause: 'MQTT-3.1.2-1' },
  },
  {
    name: 'connect-reserved-flag-set',
    clauses: ['MQTT-3.1.2-3'],
    sender: 'client',
    bytes: hex`
      10 10                             // CONNECT, remaining length 16
      00 04 4d 51 54 54 04              // "MQTT" level 4
      03                                // flags: clean session + RESERVED bit 0
      00 3c 00 04 64 65 76 31           // keepalive 60, client id "dev1"
    `,
    error: { kind: 'malformed', clause: 'MQTT-3.1.2-3' },
  },
  {
    name: 'connect-will-qos-without-will-flag',
    clauses: ['MQTT-3.1.2-11', 'MQTT-3.1.2-13'],
    sender: 'client',
    bytes: hex`
      10 10                             // CONNECT, remaining length 16
      00 04 4d 51 54 54 04              // "MQTT" level 4
      0a                                // flags: will QoS 1 but no will flag, clean session
      00 3c 00 04 64 65 76 31           // keepalive 60, client id "dev1"
    `,
    error: { kind: 'protocol', clause: 'MQTT-3.1.2-13' },
  },
  {
    name: 'connect-will-retain-without-will-flag',
    clauses: ['MQTT-3.1.2-11', 'MQTT-3.1.2-15'],
    sender: 'client',
    bytes: hex`
      10 10                             // CONNECT, remaining length 16
      00 04 4d 51 54 54 04              // "MQTT" level 4
      22                                // flags: will retain but no will flag, clean session
      00 3c 00 04 64 65 76 31           // keepalive 60, client id "dev1"
    `,
    error: { kind: 'protocol', clause: 'MQTT-3.1.2-15' },
  },
  {
    name: 'connect-will-qos-3',
    clauses: ['MQTT-3.1.2-14'],
    sender: 'client',
    bytes: hex`
      10 17                             // CONNECT, remaining length 23
      00 04 4d 51 54 54 04              // "MQTT" level 4
      1e                                // flags: will QoS 3 (both bits), will, clean session
      00 3c 00 04 64 65 76 31           // keepalive 60, client id "dev1"
      00 03 61 2f 62 00 00              // will topic "a/b", empty will message
    `,
    error: { kind: 'malformed', clause: 'MQTT-3.1.2-14' },
  },
  {
    name: 'connect-password-without-username',
    clauses: ['MQTT-3.1.2-22'],
    sender: 'client',
    bytes: hex`
      10 18                             // CONNECT, remaining length 24
      00 04 4d 51 54 54 04              // "MQTT" level 4
      42                                // flags: password without user name, clean session
      00 3c 00 04 64 65 76 31           // keepalive 60, client id "dev1"
      00 06 73 65 63 72 65 74           // password "secret"
    `,
    error: { kind: 'protocol', clause: 'MQTT-3.1.2-22' },
  },
  {
    name: 'connect-client-id-ill-formed-utf8',
    clauses: ['MQTT-1.5.3-1', 'MQTT-3.1.3-4'],
    sender: 'client',
    bytes: hex`
      10 0e                             // CONNECT, remaining length 14
      00 04 4d 51 54 54 04 02 00 3c     // "MQTT" level 4, clean session, keepalive 60
      00 02 c3 28                       // client id: lead byte c3 followed by a non-continuation byte
    `,
    error: { kind: 'malformed', clause: 'MQTT-1.5.3-1' },
  },
  {
    name: 'connect-client-id-overlong-null',
    clauses: ['MQTT-1.5.3-1'],
    sender: 'client',
    note: 'c0 80 is the overlong form of U+0000 ("modified UTF-8"): ill-formed',
    bytes: hex`
      10 0e                             // CONNECT, remaining length 14
      00 04 4d 51 54 54 04 02 00 3c     // "MQTT" level 4, clean session, keepalive 60
      00 02 c0 80                       // client id: overlong U+0000
    `,
    error: { kind: 'malformed', clause: 'MQTT-1.5.3-1' },
  },
  {
    name: 'connect-client-id-u0000',
    clauses: ['MQTT-1.5.3-2'],
    sender: 'client',
    bytes: hex`
      10 0f                             // CONNECT, remaining length 15
      00 04 4d 51 54 54 04 02 00 3c     // "MQTT" level 4, clean session, keepalive 60
      00 03 64 00 31                    // client id "d\u00001"
    `,
    error: { kind: 'malformed', clause: 'MQTT-1.5.3-2' },
  },
  {
    name: 'connect-client-id-surrogate',
    clauses: ['MQTT-1.5.3-1'],
    sender: 'client',
    bytes: hex`
      10 0f                             // CONNECT, remaining length 15
      00 04 4d 51 54 54 04 02 00 3c     // "MQTT" level 4, clean session, keepalive 60
      00 03 ed a0 80                    // client id: U+D800 encoded directly (a surrogate)
    `,
    error: { kind: 'malformed', clause: 'MQTT-1.5.3-1' },
  },
  {
    name: 'connect-client-id-past-end',
    clauses: ['MQTT-3.1.3-1'],
    sender: 'client',
    bytes: hex`
      10 10                             // CONNECT, remaining length 16
      00 04 4d 51 54 54 04 02 00 3c     // "MQTT" level 4, clean session, keepalive 60
      00 09 64 65 76 31                 // client id claims 9 bytes, 4 follow
    `,
    error: { kind: 'malformed' },
  },
  {
    name: 'connect-will-fields-missing',
    clauses: ['MQTT-3.1.2-9'],
    sender: 'client',
    bytes: hex`
      10 10                             // CONNECT, remaining length 16
      00 04 4d 51 54 54 04              // "MQTT" level 4
      06                                // flags: will, clean session
      00 3c 00 04 64 65 76 31           // keepalive 60, client id "dev1" — then no will topic
    `,
    error: { kind: 'malformed' },
  },
  {
    name: 'connect-username-missing',
    clauses: ['MQTT-3.1.2-19'],
    sender: 'client',
    bytes: hex`
      10 10                             // CONNECT, remaining length 16
      00 04 4d 51 54 54 04              // "MQTT" level 4
      82                                // flags: user name, clean session
      00 3c 00 04 64 65 76 31           // keepalive 60, client id "dev1" — then no user name
    `,
    error: { kind: 'malformed' },
  },
  {
    name: 'connect-password-missing',
    clauses: ['MQTT-3.1.2-21'],
    sender: 'client',
    bytes: hex`
      10 16                             // CONNECT, remaining length 22
      00 04 4d 51 54 54 04              // "MQTT" level 4
      c2                                // flags: user name, password, clean session
      00 3c 00 04 64 65 76 31           // keepalive 60, client id "dev1"
      00 04 75 73 65 72                 // user name "user" — then no password
    `,
    error: { kind: 'malformed' },
  },
  {
    name: 'connect-trailing-byte',
    clauses: ['MQTT-3.1.3-1'],
    sender: 'client',
    note: 'bytes after the last field the flags announce make the packet malformed',
    bytes: hex`
      10 11                             // CONNECT, remaining length 17
      00 04 4d 51 54 54 04 02 00 3c     // "MQTT" level 4, clean session, keepalive 60
      00 04 64 65 76 31                 // client id "dev1"
      00                                // one byte too many
    `,
    error: { kind: 'malformed' },
  },
  {
    name: 'connect-fixed-header-flags-set',
    clauses: ['MQTT-2.2.2-1', 'MQTT-2.2.2-2'],
    sender: 'client',
    bytes: hex`
      11 10                             // CONNECT with fixed-header flags 0b0001 (must be 0)
      00 04 4d 51 54 54 04 02 00 3c     // "MQTT" level 4, clean session, keepalive 60
      00 04 64 65 76 31                 // client id "dev1"
    `,
    error: { kind: 'malformed', clause: 'MQTT-2.2.2-2' },
  },
  {
    name: 'connect-will-topic-wildcard',
    clauses: ['MQTT-3.3.2-2'],
    sender: 'client',
    bytes: hex`
      10 1c                             // CONNECT, remaining length 28
      00 04 4d 51 54 54 04              // "MQTT" level 4
      06 00 3c                          // flags: will, clean session; keepalive 60
      00 04 64 65 76 31                 // client id "dev1"
      00 08 2b 2f 73 74 61 74 75 73     // will topic "+/status" (a wildcard)
      00 00                             // empty will message
    `,
    error: { kind: 'protocol', clause: 'MQTT-3.3.2-2' },
  },
  {
    name: 'connect-will-topic-empty',
    clauses: ['MQTT-4.7.3-1'],
    sender: 'client',
    bytes: hex`
      10 14                             // CONNECT, remaining length 20
      00 04 4d 51 54 54 04              // "MQTT" level 4
      06 00 3c                          // flags: will, clean session; keepalive 60
      00 04 64 65 76 31                 // client id "dev1"
      00 00                             // will topic "" (empty)
      00 00                             // empty will message
    `,
    error: { kind: 'protocol', clause: 'MQTT-4.7.3-1' },
  },
  {
    name: 'connect-truncated-protocol-name',
    clauses: ['MQTT-3.1.2-1'],
    sender: 'client',
    bytes: hex`
      10 03                             // CONNECT, remaining length 3
      00 04 4d                          // protocol name claims 4 bytes, 1 follows
    `,
    error: { kind: 'malformed' },
  },
];
