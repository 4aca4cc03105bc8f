// @ts-check
/** Per-publisher order check for QoS 0 streams: counts sequence numbers seen out of order. */
export class OrderWatch {
  constructor() {
    /** @type {number[]} last sequence number seen per publisher */
    this.last = [];
    this.outOfOrder = 0;
  }

  /** @param {number} pub @param {number} seq */
  see(pub, seq) {
    const last = this.last[pub] ?? -1;
    if (seq <= last) this.outOfOrder += 1;
    else this.last[pub] = seq;
  }
}
