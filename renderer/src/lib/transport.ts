import type { FleetwatchClient } from '../../../electron/contract/index.js';

/** How the page is connected to the main process. Electron's IPC is always `open`. */
export interface TransportStatus {
  state: 'connecting' | 'open' | 'closed';
  /** events the host dropped because this page fell behind (cumulative) */
  shed: number;
  /** why the connection is not open, for the banner */
  detail: string | null;
}

export interface Transport {
  client: FleetwatchClient;
  status(): TransportStatus;
  /** called now and on every change; returns an unsubscribe function */
  watch(listener: (status: TransportStatus) => void): () => void;
}
