/**
 * Simulator process: `node --import tsx main.ts --port <pty> --control <unix socket> --flash <file> --config <json file>`.
 * It opens its end of the socat pty pair with the real serialport binding and serves a JSON-lines control socket
 * (DTR/RTS changes, configuration, power cycling, status) that plays the part of the USB bridge's wires.
 * Prints "READY" on stdout once both are up.
 */
import { createServer, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SerialPort } from 'serialport';
import { defaultConfig, type SimConfig } from './config.js';
import { SimDevice } from './device.js';

const { values } = parseArgs({
  options: { port: { type: 'string' }, control: { type: 'string' }, flash: { type: 'string' }, config: { type: 'string' }, 'power-on': { type: 'boolean' } },
});
if (!values.port || !values.control || !values.flash) {
  process.stderr.write('usage: main.ts --port PTY --control SOCKET --flash FILE [--config JSON_FILE]\n');
  process.exit(2);
}
const config: SimConfig = { ...defaultConfig(), ...(values.config ? (JSON.parse(readFileSync(values.config, 'utf8')) as Partial<SimConfig>) : {}) };

const clients = new Set<Socket>();
function broadcast(msg: Record<string, unknown>): void {
  const line = `${JSON.stringify(msg)}\n`;
  for (const c of clients) c.write(line);
}

const port = new SerialPort({ path: values.port, baudRate: 115200, autoOpen: false });
const device = new SimDevice(config, values.flash, {
  write: (b) => {
    if (port.isOpen) port.write(b);
  },
  event: (name, data) => broadcast({ event: name, ...(data ?? {}) }),
  unplug: () => broadcast({ event: 'unplug-request' }),
});

port.on('data', (chunk: Buffer) => device.receive(chunk));
port.on('close', () => broadcast({ event: 'port-closed' }));
port.on('error', (err) => broadcast({ event: 'port-error', message: err.message }));

function handle(socket: Socket, msg: Record<string, unknown>): void {
  const id = msg.id;
  const reply = (data: Record<string, unknown>): void => void socket.write(`${JSON.stringify({ id, ...data })}\n`);
  switch (msg.type) {
    case 'lines':
      device.setLines(msg.dtr === true, msg.rts === true);
      return reply({ ok: true });
    case 'configure': {
      const patch = (msg.patch ?? {}) as Partial<SimConfig>;
      Object.assign(config, patch);
      return reply({ ok: true });
    }
    case 'power':
      if (msg.bootMode === 'download' || msg.bootMode === 'flash') config.bootMode = msg.bootMode;
      device.powerOn();
      return reply({ ok: true });
    case 'status':
      return reply({ ok: true, status: device.status() });
    default:
      return reply({ ok: false, error: `unknown request ${String(msg.type)}` });
  }
}

let powered = false;
const server = createServer((socket) => {
  clients.add(socket);
  // power on once the harness listens, so it sees the boot events too
  if (!powered) {
    powered = true;
    setImmediate(() => device.powerOn());
  }
  let buf = '';
  socket.on('data', (d) => {
    buf += d.toString('utf8');
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      try {
        handle(socket, JSON.parse(line) as Record<string, unknown>);
      } catch (err) {
        socket.write(`${JSON.stringify({ ok: false, error: String(err) })}\n`);
      }
    }
  });
  socket.on('close', () => clients.delete(socket));
  socket.on('error', () => clients.delete(socket));
});

function shutdown(): void {
  device.close();
  server.close();
  for (const c of clients) c.destroy();
  if (port.isOpen) port.close(() => process.exit(0));
  else process.exit(0);
  setTimeout(() => process.exit(0), 500).unref();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);

port.open((err) => {
  if (err) {
    process.stderr.write(`cannot open ${values.port}: ${err.message}\n`);
    process.exit(1);
  }
  server.listen(values.control, () => {
    if (values['power-on'] && !powered) {
      powered = true;
      device.powerOn();
    }
    process.stdout.write('READY\n');
  });
});
