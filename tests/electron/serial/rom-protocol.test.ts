import { describe, expect, it } from 'vitest';
import { dataChecksum, encodeRequest, isUnsupported, parseResponse, statusError, SYNC_PAYLOAD, Op } from '../../../electron/serial/rom-protocol.js';

describe('ROM loader packets (serial-protocol.rst)', () => {
  it('encodes a request as 00, op, u16 length, u32 checksum, data (little-endian)', () => {
    const r = encodeRequest(Op.READ_REG, Buffer.from([0x00, 0x10, 0x00, 0x40]));
    expect(r.toString('hex')).toBe('000a04000000000000100040');
  });

  it('starts SYNC with 07 07 12 20 followed by 32 bytes of 0x55', () => {
    expect(SYNC_PAYLOAD.length).toBe(36);
    expect(SYNC_PAYLOAD.subarray(0, 4).toString('hex')).toBe('07071220');
    expect(SYNC_PAYLOAD.subarray(4).every((b) => b === 0x55)).toBe(true);
  });

  it('computes the data checksum as 0xEF XOR every byte', () => {
    expect(dataChecksum(Buffer.alloc(0))).toBe(0xef);
    expect(dataChecksum(Buffer.from([0xef]))).toBe(0);
    expect(dataChecksum(Buffer.from([0x01, 0x02]))).toBe(0xef ^ 0x03);
  });

  it('parses the real ESP8266 READ_REG reply for the chip magic (esptool issue #620)', () => {
    const r = parseResponse(Buffer.from('010a020001c1f0ff0000', 'hex'));
    expect(r).not.toBeNull();
    expect(r!.op).toBe(0x0a);
    expect(r!.value).toBe(0xfff0c101);
    expect(statusError(r!)).toBeNull();
  });

  it('reads a ROM error from the second status byte and a stub error from the first', () => {
    const rom = parseResponse(Buffer.from('01030200000000000107', 'hex'))!;
    expect(statusError(rom)).toMatchObject({ source: 'rom', code: 0x07 });
    const stub = parseResponse(Buffer.from('0111020000000000c100', 'hex'))!;
    expect(statusError(stub)).toMatchObject({ source: 'stub', code: 0xc1 });
  });

  it('treats an echoed op with status 1/0x05 and a foreign-op 0x05 frame both as "unsupported"', () => {
    expect(isUnsupported(parseResponse(Buffer.from('010f020000000000' + '0105', 'hex'))!, 0x0f)).toBe(true);
    expect(isUnsupported(parseResponse(Buffer.from('0114020000000000' + '0105', 'hex'))!, 0x0f)).toBe(true);
    expect(isUnsupported(parseResponse(Buffer.from('010f020000000000' + '0000', 'hex'))!, 0x0f)).toBe(false);
  });

  it('rejects frames whose length field does not match (noise between 0xC0 bytes)', () => {
    expect(parseResponse(Buffer.from('010a0500' + '00000000' + '0000', 'hex'))).toBeNull();
    expect(parseResponse(Buffer.from('000a0200000000000000', 'hex'))).toBeNull();
  });
});
