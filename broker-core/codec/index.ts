/** The MQTT 3.1.1 codec: bytes ↔ Packet values, plus the topic rules the codec enforces. */
export type * from './packets.js';
export { PacketType, ConnackCode } from './packets.js';
export { PacketDecoder, type DecodeError, type DecoderOptions, type PacketHandler } from './decoder.js';
export { encodePacket, encodePublish, withPacketId, MAX_REMAINING_LENGTH } from './encoder.js';
export { isSupportedProtocol } from './parse-connect.js';
export { validateTopicName, validateTopicFilter } from '../topics/validate.js';
