import { describe, expect, it } from 'vitest';
import mqttPacket from 'mqtt-packet';
import * as enc from '../../bench/lib/mqtt-encode.js';
import { PacketReader, parsePublish } from '../../bench/lib/mqtt-reader.js';
import { SeqLedger } from '../../bench/lib/seq-ledger.js';

/** Parses bytes with mqtt-packet (MQTT.js's codec), an implementation independent of the bench's. */
function parseWithMqttPacket(bytes: Buffer): any[] {
  const parser = mqttPacket.parser({ protocolVersion: 4 });
  const packets: any[] = [];
  const errors: Error[] = [];
  parser.on('packet', (p: any) => packets.push(p));
  parser.on('error', (e: Error) => errors.push(e));
  parser.parse(bytes);
  expect(errors).toEqual([]);
  return packets;
}

describe('bench wire encoder', () => {
  it('encodes CONNECT as MQTT 3.1.1 (protocol level 4) with client id, clean session and keepalive', () => {
    const [p] = parseWithMqttPacket(enc.connect({ clientId: 'bench-dev-7', cleanSession: false, keepalive: 600 }));
    expect(p).toMatchObject({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clientId: 'bench-dev-7', clean: false, keepalive: 600 });
  });

  it('encodes SUBSCRIBE with the reserved flags 0b0010 [MQTT-3.8.1-1] and every filter with its QoS', () => {
    const bytes = enc.subscribe(42, [{ topicFilter: '#', qos: 0 }, { topicFilter: 'bench/qos2/#', qos: 2 }]);
    expect(bytes[0]).toBe(0x82);
    const [p] = parseWithMqttPacket(bytes);
    expect(p).toMatchObject({ cmd: 'subscribe', messageId: 42, subscriptions: [{ topic: '#', qos: 0 }, { topic: 'bench/qos2/#', qos: 2 }] });
  });

  it('encodes PUBLISH templates whose packet id and payload offsets point at the right bytes', () => {
    const tpl = enc.publishTemplate({ topicName: 'bench/ret/d00000/s0', payload: Buffer.alloc(64, 1), qos: 1, retain: true, packetId: 0x1234 });
    tpl.packet.writeUInt16BE(0xbeef, tpl.packetIdOffset);
    tpl.packet.writeUInt32BE(0xcafe, tpl.payloadOffset);
    const [p] = parseWithMqttPacket(tpl.packet);
    expect(p).toMatchObject({ cmd: 'publish', topic: 'bench/ret/d00000/s0', qos: 1, retain: true, messageId: 0xbeef });
    expect(p.payload.length).toBe(64);
    expect(p.payload.readUInt32BE(0)).toBe(0xcafe);
  });

  it('encodes a QoS 0 PUBLISH without a packet id and a remaining length over 127 as a two-byte varint', () => {
    const tpl = enc.publishTemplate({ topicName: 't', payload: Buffer.alloc(300, 2) });
    expect(tpl.packetIdOffset).toBe(-1);
    expect(tpl.packet[1]! & 0x80).toBe(0x80);
    const [p] = parseWithMqttPacket(tpl.packet);
    expect(p).toMatchObject({ cmd: 'publish', topic: 't', qos: 0 });
    expect(p.payload.length).toBe(300);
  });

  it('encodes the acks, with PUBREL carrying the reserved flags 0b0010 [MQTT-3.6.1-1]', () => {
    const packets = parseWithMqttPacket(Buffer.concat([enc.puback(1), enc.pubrec(2), enc.pubrel(3), enc.pubcomp(4), enc.DISCONNECT, enc.PINGREQ]));
    expect(packets.map((p) => [p.cmd, p.messageId])).toEqual([
      ['puback', 1], ['pubrec', 2], ['pubrel', 3], ['pubcomp', 4], ['disconnect', undefined], ['pingreq', undefined],
    ]);
    const buf = Buffer.alloc(4);
    enc.writeAck(buf, 0, enc.TYPE.PUBREL, 9);
    expect(buf).toEqual(enc.pubrel(9));
  });
});

describe('bench stream reader', () => {
  const stream = Buffer.concat([
    mqttPacket.generate({ cmd: 'connack', returnCode: 0, sessionPresent: true } as any),
    mqttPacket.generate({ cmd: 'suback', messageId: 5, granted: [1] } as any),
    mqttPacket.generate({ cmd: 'publish', topic: 'a/b', payload: Buffer.alloc(200, 7), qos: 2, messageId: 77, retain: true, dup: false } as any),
    mqttPacket.generate({ cmd: 'pubrel', messageId: 77 } as any),
    mqttPacket.generate({ cmd: 'publish', topic: 'c', payload: Buffer.from('x'), qos: 0, retain: false, dup: false } as any),
  ]);

  function readAll(chunks: Buffer[]) {
    const seen: string[] = [];
    const reader = new PacketReader((type, flags, buf, start, end) => {
      if (type === enc.TYPE.PUBLISH) {
        const p = parsePublish(flags, buf, start, end);
        seen.push(`publish ${buf.toString('latin1', p.topicStart, p.topicEnd)} q${p.qos} r${p.retain} id${p.packetId} len${p.payloadEnd - p.payloadStart}`);
      } else {
        seen.push(`type ${type} flags ${flags} body ${end - start}`);
      }
    });
    for (const c of chunks) reader.push(c);
    expect(reader.error).toBeNull();
    return seen;
  }

  it('splits a stream into packets and finds PUBLISH fields', () => {
    expect(readAll([stream])).toEqual([
      'type 2 flags 0 body 2',
      'type 9 flags 0 body 3',
      'publish a/b q2 rtrue id77 len200',
      'type 6 flags 2 body 2',
      'publish c q0 rfalse id0 len1',
    ]);
  });

  it('gives the same packets however the stream is cut into chunks', () => {
    const whole = readAll([stream]);
    for (let cut = 1; cut < stream.length; cut += 1) {
      expect(readAll([stream.subarray(0, cut), stream.subarray(cut)])).toEqual(whole);
    }
    const bytes = [...stream].map((b) => Buffer.from([b]));
    expect(readAll(bytes)).toEqual(whole);
  });

  it('flags a malformed remaining length instead of throwing', () => {
    const reader = new PacketReader(() => undefined);
    reader.push(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]));
    expect(reader.error?.message).toMatch(/remaining length/);
  });
});

describe('bench loss ledger', () => {
  it('counts acknowledged messages that never arrived as lost and repeated arrivals as duplicates', () => {
    const ledger = new SeqLedger();
    for (let seq = 0; seq < 100_000; seq += 1) ledger.markAcked(3, seq);
    for (let seq = 0; seq < 100_000; seq += 1) if (seq !== 5 && seq !== 99_999) ledger.markReceived(3, seq);
    ledger.markReceived(3, 7);
    ledger.markReceived(0, 1); // delivered but never acked (publisher stopped mid-window): not a loss
    expect(ledger.lost()).toBe(2);
    expect(ledger.duplicates).toBe(1);
    expect(ledger.ackedCount).toBe(100_000);
    expect(ledger.uniqueReceived).toBe(99_999);
  });
});
