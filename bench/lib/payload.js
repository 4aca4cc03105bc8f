// @ts-check
/**
 * The bench payload: every message names its publisher and sequence number so loss and
 * duplicates can be counted exactly, and carries a send timestamp for latency.
 *
 *   offset 0  u32  publisher id
 *   offset 4  u32  sequence number (per publisher, from 0)
 *   offset 8  u64  send time, process.hrtime.bigint() nanoseconds (latency scenario only)
 *   offset 16 ...  filler up to the payload size
 */

export const PAYLOAD_MIN = 16;
export const PUB_ID = 0;
export const SEQ = 4;
export const SENT_AT = 8;

/** @param {number} size */
export function blankPayload(size) {
  if (size < PAYLOAD_MIN) throw new RangeError(`payload must be at least ${PAYLOAD_MIN} bytes`);
  const payload = Buffer.alloc(size, 0x2e);
  payload.fill(0, 0, PAYLOAD_MIN);
  return payload;
}
