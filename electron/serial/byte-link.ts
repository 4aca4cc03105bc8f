/**
 * The byte pipe the loader, the consoles and the monitor talk through. The port owner implements it over
 * `serialport`; tests may implement it over anything. Keeping it this small is what lets the ROM protocol
 * code stay free of serialport's API (and of its per-version quirks).
 */
export interface LinkClosed {
  /** true when the device vanished (cable pulled, USB bridge reset) rather than us closing the port */
  disconnected: boolean;
  message?: string;
}

export interface ByteLink {
  readonly path: string;
  readonly baudRate: number;
  readonly isOpen: boolean;
  write(data: Uint8Array): Promise<void>;
  /** subscribe to incoming bytes; returns the unsubscribe function */
  onData(listener: (chunk: Buffer) => void): () => void;
  onClose(listener: (info: LinkClosed) => void): () => void;
  /** change the host side baud rate in place (serialport `update`, no reopen: reopening can toggle DTR/RTS) */
  setBaudRate(baudRate: number): Promise<void>;
  /** drop bytes the OS has buffered but nobody read yet */
  flushInput(): Promise<void>;
}
