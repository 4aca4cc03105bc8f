/**
 * Decode failures are values, never exceptions: the decoder returns one of these and the
 * broker's single dispatcher decides the consequence (close the connection, count it).
 */

export interface DecodeError {
  /**
   * malformed: the bytes do not follow the packet format (bad length, flags, UTF-8, trailing bytes).
   * too-large: the remaining length exceeds the decoder's maxPacketSize.
   * protocol:  well-formed bytes that break a protocol rule (unknown protocol name, packet id 0, …).
   */
  kind: 'malformed' | 'too-large' | 'protocol';
  message: string;
  /** the normative statement broken, e.g. 'MQTT-2.2.2-2' */
  clause?: string;
}

export function malformed(message: string, clause?: string): DecodeError {
  return clause === undefined ? { kind: 'malformed', message } : { kind: 'malformed', message, clause };
}

export function protocolError(message: string, clause?: string): DecodeError {
  return clause === undefined ? { kind: 'protocol', message } : { kind: 'protocol', message, clause };
}

export function isDecodeError(value: unknown): value is DecodeError {
  return typeof value === 'object' && value !== null && 'kind' in value && !('type' in value);
}
