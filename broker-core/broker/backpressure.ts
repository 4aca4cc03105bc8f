/**
 * Backpressure: when a subscriber cannot keep up (bytes piling up on its socket, or QoS 1/2
 * messages piling up in its queue), the broker stops reading from the publishers whose messages
 * go to it, instead of dropping. TCP then slows those publishers down; nothing is lost.
 *
 * Two rules keep this from freezing the broker:
 * - a congested connection is never paused itself (two clients publishing to each other while
 *   neither reads would otherwise wait for each other forever);
 * - a subscriber that stays congested without any progress (no bytes leaving its socket, no
 *   acknowledgements) for STALL_MS is "stalled": it releases its publishers and stops slowing
 *   anyone down until it drains. Its messages then meet the ordinary bounds (QoS 0 dropped above
 *   maxOutgoingBytes, QoS 1/2 queued up to maxQueued) — counted, never silent. A dead `#`
 *   subscriber can therefore hold the fleet's publishers for a few seconds, not until its
 *   keepalive expires.
 *
 * Per-connection state lives in a FlowState created only when a connection first takes part.
 */

import type { Connection } from './connection.js';
import { CONGESTION_BYTES, CONGESTION_QUEUED, DECONGESTION_BYTES, DECONGESTION_QUEUED, STALL_MS } from './limits.js';

export class FlowState {
  /** over the high-water mark (set until back under the low-water mark) */
  overloaded = false;
  /** overloaded without progress for STALL_MS: no longer slows publishers down */
  stalled = false;
  /** publishers paused because of this subscriber */
  waiters: Set<Connection> | undefined = undefined;
  /** congested subscribers this publisher is paused for */
  waitCount = 0;
  /** progress tracking while overloaded */
  lastPending = 0;
  lastAcked = 0;
  lastProgressAt = 0;
}

/** Publisher `from` routed a message to the congested subscriber `target`: pause `from`. */
export function waitFor(from: Connection, target: Connection): void {
  if (from.congested || from === target || !from.isConnected) return;
  const targetFlow = (target.flow ??= new FlowState());
  const waiters = (targetFlow.waiters ??= new Set());
  if (waiters.has(from)) return;
  waiters.add(from);
  const flow = (from.flow ??= new FlowState());
  if (flow.waitCount++ === 0) from.wire.pause();
}

/**
 * True while the broker has stopped reading `conn` for a congested subscriber. Its packets (PINGREQ
 * too) wait unread in the socket, so its silence says nothing about the client: the keepalive
 * sweep must not count it [MQTT-3.1.2-24].
 */
export function isHeldBack(conn: Connection): boolean {
  return conn.flow !== undefined && conn.flow.waitCount > 0;
}

/** Re-evaluates a subscriber after its output or queue changed. */
export function updateCongestion(conn: Connection): void {
  if (conn.isClosed) return;
  const pending = conn.outgoingBytes;
  const queued = conn.session?.queuedCount ?? 0;
  // the queue mark stays well below maxQueued: a paused publisher still delivers the rest of
  // the chunk it was reading, and that must fit without drops
  const queueMark = Math.min(CONGESTION_QUEUED, conn.core.limits.maxQueued >> 1);
  let flow = conn.flow;
  if (flow === undefined || !flow.overloaded) {
    if (pending < CONGESTION_BYTES && queued < queueMark) return;
    flow ??= conn.flow = new FlowState();
    flow.overloaded = true;
    flow.stalled = false;
    flow.lastPending = pending;
    flow.lastAcked = conn.session?.acknowledged ?? 0;
    flow.lastProgressAt = conn.core.now();
    conn.congested = true;
    // a congested connection must not stay paused as a publisher (breaks wait cycles)
    if (flow.waitCount > 0) {
      flow.waitCount = 0;
      conn.wire.resume();
    }
  } else if (pending <= DECONGESTION_BYTES && queued <= Math.min(DECONGESTION_QUEUED, queueMark >> 1)) {
    flow.overloaded = false;
    flow.stalled = false;
    conn.congested = false;
    releaseWaiters(conn);
  }
}

/** From the periodic sweep: an overloaded subscriber that made no progress for STALL_MS stalls. */
export function checkStall(conn: Connection, now: number): void {
  const flow = conn.flow;
  if (flow === undefined || !flow.overloaded || flow.stalled) return;
  const pending = conn.outgoingBytes;
  const acked = conn.session?.acknowledged ?? 0;
  if (pending < flow.lastPending || acked !== flow.lastAcked) {
    flow.lastProgressAt = now;
  } else if (now - flow.lastProgressAt >= STALL_MS) {
    flow.stalled = true;
    conn.congested = false;
    releaseWaiters(conn);
  }
  flow.lastPending = pending;
  flow.lastAcked = acked;
}

/** Resumes the publishers paused for `conn` (when it drains, stalls or closes). */
export function releaseWaiters(conn: Connection): void {
  const waiters = conn.flow?.waiters;
  if (waiters === undefined) return;
  (conn.flow as FlowState).waiters = undefined;
  for (const publisher of waiters) {
    const flow = publisher.flow;
    if (flow !== undefined && flow.waitCount > 0 && --flow.waitCount === 0 && !publisher.isClosed) publisher.wire.resume();
  }
}
