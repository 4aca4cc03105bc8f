// Runs aedes from npm as its README shows (default in-memory persistence) on 127.0.0.1.
// Usage: node aedes-runner.mjs [port]   (0 or omitted: any free port)
// Prints `aedes listening on mqtt://127.0.0.1:<port>` once it accepts connections.
import { createServer } from 'node:net';
import { Aedes } from 'aedes';

const requested = Number(process.argv[2] ?? 0);
const aedes = await Aedes.createBroker();
const server = createServer(aedes.handle);
server.listen(requested, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : requested;
  process.stdout.write(`aedes listening on mqtt://127.0.0.1:${port}\n`);
});
const shutdown = () => {
  server.close();
  aedes.close(() => process.exit(0));
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
