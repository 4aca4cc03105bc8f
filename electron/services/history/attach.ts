/**
 * Wires the history service to a running broker: `message.published` feeds the recorder,
 * `client.connected/disconnected` the offline periods; timers flush to disk, apply retention
 * and send `charts.live` batches. The composition root calls this once.
 */

import type { BrokerEvents } from '../../../broker-core/index.js';
import type { ChartsLiveDto } from '../../contract/charts.js';
import { HistoryService, type HistoryServiceOptions } from './history-service.js';
import { followPresence, type PresenceSource } from './presence-feed.js';

/** The part of broker-core's Broker the recorder uses. */
export interface HistoryBrokerSource {
  on<E extends keyof BrokerEvents>(event: E, listener: BrokerEvents[E]): () => void;
}

export interface AttachedHistory {
  service: HistoryService;
  /** refine periods with the presence service (sleep vs. offline); returns a detach function */
  followPresence(source: PresenceSource): () => void;
  /** stops timers, writes everything, closes the files */
  close(): Promise<void>;
}

export async function attachHistory(
  broker: HistoryBrokerSource,
  emitLive: (live: ChartsLiveDto) => void,
  options: HistoryServiceOptions,
): Promise<AttachedHistory> {
  const service = await HistoryService.open(options);
  const offs = [
    broker.on('message.published', (msg) => service.ingest(msg)),
    broker.on('client.connected', (info) => service.clientConnected(info.clientId, info.connectedAt)),
    broker.on('client.disconnected', (info) => service.clientDisconnected(info.clientId, info.reason, info.at)),
  ];
  const every = (ms: number, fn: () => void): NodeJS.Timeout => {
    const t = setInterval(fn, ms);
    t.unref();
    return t;
  };
  // Failures are counted and reported by the service's queue; a timer never throws.
  const timers = [
    every(service.limits.flushIntervalMs, () => void service.flush().catch(() => undefined)),
    every(service.limits.pruneIntervalMs, () => void service.prune().catch(() => undefined)),
    every(service.limits.liveIntervalMs, () => {
      const live = service.takeLive();
      if (live) emitLive(live);
    }),
  ];
  void service.prune().catch(() => undefined);
  let closed = false;
  return {
    service,
    followPresence: (source) => {
      const off = followPresence(source, service);
      offs.push(off);
      return off;
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const t of timers) clearInterval(t);
      for (const off of offs) off();
      await service.close();
    },
  };
}
