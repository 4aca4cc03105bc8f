// @ts-check
/**
 * End-to-end flow control for the floods: publishers may run at most `limit` deliveries
 * ahead of what the subscribers have received (QoS 0 and 1) or completed (QoS 2, at PUBREL). Without it a flood outruns any
 * broker's forwarding and measures how it buffers (or drops) an unbounded backlog instead of
 * its sustainable throughput — and leaves a backlog that takes longer to drain than the test.
 * (mosquitto 2.0.11 under an unbounded QoS 2 flood lets tens of thousands of outgoing QoS 2
 * messages pile up, processes the subscriber's PUBRECs at a few hundred per second, and once the
 * packet ids wrap reuses ids still awaiting PUBREL [MQTT-2.3.1-1], which a compliant receiver must
 * discard as duplicates [MQTT-4.3.3-2]: loss. The bound keeps every broker in its sustainable range.)
 * QoS 0 may be dropped, so a stall (no delivery for `stallMs` while publishers wait) writes the
 * outstanding deliveries off as dropped, counted, and lets the publishers go on.
 */
export class Credit {
  /** @param {number} limit deliveries in flight at most @param {number} stallMs */
  constructor(limit, stallMs) {
    this.limit = limit;
    this.stallMs = stallMs;
    this.outstanding = 0;
    this.writtenOff = 0;
    this.lastDelivery = performance.now();
    /** @type {(() => void)[]} publishers waiting for credit */
    this.waiting = [];
    this.watchdog = setInterval(() => this.checkStall(), Math.max(10, Math.floor(stallMs / 4)));
    this.watchdog.unref();
  }

  /** @param {number} n at most `limit` (a larger batch could never be sent) @returns {boolean} */
  tryTake(n) {
    if (n > this.limit) throw new RangeError(`a batch of ${n} deliveries exceeds the credit limit ${this.limit}`);
    if (this.outstanding + n > this.limit) return false;
    this.outstanding += n;
    return true;
  }

  /** Takes as much as is available, up to `n`. @param {number} n @returns {number} taken */
  takeUpTo(n) {
    const taken = Math.max(0, Math.min(n, this.limit - this.outstanding));
    this.outstanding += taken;
    return taken;
  }

  /** @param {() => void} resume */
  wait(resume) {
    this.waiting.push(resume);
  }

  /**
   * One delivery arrived (hot path). After a write-off, late arrivals of written-off messages
   * could drive the count below zero and let publishers exceed the limit: it stops at zero.
   */
  delivered() {
    if (this.outstanding > 0) this.outstanding -= 1;
  }

  /** Called once per received chunk: wakes the waiting publishers if credit came back. */
  wake() {
    this.lastDelivery = performance.now();
    if (this.waiting.length === 0 || this.outstanding >= this.limit) return;
    const resume = this.waiting;
    this.waiting = [];
    for (const r of resume) r();
  }

  checkStall() {
    if (this.waiting.length > 0 && performance.now() - this.lastDelivery > this.stallMs && this.outstanding > 0) {
      this.writtenOff += this.outstanding;
      this.outstanding = 0;
      this.wake();
    }
  }

  close() {
    clearInterval(this.watchdog);
    this.waiting = [];
  }
}
