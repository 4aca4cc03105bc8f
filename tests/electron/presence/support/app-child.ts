/**
 * The real composition root in a child process, for restart tests that kill it with SIGKILL.
 * argv: <dataDir> <clock offset ms>. The fleet services run on `Date.now() + offset`; stdin
 * commands move the offset (`advance <ms>`) or ask for a device's status (`status <id>`).
 * stdout: one JSON object per line — `ready` (with the MQTT port), every `alert` raised,
 * answers to commands. Logs go to stderr.
 */
import { createInterface } from 'node:readline';
import { createFleetwatchApp } from '../../../../electron/app/create-app.js';

const [dataDir, offsetArg] = process.argv.slice(2);
if (dataDir === undefined) throw new Error('usage: app-child.ts <dataDir> [offset]');
let offset = Number(offsetArg ?? 0);
const send = (o: object): void => void process.stdout.write(`${JSON.stringify(o)}\n`);

const app = await createFleetwatchApp({
  dataDir,
  mqttHost: '127.0.0.1',
  mqttPort: 0,
  notify: () => undefined,
  log: (l) => process.stderr.write(`${l}\n`),
  // saved every 50 ms so a test can wait for the save instead of 10 s
  fleet: { now: () => Date.now() + offset, saveMs: 50 },
});
app.events.on('alerts.raised', (alert) => send({ type: 'alert', alert }));
const port = app.status().listeners.find((l) => l.transport === 'tcp')?.port;
send({ type: 'ready', port });

for await (const line of createInterface({ input: process.stdin })) {
  const [cmd, arg = ''] = line.split(' ');
  if (cmd === 'advance') {
    offset += Number(arg);
    send({ type: 'advanced', offset });
  } else if (cmd === 'status') {
    const snapshot = await app.handlers['fleet.snapshot']({});
    const d = snapshot.devices.find((x) => x.id === arg);
    send({ type: 'status', id: arg, status: d ? `${d.status}/${d.reason}` : 'absent', detail: d?.detail ?? null, intervalSource: d?.intervalSource ?? null });
  }
}
await app.close();
