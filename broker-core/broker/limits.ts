/**
 * The broker's bounds and their documented defaults. Every bound here has a counted,
 * reported consequence when it is hit (never a silent drop):
 *
 * | limit | default | when exceeded |
 * |---|---|---|
 * | maxPacketSize | 1 MiB (1 048 576 bytes of remaining length) | the connection is closed, reason `limit-exceeded` (the decoder refuses the packet as soon as its fixed header announces the size, before buffering it) |
 * | maxInflight | 100 | further QoS 1/2 messages wait in the session queue (not dropped) |
 * | maxQueued | 100 000 | the new message is dropped for that session: `publishDropped` + `message.dropped` (reason `queue-full`) |
 * | maxConnections | 20 000 | a new socket is closed at once; counted in `connectionsRefused` |
 * | maxOutgoingBytes | 8 MiB | QoS 0 messages to that client are dropped (`message.dropped`, reason `queue-full`); QoS 1/2 queue instead |
 *
 * Backpressure (not a bound users set): when a subscriber's socket holds more than
 * CONGESTION_BYTES unsent, or its session queue holds CONGESTION_QUEUED messages, the broker
 * stops reading from the publishers whose messages are routed to it until it drains, so a slow
 * subscriber slows the publishers instead of losing messages. One that makes no progress at all
 * for STALL_MS stops doing so (see backpressure.ts).
 */

import type { BrokerLimits } from '../api.js';

export const DEFAULT_LIMITS: Readonly<Required<BrokerLimits>> = Object.freeze({
  maxPacketSize: 1_048_576,
  maxInflight: 100,
  maxQueued: 100_000,
  maxConnections: 20_000,
  maxOutgoingBytes: 8 * 1_048_576,
});

/** a subscriber with this many bytes waiting on its socket slows down its publishers */
export const CONGESTION_BYTES = 256 * 1024;
/** …and stops doing so once it is back under this */
export const DECONGESTION_BYTES = 64 * 1024;
/** a subscriber with this many QoS 1/2 messages queued slows down its publishers */
export const CONGESTION_QUEUED = 1000;
export const DECONGESTION_QUEUED = 500;
/** a congested subscriber that makes no progress for this long stops slowing its publishers */
export const STALL_MS = 5_000;

/** [MQTT-3.1.4] a socket that sends no CONNECT within this time is closed */
export const CONNECT_TIMEOUT_MS = 30_000;
/** how often keepalive and connect timeouts are checked */
export const SWEEP_INTERVAL_MS = 500;
/** how often the cumulative counters are written (and at shutdown) */
export const COUNTERS_SAVE_MS = 60_000;
/** default $SYS publish interval in seconds */
export const DEFAULT_SYS_INTERVAL = 10;

export function resolveLimits(partial: Partial<BrokerLimits> | undefined): Required<BrokerLimits> {
  const limits = { ...DEFAULT_LIMITS, ...(partial ?? {}) };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`broker limit ${name} must be a positive integer, got ${String(value)}`);
  }
  // Packet ids are 16 bits [MQTT-2.3.1]: the window can never hold more than 65535 messages.
  if (limits.maxInflight > 65_535) throw new RangeError('broker limit maxInflight must be at most 65535');
  return limits;
}
