/**
 * Two devices configured with the same client id knock each other off forever: every connect
 * takes the session over [MQTT-3.1.4-2], the loser reconnects and takes it back. One take-over is
 * normal (a device rebooted before its old session timed out); FIGHT_TAKEOVERS within
 * FIGHT_WINDOW_MS is a fight. Addresses name the culprits: distinct IPs when there are several,
 * else the last connections' ip:port (devices behind one NAT, or simulators on localhost).
 */
import { Ring } from './ring.js';

export const FIGHT_TAKEOVERS = 4;
export const FIGHT_WINDOW_MS = 60_000;

function ipOf(address: string): string {
  const colon = address.lastIndexOf(':');
  return colon > 0 ? address.slice(0, colon).replace(/^\[|\]$/g, '') : address;
}

export interface TakeoverState {
  takeovers: number[];
  addresses: string[];
  fightingSince: number | null;
}

export class TakeoverTracker {
  private takeovers = new Ring<number>(FIGHT_TAKEOVERS * 2);
  private addresses = new Ring<string>(8);
  fightingSince: number | null = null;

  connected(address: string): void {
    this.addresses.push(address);
  }

  /** Returns true when this take-over starts a fight. */
  takenOver(at: number): boolean {
    this.takeovers.push(at);
    this.takeovers.dropWhile((t) => at - t > FIGHT_WINDOW_MS);
    if (this.fightingSince === null && this.takeovers.length >= FIGHT_TAKEOVERS) {
      this.fightingSince = at;
      return true;
    }
    return false;
  }

  /** What survives a restart: take-overs within the window, the addresses seen, the fight. */
  snapshot(): TakeoverState {
    return { takeovers: this.takeovers.toArray(), addresses: this.addresses.toArray(), fightingSince: this.fightingSince };
  }

  restore(state: TakeoverState, now: number): void {
    this.takeovers.clear();
    this.addresses.clear();
    for (const at of state.takeovers) this.takeovers.push(at);
    for (const a of state.addresses) this.addresses.push(a);
    this.fightingSince = state.fightingSince;
    if (this.fightingSince === null) this.takeovers.dropWhile((t) => now - t > FIGHT_WINDOW_MS);
  }

  count(): number {
    return this.takeovers.length;
  }

  /** the addresses involved, most recent first */
  culprits(): string[] {
    const recent = this.addresses.toArray().reverse();
    const ips = [...new Set(recent.map(ipOf))];
    if (ips.length > 1) return ips;
    return [...new Set(recent)].slice(0, 2);
  }

  /** Returns true when a fight ends (a whole window without a take-over). */
  settle(now: number): boolean {
    if (this.fightingSince === null) return false;
    const last = this.takeovers.last();
    if (last === undefined || now - last >= FIGHT_WINDOW_MS) {
      this.fightingSince = null;
      this.takeovers.clear();
      return true;
    }
    return false;
  }

  nextDeadline(): number | null {
    const last = this.takeovers.last();
    return this.fightingSince === null || last === undefined ? null : last + FIGHT_WINDOW_MS;
  }
}
