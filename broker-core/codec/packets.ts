/**
 * MQTT 3.1.1 control packets as plain values (OASIS MQTT 3.1.1, section 3).
 * The codec turns bytes into these and back; the broker only ever sees these.
 * Names follow the specification: packetId, qos, retain, dup, cleanSession, keepalive,
 * topicName (a PUBLISH destination) versus topicFilter (a subscription pattern).
 */

export type QoS = 0 | 1 | 2;

/** [MQTT-2.2.1] control packet type numbers, bits 7-4 of the fixed header. */
export const PacketType = {
  CONNECT: 1,
  CONNACK: 2,
  PUBLISH: 3,
  PUBACK: 4,
  PUBREC: 5,
  PUBREL: 6,
  PUBCOMP: 7,
  SUBSCRIBE: 8,
  SUBACK: 9,
  UNSUBSCRIBE: 10,
  UNSUBACK: 11,
  PINGREQ: 12,
  PINGRESP: 13,
  DISCONNECT: 14,
} as const;

export interface Will {
  topicName: string;
  payload: Uint8Array;
  qos: QoS;
  retain: boolean;
}

export interface ConnectPacket {
  type: 'connect';
  /** "MQTT" for 3.1.1, "MQIsdp" for 3.1 */
  protocolName: string;
  /** 4 for 3.1.1, 3 for 3.1, 5 for 5.0 */
  protocolLevel: number;
  cleanSession: boolean;
  keepalive: number;
  clientId: string;
  will?: Will;
  username?: string;
  password?: Uint8Array;
}

/** [MQTT-3.2.2.3] CONNACK return codes. */
export const ConnackCode = {
  ACCEPTED: 0,
  UNACCEPTABLE_PROTOCOL_VERSION: 1,
  IDENTIFIER_REJECTED: 2,
  SERVER_UNAVAILABLE: 3,
  BAD_USERNAME_OR_PASSWORD: 4,
  NOT_AUTHORIZED: 5,
} as const;
export type ConnackCode = (typeof ConnackCode)[keyof typeof ConnackCode];

export interface ConnackPacket {
  type: 'connack';
  sessionPresent: boolean;
  returnCode: ConnackCode;
}

export interface PublishPacket {
  type: 'publish';
  topicName: string;
  payload: Uint8Array;
  qos: QoS;
  retain: boolean;
  dup: boolean;
  /** present iff qos > 0 */
  packetId?: number;
}

export interface PubackPacket { type: 'puback'; packetId: number }
export interface PubrecPacket { type: 'pubrec'; packetId: number }
export interface PubrelPacket { type: 'pubrel'; packetId: number }
export interface PubcompPacket { type: 'pubcomp'; packetId: number }

export interface Subscription {
  topicFilter: string;
  qos: QoS;
}

export interface SubscribePacket {
  type: 'subscribe';
  packetId: number;
  subscriptions: Subscription[];
}

/** [MQTT-3.9.3] SUBACK return code: granted QoS, or 0x80 failure. */
export type SubackReturnCode = QoS | 0x80;

export interface SubackPacket {
  type: 'suback';
  packetId: number;
  returnCodes: SubackReturnCode[];
}

export interface UnsubscribePacket {
  type: 'unsubscribe';
  packetId: number;
  topicFilters: string[];
}

export interface UnsubackPacket { type: 'unsuback'; packetId: number }
export interface PingreqPacket { type: 'pingreq' }
export interface PingrespPacket { type: 'pingresp' }
export interface DisconnectPacket { type: 'disconnect' }

export type Packet =
  | ConnectPacket
  | ConnackPacket
  | PublishPacket
  | PubackPacket
  | PubrecPacket
  | PubrelPacket
  | PubcompPacket
  | SubscribePacket
  | SubackPacket
  | UnsubscribePacket
  | UnsubackPacket
  | PingreqPacket
  | PingrespPacket
  | DisconnectPacket;

export type PacketKind = Packet['type'];
