/**
 * Converts between our Packet values and mqtt-packet's objects, so mqtt-packet (the codec
 * MQTT.js and aedes use) can serve as an independent oracle in the tests and the benchmark.
 */

import type { Packet } from '../../../broker-core/codec/index.js';

type Loose = Record<string, any>;

export function toMqttPacket(p: Packet): Loose {
  switch (p.type) {
    case 'connect': {
      const out: Loose = {
        cmd: 'connect', protocolId: p.protocolName, protocolVersion: p.protocolLevel, clean: p.cleanSession,
        keepalive: p.keepalive, clientId: p.clientId,
      };
      if (p.will) out.will = { topic: p.will.topicName, payload: Buffer.from(p.will.payload), qos: p.will.qos, retain: p.will.retain };
      if (p.username !== undefined) out.username = p.username;
      if (p.password !== undefined) out.password = Buffer.from(p.password);
      return out;
    }
    case 'connack': return { cmd: 'connack', sessionPresent: p.sessionPresent, returnCode: p.returnCode };
    case 'publish': {
      const out: Loose = { cmd: 'publish', topic: p.topicName, payload: Buffer.from(p.payload), qos: p.qos, retain: p.retain, dup: p.dup };
      if (p.packetId !== undefined) out.messageId = p.packetId;
      return out;
    }
    case 'subscribe':
      return { cmd: 'subscribe', messageId: p.packetId, subscriptions: p.subscriptions.map((s) => ({ topic: s.topicFilter, qos: s.qos })) };
    case 'suback': return { cmd: 'suback', messageId: p.packetId, granted: [...p.returnCodes] };
    case 'unsubscribe': return { cmd: 'unsubscribe', messageId: p.packetId, unsubscriptions: [...p.topicFilters] };
    case 'puback': case 'pubrec': case 'pubrel': case 'pubcomp': case 'unsuback':
      return { cmd: p.type, messageId: p.packetId };
    default:
      return { cmd: p.type };
  }
}

export function fromMqttPacket(m: Loose): Packet {
  switch (m.cmd) {
    case 'connect': {
      const p: Packet = {
        type: 'connect', protocolName: m.protocolId, protocolLevel: m.protocolVersion, cleanSession: m.clean,
        keepalive: m.keepalive, clientId: m.clientId,
      };
      if (m.will) p.will = { topicName: m.will.topic, payload: Buffer.from(m.will.payload), qos: m.will.qos, retain: m.will.retain };
      if (m.username !== undefined) p.username = m.username;
      if (m.password !== undefined) p.password = Buffer.from(m.password);
      return p;
    }
    case 'connack': return { type: 'connack', sessionPresent: m.sessionPresent, returnCode: m.returnCode };
    case 'publish': {
      const p: Packet = { type: 'publish', topicName: m.topic, payload: Buffer.from(m.payload), qos: m.qos, retain: m.retain, dup: m.dup };
      if (m.qos > 0) p.packetId = m.messageId;
      return p;
    }
    case 'subscribe':
      return { type: 'subscribe', packetId: m.messageId, subscriptions: m.subscriptions.map((s: Loose) => ({ topicFilter: s.topic, qos: s.qos })) };
    case 'suback': return { type: 'suback', packetId: m.messageId, returnCodes: m.granted };
    case 'unsubscribe': return { type: 'unsubscribe', packetId: m.messageId, topicFilters: m.unsubscriptions };
    case 'puback': case 'pubrec': case 'pubrel': case 'pubcomp': case 'unsuback':
      return { type: m.cmd, packetId: m.messageId };
    default:
      return { type: m.cmd } as Packet;
  }
}
