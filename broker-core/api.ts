/**
 * The public surface of the broker as the host program (our main process) sees it:
 * options, typed events, statistics and the in-process (inline) client.
 * Implemented by broker/broker.ts; re-exported from index.ts.
 */

import type { QoS, Will } from './codec/packets.js';
import type { Persistence, RetainedRecord } from './persistence/persistence.js';

export type DisconnectReason =
  /** the client sent DISCONNECT [MQTT-3.14.4] */
  | 'clean'
  /** nothing received for 1.5 × keepalive [MQTT-3.1.2-24] */
  | 'keepalive-timeout'
  /** the socket errored or closed without DISCONNECT */
  | 'connection-lost'
  /** malformed packet or protocol rule broken */
  | 'protocol-violation'
  /** another connection presented the same client id [MQTT-3.1.4-2] */
  | 'taken-over'
  /** the broker was shut down */
  | 'server-shutdown'
  /** the broker refused the CONNECT (CONNACK code != 0) */
  | 'refused'
  /** the client exceeded a bound (packet size, queue) */
  | 'limit-exceeded'
  /** the broker could not serve the connection (a persistence write failed, an internal error) */
  | 'server-error';

export interface ClientInfo {
  clientId: string;
  /** remote address as "ip:port" ("inline" for the in-process client) */
  address: string;
  transport: 'tcp' | 'ws' | 'inline';
  /** "MQTT 3.1.1" or "MQTT 3.1" */
  protocol: string;
  protocolLevel: number;
  keepalive: number;
  cleanSession: boolean;
  username?: string;
  will?: Will;
  /** ms since epoch */
  connectedAt: number;
}

export interface BrokerEvents {
  'client.connected': (info: ClientInfo & { sessionPresent: boolean }) => void;
  'client.disconnected': (info: ClientInfo & { reason: DisconnectReason; detail?: string; at: number }) => void;
  /** CONNECT refused (bad protocol, bad id, auth) — the client never became connected */
  'client.refused': (info: { address: string; clientId: string; returnCode: number; at: number }) => void;
  'will.published': (info: { clientId: string; will: Will; reason: DisconnectReason; at: number }) => void;
  /** every PUBLISH the broker accepted for routing (from a client, the inline client, or a will) */
  'message.published': (msg: PublishedMessage) => void;
  'subscription.added': (info: { clientId: string; topicFilter: string; qos: QoS }) => void;
  'subscription.removed': (info: { clientId: string; topicFilter: string }) => void;
  /** messages dropped because a bound was hit; never silent */
  'message.dropped': (info: { clientId: string; topicName: string; reason: 'queue-full' | 'too-large' | 'inflight-full' | 'denied'; count: number }) => void;
  /** problems found while loading persisted state (corrupt file moved aside, …) */
  'persistence.problem': (info: { store: string; movedTo?: string; message: string }) => void;
}

export interface PublishedMessage {
  topicName: string;
  payload: Uint8Array;
  qos: QoS;
  retain: boolean;
  /** client id of the publisher ('$inline' for the app, the owner's id for a will) */
  publisherId: string;
  /** true when it was the publisher's will */
  isWill: boolean;
  /** ms since epoch */
  at: number;
}

export interface AuthenticateRequest {
  clientId: string;
  username?: string;
  password?: Uint8Array;
  address: string;
}
/** Return 0 to accept or a CONNACK code (4 bad credentials, 5 not authorized). */
export type AuthenticateHook = (req: AuthenticateRequest) => number | Promise<number>;

export interface BrokerLimits {
  /** largest packet accepted: its remaining length in bytes (the packet minus its 2–5-byte fixed header) */
  maxPacketSize: number;
  /** unacknowledged QoS 1/2 PUBLISHes in flight to one client */
  maxInflight: number;
  /** QoS 1/2 messages queued for one session beyond the inflight window */
  maxQueued: number;
  /** concurrent connections */
  maxConnections: number;
  /** bytes waiting on one client's socket beyond which QoS 0 messages to it are dropped (counted) */
  maxOutgoingBytes: number;
}

export interface BrokerOptions {
  persistence?: Persistence;
  limits?: Partial<BrokerLimits>;
  authenticate?: AuthenticateHook;
  /** $SYS publish interval in seconds, 0 disables (default 10) */
  sysInterval?: number;
  /** clock, for tests */
  now?: () => number;
}

export interface BrokerStats {
  startedAt: number;
  uptimeSeconds: number;
  clientsConnected: number;
  clientsMaximum: number;
  clientsTotal: number;
  messagesReceived: number;
  messagesSent: number;
  publishReceived: number;
  publishSent: number;
  publishDropped: number;
  bytesReceived: number;
  bytesSent: number;
  retainedCount: number;
  subscriptionsCount: number;
  inflightCount: number;
  queuedCount: number;
  /** sockets closed at once because maxConnections was reached */
  connectionsRefused: number;
}

export interface InlineMessage {
  topicName: string;
  payload: Uint8Array;
  qos: QoS;
  retain: boolean;
  publisherId: string;
}

/** Publish and subscribe from inside the process, without a socket. */
export interface InlineClient {
  publish(msg: { topicName: string; payload: Uint8Array | string; qos?: QoS; retain?: boolean }): Promise<void>;
  /** returns an unsubscribe function; delivers retained matches first (retain=true) */
  subscribe(topicFilter: string, onMessage: (msg: InlineMessage) => void, opts?: { qos?: QoS }): Promise<() => void>;
}

export interface ListenOptions {
  /** MQTT over TCP (default port 1883); port 0 picks a free port */
  tcp?: { host?: string; port: number };
  /** MQTT over WebSocket at path /mqtt, subprotocol "mqtt"; port 0 picks a free port */
  ws?: { host?: string; port: number };
}

/** The addresses actually bound. */
export interface ListenResult {
  tcp?: { host: string; port: number };
  ws?: { host: string; port: number };
}

/** A retained message as the management UI sees it (same shape as the persisted record). */
export type RetainedMessageInfo = RetainedRecord;

export interface Broker {
  /** Loads persisted state (once) and starts the listeners asked for. Can be called again to add listeners. */
  listen(opts: ListenOptions): Promise<ListenResult>;
  /** Loads persisted state and starts timers; listen() calls it if needed. */
  start(): Promise<void>;
  /**
   * Stops the listeners, disconnects every client (reason 'server-shutdown'; their wills ARE
   * published, see ARCHITECTURE.md), writes the counters and flushes and closes the persistence.
   */
  close(): Promise<void>;
  stats(): BrokerStats;
  clients(): ClientInfo[];
  retainedCount(): number;
  on<E extends keyof BrokerEvents>(event: E, listener: BrokerEvents[E]): () => void;
  readonly inline: InlineClient;
  /** retained messages (all, or those matching a topic filter), with publisher and store time */
  retained(filter?: string): RetainedMessageInfo[];
  /** deletes one retained message (no delivery to subscribers) */
  clearRetained(topicName: string): Promise<void>;
  /**
   * Puts a cleared retained message back as it was — payload, QoS, publisher AND original store
   * time (an undo). Current subscribers receive it as a normal forward (RETAIN=0); the
   * `message.published` event names the original publisher.
   */
  restoreRetained(record: RetainedMessageInfo): Promise<void>;
}
