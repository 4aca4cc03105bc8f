/**
 * Live broker state for the Broker view: a snapshot fetched on (re)connect, then kept
 * current by the `broker.status` and `broker.stats` events. The client list is refetched
 * when the connect/disconnect counters move (at most once per stats push).
 */

import type { BrokerClientsDto, BrokerStatsDto, BrokerStatusDto } from '../../../electron/contract/index.js';
import type { Transport } from './transport.js';
import { errorText } from './errors.js';

/** rows shown in the clients table; the total is shown when there are more */
export const CLIENTS_SHOWN = 500;

export class BrokerState {
  status = $state<BrokerStatusDto | null>(null);
  stats = $state<BrokerStatsDto | null>(null);
  clients = $state<BrokerClientsDto | null>(null);
  error = $state<string | null>(null);

  #transport: Transport;
  #clientsKey = '';
  /** only the newest client-list answer is applied, whatever order answers arrive in */
  #clientsRequest = 0;

  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /** starts listening; returns the function that stops it */
  start(): () => void {
    const { client } = this.#transport;
    const offs = [
      client.subscribe('broker.status', (s) => {
        this.status = s;
      }),
      client.subscribe('broker.stats', (s) => this.#onStats(s)),
      this.#transport.watch((t) => {
        if (t.state === 'open') {
          this.#clientsKey = '';
          void this.refresh();
        }
      }),
    ];
    return () => offs.forEach((off) => off());
  }

  async refresh(): Promise<void> {
    const { client } = this.#transport;
    try {
      const [status, stats] = await Promise.all([client.invoke('broker.status', {}), client.invoke('broker.stats', {})]);
      this.status = status;
      this.#onStats(stats);
      this.error = null;
    } catch (err) {
      this.error = errorText(err);
    }
  }

  #onStats(stats: BrokerStatsDto): void {
    this.stats = stats;
    const key = `${stats.clientsConnected}/${stats.clientsTotal}`;
    if (key === this.#clientsKey) return;
    this.#clientsKey = key;
    void this.#loadClients();
  }

  async #loadClients(): Promise<void> {
    const request = ++this.#clientsRequest;
    try {
      const clients = await this.#transport.client.invoke('broker.clients', { limit: CLIENTS_SHOWN });
      if (request === this.#clientsRequest) this.clients = clients;
    } catch (err) {
      this.error = errorText(err);
    }
  }
}
