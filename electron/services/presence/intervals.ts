/**
 * Learning a deep sleeper's wake interval from its sessions: it connects on a regular beat and
 * stays connected only briefly. We learn the beat once at least MIN_GAPS gaps between connects
 * agree within ±TOLERANCE of their median, every completed session lasted at most half the beat,
 * and the beat is at least MIN_LEARNED_MS (quicker "beats" are reconnect loops, i.e. flapping).
 */
import { Ring, median } from './ring.js';

export const MIN_GAPS = 3;
export const TOLERANCE = 0.25;
export const MIN_LEARNED_MS = 20_000;
/** connects remembered for learning */
export const LEARN_WINDOW = 6;

export interface Wake {
  connectedAt: number;
  endedAt: number | null;
}

export class IntervalLearner {
  private wakes = new Ring<Wake>(LEARN_WINDOW);

  connected(at: number): void {
    this.wakes.push({ connectedAt: at, endedAt: null });
  }

  ended(at: number): void {
    const last = this.wakes.last();
    if (last && last.endedAt === null) last.endedAt = at;
  }

  /** a take-over or a refused beat breaks the pattern */
  reset(): void {
    this.wakes.clear();
  }

  /** the connects remembered, oldest first (what survives a restart) */
  snapshot(): Wake[] {
    return this.wakes.toArray().map((w) => ({ ...w }));
  }

  restore(wakes: Wake[]): void {
    this.wakes.clear();
    for (const w of wakes) this.wakes.push({ ...w });
  }

  learned(): number | null {
    const wakes = this.wakes.toArray();
    if (wakes.length < MIN_GAPS + 1) return null;
    const gaps: number[] = [];
    for (let i = 1; i < wakes.length; i++) gaps.push((wakes[i] as Wake).connectedAt - (wakes[i - 1] as Wake).connectedAt);
    const beat = median(gaps);
    if (!(beat >= MIN_LEARNED_MS)) return null;
    if (gaps.some((g) => Math.abs(g - beat) > beat * TOLERANCE)) return null;
    for (const w of wakes) {
      if (w.endedAt !== null && w.endedAt - w.connectedAt > beat / 2) return null;
    }
    return Math.round(beat);
  }
}
