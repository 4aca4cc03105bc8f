/**
 * `fleetwatch simulate`: a fleet of simulated Tasmota / ESPHome / Homie devices against any
 * MQTT broker (ours, mosquitto…), for demos and for the tests. Prints a status line every few
 * seconds; Ctrl-C (or --duration) stops every device cleanly.
 */
import { SIMULATE_USAGE, parseSimulateArgs } from '../simulator/args.js';
import { SimFleet } from '../simulator/fleet.js';

const STATUS_EVERY_MS = 5_000;

export async function run(argv: string[]): Promise<number> {
  const parsed = parseSimulateArgs(argv);
  if (typeof parsed === 'string') {
    process.stderr.write(`fleetwatch simulate: ${parsed}\n\n${SIMULATE_USAGE}`);
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(SIMULATE_USAGE);
    return 0;
  }
  const { fleet: options, durationMs } = parsed;
  const fleet = new SimFleet(options);
  const target = `${options.host}:${options.port}`;
  process.stdout.write(`fleetwatch simulate: ${options.devices} ${options.flavor} devices → mqtt://${target}\n`);
  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => (stopping ??= fleet.stop());
  const status = setInterval(() => {
    const s = fleet.stats();
    process.stdout.write(`fleetwatch simulate: ${s.online}/${s.devices} online, ${s.connects} connects, ${s.published} messages\n`);
  }, STATUS_EVERY_MS);
  const done = new Promise<void>((resolve) => {
    const onSignal = () => resolve();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    if (durationMs !== null) setTimeout(resolve, durationMs).unref();
  });
  fleet.start().then(
    () => process.stdout.write(`fleetwatch simulate: all ${options.devices} devices connected\n`),
    () => undefined,
  );
  await done;
  clearInterval(status);
  await stop();
  const s = fleet.stats();
  process.stdout.write(`fleetwatch simulate: stopped (${s.connects} connects, ${s.published} messages)\n`);
  return 0;
}
