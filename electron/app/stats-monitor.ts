/**
 * Pushes `broker.stats` to the UI. Bound: at most one push per `intervalMs` from the ticker
 * (only when a counter changed, or every `heartbeatMs` so uptime stays fresh) plus one
 * coalesced push per `burstMs` after clients connect or disconnect — a reconnect storm of
 * a whole fleet costs the UI a handful of messages, not one per device.
 */

import type { BrokerStatsDto } from '../contract/index.js';
import type { BrokerPort } from './broker-port.js';
import { sameCounters, toStatsDto } from './broker-dto.js';
import type { ContractEmitter } from './events.js';

export interface StatsMonitorOptions {
  intervalMs?: number;
  heartbeatMs?: number;
  burstMs?: number;
}

export function startStatsMonitor(broker: BrokerPort, events: ContractEmitter, options: StatsMonitorOptions = {}): { stop(): void } {
  const intervalMs = options.intervalMs ?? 1000;
  const heartbeatMs = options.heartbeatMs ?? 10_000;
  const burstMs = options.burstMs ?? 200;
  let last: BrokerStatsDto | null = null;
  let lastAt = 0;
  let burst: NodeJS.Timeout | null = null;

  const push = (force: boolean): void => {
    const now = Date.now();
    const stats = toStatsDto(broker.stats());
    if (!force && last && sameCounters(last, stats) && now - lastAt < heartbeatMs) return;
    last = stats;
    lastAt = now;
    events.emit('broker.stats', stats);
  };
  const soon = (): void => {
    if (burst) return;
    burst = setTimeout(() => {
      burst = null;
      push(true);
    }, burstMs);
    burst.unref();
  };

  const ticker = setInterval(() => push(false), intervalMs);
  ticker.unref();
  const offs = [broker.on('client.connected', soon), broker.on('client.disconnected', soon)];
  return {
    stop() {
      clearInterval(ticker);
      if (burst) clearTimeout(burst);
      for (const off of offs) off();
    },
  };
}
