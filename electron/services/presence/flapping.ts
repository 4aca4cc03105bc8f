/**
 * Flapping: many online/offline changes inside a window become ONE "flapping" state (and one
 * alert) instead of a storm. A device stops flapping after a whole window without a change.
 * Sleeping, overdue and take-over changes are not counted: they are expected or reported otherwise.
 */
import { Ring } from './ring.js';
import type { StatusRecord } from './device.js';

function isOnOff(s: StatusRecord): boolean {
  return s.status === 'online' || s.status === 'offline';
}

/** Reasons that are not the device's doing: take-overs are reported as duplicate ids, broker restarts hit everyone. */
const NOT_FLAPPING: ReadonlySet<string> = new Set(['taken-over', 'broker-restarted']);

/** Online↔offline changes count towards flapping. */
export function countsAsFlap(a: StatusRecord, b: StatusRecord): boolean {
  return isOnOff(a) && isOnOff(b) && a.status !== b.status && !NOT_FLAPPING.has(a.reason) && !NOT_FLAPPING.has(b.reason);
}

export function formatWindow(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 1000)} s`;
}

export interface FlapSettings {
  /** changes within the window that make a device flapping (default 6 = three drops) */
  transitions: number;
  windowMs: number;
}

export interface FlapState {
  changes: number[];
  flappingSince: number | null;
  lastChangeAt: number | null;
}

export const DEFAULT_FLAP: FlapSettings = { transitions: 6, windowMs: 120_000 };

export class FlapDetector {
  private changes: Ring<number>;
  /** since when the device is flapping, or null */
  flappingSince: number | null = null;
  /** the latest change (kept when the window expires it: settling is measured from it) */
  private lastChangeAt: number | null = null;

  constructor(private settings: FlapSettings = DEFAULT_FLAP) {
    this.changes = new Ring(Math.max(2, settings.transitions));
  }

  configure(settings: FlapSettings): void {
    if (settings.transitions === this.settings.transitions && settings.windowMs === this.settings.windowMs) return;
    this.settings = settings;
    const kept = this.changes.toArray();
    this.changes = new Ring(Math.max(2, settings.transitions));
    for (const at of kept) this.changes.push(at);
  }

  /** Record one online↔offline change; returns true when this change starts a flapping episode. */
  record(at: number): boolean {
    this.changes.push(at);
    this.lastChangeAt = at;
    this.expire(at);
    if (this.flappingSince === null && this.changes.length >= this.settings.transitions) {
      this.flappingSince = at;
      return true;
    }
    return false;
  }

  /** Changes still inside the window. */
  count(now: number): number {
    this.expire(now);
    return this.changes.length;
  }

  /** Returns true when a flapping episode ends at `now` (a whole window without a change). */
  settle(now: number): boolean {
    if (this.flappingSince === null) return false;
    const last = this.lastChangeAt;
    if (last === null || now - last >= this.settings.windowMs) {
      this.flappingSince = null;
      this.expire(now);
      return true;
    }
    return false;
  }

  /** When `settle` could next succeed, for the scheduler. */
  nextDeadline(): number | null {
    if (this.flappingSince === null || this.lastChangeAt === null) return null;
    return this.lastChangeAt + this.settings.windowMs;
  }

  /** What survives a restart: the changes still in the window and the episode. */
  snapshot(): FlapState {
    return { changes: this.changes.toArray(), flappingSince: this.flappingSince, lastChangeAt: this.lastChangeAt };
  }

  /** Puts a saved state back (the ring's bound applies; `now` expires what left the window meanwhile). */
  restore(state: FlapState, now: number): void {
    this.changes.clear();
    for (const at of state.changes) this.changes.push(at);
    this.flappingSince = state.flappingSince;
    this.lastChangeAt = state.lastChangeAt;
    this.expire(now);
  }

  get windowMs(): number {
    return this.settings.windowMs;
  }

  private expire(now: number): void {
    this.changes.dropWhile((at) => now - at > this.settings.windowMs);
  }
}
