// @ts-check
/**
 * Exact loss and duplicate accounting: one byte per (publisher, sequence number) on each side.
 * Memory is bounded by what was sent (a few MB for the longest scenario), growing by doubling.
 */

const START = 1 << 16;

class ByteCounts {
  constructor() {
    /** @type {Uint8Array[]} per publisher, index = sequence number, saturating at 255 */
    this.rows = [];
  }

  /** @param {number} pub @param {number} seq @returns {number} the count before this mark */
  mark(pub, seq) {
    let row = this.rows[pub];
    if (row === undefined) {
      row = new Uint8Array(START);
      this.rows[pub] = row;
    }
    if (seq >= row.length) {
      let size = row.length;
      while (size <= seq) size *= 2;
      const bigger = new Uint8Array(size);
      bigger.set(row);
      row = bigger;
      this.rows[pub] = row;
    }
    const before = row[seq] ?? 0;
    if (before < 255) row[seq] = before + 1;
    return before;
  }

  /** @param {number} pub @param {number} seq */
  get(pub, seq) {
    return this.rows[pub]?.[seq] ?? 0;
  }
}

export class SeqLedger {
  constructor() {
    this.acked = new ByteCounts();
    this.received = new ByteCounts();
    this.ackedCount = 0;
    this.deliveries = 0;
    this.duplicates = 0;
  }

  /** The broker acknowledged (took ownership of) this message. @param {number} pub @param {number} seq */
  markAcked(pub, seq) {
    if (this.acked.mark(pub, seq) === 0) this.ackedCount += 1;
  }

  /** A subscriber received this message. @param {number} pub @param {number} seq */
  markReceived(pub, seq) {
    this.deliveries += 1;
    if (this.received.mark(pub, seq) > 0) this.duplicates += 1;
  }

  get uniqueReceived() {
    return this.deliveries - this.duplicates;
  }

  /** Acknowledged messages that never reached the subscriber. */
  lost() {
    let lost = 0;
    this.acked.rows.forEach((row, pub) => {
      for (let seq = 0; seq < row.length; seq += 1) {
        if ((row[seq] ?? 0) > 0 && this.received.get(pub, seq) === 0) lost += 1;
      }
    });
    return lost;
  }
}
