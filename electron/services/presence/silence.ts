/**
 * A telemetry topic that goes quiet while the device is still connected (a hung sensor task, a
 * broken rule) is the failure an LWT never reports. The period is declared (Homie
 * `$stats/interval`) or learned from the gaps between periodic reports (Tasmota STATE/SENSOR
 * every TelePeriod); the device is silent after SILENCE_FACTOR × period without one
 * (ESP8266.md §12: stale after ≈ 2.5 × TelePeriod).
 */
import { Ring, median } from './ring.js';

export const SILENCE_FACTOR = 2.5;
/** reports within this of each other are one burst (STATE and SENSOR arrive together) */
export const BURST_MS = 250;
export const MIN_PERIOD_GAPS = 3;

export class SilenceWatch {
  private gaps = new Ring<number>(8);
  lastAt: number | null = null;
  lastTopic: string | null = null;
  private burstAt: number | null = null;
  declaredMs: number | null = null;

  report(topicName: string, at: number): void {
    if (this.burstAt === null || at - this.burstAt >= BURST_MS) {
      if (this.burstAt !== null) this.gaps.push(at - this.burstAt);
      this.burstAt = at;
    }
    this.lastAt = at;
    this.lastTopic = topicName;
  }

  /** the gaps the period is learned from (what survives a restart) */
  learnedGaps(): number[] {
    return this.gaps.toArray();
  }

  restoreGaps(gaps: number[]): void {
    this.gaps.clear();
    for (const g of gaps) this.gaps.push(g);
  }

  periodMs(): number | null {
    if (this.declaredMs !== null) return this.declaredMs;
    if (this.gaps.length < MIN_PERIOD_GAPS) return null;
    return median(this.gaps.toArray());
  }

  /** how long a silence is tolerated, or null when no period is known */
  toleranceMs(): number | null {
    const period = this.periodMs();
    return period === null ? null : Math.round(period * SILENCE_FACTOR);
  }

  isSilent(now: number): boolean {
    const tolerance = this.toleranceMs();
    return tolerance !== null && this.lastAt !== null && now - this.lastAt > tolerance;
  }

  nextDeadline(): number | null {
    const tolerance = this.toleranceMs();
    return tolerance === null || this.lastAt === null ? null : this.lastAt + tolerance + 1;
  }

  /** a new session starts a new rhythm: old gaps would span the downtime */
  restart(): void {
    this.burstAt = null;
  }
}
