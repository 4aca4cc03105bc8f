/**
 * Every entry of the shared packet catalogue, both directions: the decoder turns the bytes into
 * the annotated Packet (or the annotated error), the encoder turns the Packet back into the same
 * bytes, and mqtt-packet — an independent implementation — agrees with both.
 */

import { describe, expect, it } from 'vitest';
import mqttPacket from 'mqtt-packet';
import { encodePacket, isSupportedProtocol, type Packet } from '../../../broker-core/codec/index.js';
import {
  CATALOGUE_MAX_PACKET_SIZE, invalidEntries, packetCatalogue, validEntries, type ValidEntry,
} from '../../support/packet-catalogue.js';
import { decodeWhole } from './helpers.js';
import { fromMqttPacket, toMqttPacket } from './mqtt-packet-adapter.js';

/** Entries mqtt-packet can judge: 3.1.1/3.1 packets it models the same way we do. */
function oracleCanJudge(e: ValidEntry): boolean {
  if (e.packet.type === 'connect') return isSupportedProtocol(e.packet);
  // mqtt-packet drops DUP at QoS 0 and rejects an empty SUBSCRIBE filter before the broker could answer 0x80.
  return !['publish-qos0-dup-accepted', 'subscribe-empty-filter-left-to-broker'].includes(e.name);
}

function parseWithMqttPacket(bytes: Buffer, protocolVersion: number): Packet[] {
  const parser = mqttPacket.parser({ protocolVersion });
  const packets: Packet[] = [];
  const errors: Error[] = [];
  parser.on('packet', (p) => packets.push(fromMqttPacket(p)));
  parser.on('error', (e: Error) => errors.push(e));
  parser.parse(bytes);
  if (errors.length > 0) throw errors[0];
  return packets;
}

describe('packet catalogue', () => {
  it('has at least 60 uniquely named entries covering all 14 packet types', () => {
    expect(packetCatalogue.length).toBeGreaterThanOrEqual(60);
    expect(new Set(packetCatalogue.map((e) => e.name)).size).toBe(packetCatalogue.length);
    const types = new Set(validEntries.map((e) => e.packet.type));
    expect([...types].sort()).toEqual([
      'connack', 'connect', 'disconnect', 'pingreq', 'pingresp', 'puback', 'pubcomp', 'publish', 'pubrec', 'pubrel',
      'suback', 'subscribe', 'unsuback', 'unsubscribe',
    ]);
  });
});

describe('decoding the catalogue', () => {
  it.each(validEntries.map((e) => [e.name, e] as const))('decodes %s to its annotated packet', (_name, e) => {
    const run = decodeWhole(e.bytes, CATALOGUE_MAX_PACKET_SIZE);
    expect(run.error).toBeUndefined();
    expect(run.packets).toStrictEqual([e.packet]);
    expect(run.wireSizes).toEqual([e.bytes.length]);
  });

  it.each(invalidEntries.map((e) => [e.name, e] as const))('refuses %s with the annotated error', (_name, e) => {
    const run = decodeWhole(e.bytes, e.maxPacketSize ?? CATALOGUE_MAX_PACKET_SIZE);
    expect(run.packets).toEqual([]);
    expect(run.error?.kind).toBe(e.error.kind);
    if (e.error.clause !== undefined) expect(run.error?.clause).toBe(e.error.clause);
    expect(run.error?.message).toEqual(expect.any(String));
  });
});

describe('encoding the catalogue', () => {
  const exact = validEntries.filter((e) => e.roundTrip);
  it.each(exact.map((e) => [e.name, e] as const))('encodes %s to exactly the catalogue bytes', (_name, e) => {
    expect(encodePacket(e.packet).toString('hex')).toBe(e.bytes.toString('hex'));
  });

  // Best-effort CONNECTs of unsupported levels are not meant to be re-encoded (their properties are gone).
  const faithful = validEntries.filter((e) => e.packet.type !== 'connect' || isSupportedProtocol(e.packet));
  it.each(faithful.map((e) => [e.name, e] as const))('round-trips %s: decode(encode(packet)) is the packet', (_name, e) => {
    const run = decodeWhole(encodePacket(e.packet), CATALOGUE_MAX_PACKET_SIZE);
    expect(run.error).toBeUndefined();
    // [MQTT-3.3.1-2] the encoder never writes DUP at QoS 0.
    const expected = e.packet.type === 'publish' && e.packet.qos === 0 ? { ...e.packet, dup: false } : e.packet;
    expect(run.packets).toStrictEqual([expected]);
  });

  it('marks as non-round-tripping only entries whose bytes the encoder really writes differently', () => {
    const lenient = validEntries.filter((e) => !e.roundTrip);
    for (const e of lenient) expect(encodePacket(e.packet).equals(e.bytes), e.name).toBe(false);
  });
});

describe('agreement with mqtt-packet (independent oracle)', () => {
  const judged = validEntries.filter(oracleCanJudge);

  it.each(judged.map((e) => [e.name, e] as const))('mqtt-packet parses %s to the same packet', (_name, e) => {
    const level = e.packet.type === 'connect' ? e.packet.protocolLevel : 4;
    expect(parseWithMqttPacket(e.bytes, level)).toStrictEqual([e.packet]);
  });

  it.each(judged.filter((e) => e.roundTrip).map((e) => [e.name, e] as const))('mqtt-packet generates the same bytes for %s', (_name, e) => {
    const level = e.packet.type === 'connect' ? e.packet.protocolLevel : 4;
    expect(mqttPacket.generate(toMqttPacket(e.packet) as mqttPacket.Packet, { protocolVersion: level }).toString('hex'))
      .toBe(encodePacket(e.packet).toString('hex'));
  });
});
