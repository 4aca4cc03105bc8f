/**
 * What a connection needs from its transport (TCP socket or WebSocket): bytes out, flow control,
 * closing. Transports (broker-core/transport/) adapt their sockets to this and call the
 * connection's onData / onDrain / onClose; nothing else in broker-core touches a socket.
 */
export interface Wire {
  readonly transport: 'tcp' | 'ws';
  /** "ip:port" of the peer */
  readonly remoteAddress: string;
  /** bytes accepted by write() and not yet handed to the operating system */
  readonly writableLength: number;
  write(data: Buffer): void;
  /** write several buffers as one batch (one system call where the transport can) */
  writev(data: Buffer[]): void;
  /** stop / restart reading (backpressure) */
  pause(): void;
  resume(): void;
  /** send what is buffered, then close */
  end(): void;
  /** close at once, discarding unsent bytes */
  destroy(): void;
}

/** The callbacks a transport drives. */
export interface WireListener {
  onData(chunk: Buffer): void;
  onDrain(): void;
  /** the transport saw something MQTT forbids at its level (e.g. a WebSocket text frame) */
  onViolation(detail: string): void;
  /** the transport closed (peer closed, error, or after end/destroy); error when it failed */
  onClose(error?: Error): void;
}
