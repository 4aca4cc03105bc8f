/**
 * Flapping: many online/offline changes inside a window become ONE "flapping" state (and one
 * alert) instead of a storm. Flappers come in bursts (a brown-out loop, a marginal Wi-Fi link), so
 * hysteresis keeps one episode across the pauses between bursts:
 * - an episode ends only after `quietMs` without a change — by default 3 × the window (6 min with
 *   the default 2 min window), clearly longer than the window that started it;
 * - a device that flaps again within `cooldownMs` after its episode ended (default 15 × the
 *   window, 30 min) resumes the SAME episode: same `since`, so alerts know it is not a new one.
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
  /** time without a change that ends an episode (≥ windowMs) */
  quietMs: number;
  /** after an episode ended, flapping again within this long resumes it */
  cooldownMs: number;
}

export interface FlapState {
  changes: number[];
  flappingSince: number | null;
  lastChangeAt: number | null;
  /** the last ended episode (absent in files of older versions) */
  endedAt?: number | null;
  endedSince?: number | null;
}

/** Quiet period and cooldown as multiples of the window when the settings do not name them. */
export const QUIET_WINDOWS = 3;
export const COOLDOWN_WINDOWS = 15;

export function flapSettingsOf(transitions: number, windowMs: number, quietMs?: number, cooldownMs?: number): FlapSettings {
  return { transitions, windowMs, quietMs: Math.max(windowMs, quietMs ?? QUIET_WINDOWS * windowMs), cooldownMs: cooldownMs ?? COOLDOWN_WINDOWS * windowMs };
}

export const DEFAULT_FLAP: FlapSettings = flapSettingsOf(6, 120_000);

function sameSettings(a: FlapSettings, b: FlapSettings): boolean {
  return a.transitions === b.transitions && a.windowMs === b.windowMs && a.quietMs === b.quietMs && a.cooldownMs === b.cooldownMs;
}

export class FlapDetector {
  private changes: Ring<number>;
  /** since when the device is flapping, or null */
  flappingSince: number | null = null;
  /** the latest change (kept when the window expires it: settling is measured from it) */
  private lastChangeAt: number | null = null;
  /** when the last episode ended, and when that episode had begun (to resume it within the cooldown) */
  private endedAt: number | null = null;
  private endedSince: number | null = null;

  constructor(private settings: FlapSettings = DEFAULT_FLAP) {
    this.changes = new Ring(Math.max(2, settings.transitions));
  }

  configure(settings: FlapSettings): void {
    if (sameSettings(settings, this.settings)) return;
    this.settings = settings;
    const kept = this.changes.toArray();
    this.changes = new Ring(Math.max(2, settings.transitions));
    for (const at of kept) this.changes.push(at);
  }

  /**
   * Record one online↔offline change; returns true when this change starts a NEW flapping
   * episode (false when it resumes the episode that ended less than the cooldown ago).
   */
  record(at: number): boolean {
    this.changes.push(at);
    this.lastChangeAt = at;
    this.expire(at);
    if (this.flappingSince === null && this.changes.length >= this.settings.transitions) {
      const resume = this.endedAt !== null && this.endedSince !== null && at - this.endedAt <= this.settings.cooldownMs;
      this.flappingSince = resume ? this.endedSince : at;
      this.endedAt = null;
      this.endedSince = null;
      return !resume;
    }
    return false;
  }

  /** Changes still inside the window. */
  count(now: number): number {
    this.expire(now);
    return this.changes.length;
  }

  /** Returns true when a flapping episode ends at `now` (the quiet period without a change). */
  settle(now: number): boolean {
    if (this.flappingSince === null) return false;
    const last = this.lastChangeAt;
    if (last === null || now - last >= this.settings.quietMs) {
      this.endedAt = now;
      this.endedSince = this.flappingSince;
      this.flappingSince = null;
      this.expire(now);
      return true;
    }
    return false;
  }

  /** When `settle` could next succeed, for the scheduler. */
  nextDeadline(): number | null {
    if (this.flappingSince === null || this.lastChangeAt === null) return null;
    return this.lastChangeAt + this.settings.quietMs;
  }

  /** What survives a restart: the changes still in the window, the episode and the last ended one. */
  snapshot(): FlapState {
    return { changes: this.changes.toArray(), flappingSince: this.flappingSince, lastChangeAt: this.lastChangeAt, endedAt: this.endedAt, endedSince: this.endedSince };
  }

  /** Puts a saved state back (the ring's bound applies; `now` expires what left the window meanwhile). */
  restore(state: FlapState, now: number): void {
    this.changes.clear();
    for (const at of state.changes) this.changes.push(at);
    this.flappingSince = state.flappingSince;
    this.lastChangeAt = state.lastChangeAt;
    this.endedAt = state.endedAt ?? null;
    this.endedSince = state.endedSince ?? null;
    this.expire(now);
  }

  get windowMs(): number {
    return this.settings.windowMs;
  }

  private expire(now: number): void {
    this.changes.dropWhile((at) => now - at > this.settings.windowMs);
  }
}
