/**
 * `fleetwatch serve`: the app without Electron. Runs the same main-process services, serves
 * the built renderer to a browser, and prints exactly one line on stdout — the URL to open,
 * with this run's token — once everything listens. Logs go to stderr.
 */

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createFleetwatchApp, DEFAULT_MQTT_HOST, type FleetwatchApp } from '../app/create-app.js';
import { defaultDataDir } from '../app/data-dir.js';
import { DEFAULT_UI_HOST, startHost, type RunningHost } from '../host/host.js';

const usage = `usage: fleetwatch serve [options]

  --host ADDR          address the UI listens on (default ${DEFAULT_UI_HOST}: this machine only)
  --port N             UI port; 0 picks a free one (default 0)
  --mqtt-host ADDR     address the MQTT broker listens on (default ${DEFAULT_MQTT_HOST}: all interfaces)
  --mqtt-port N        MQTT port for devices (default 1883; 0 picks a free one)
  --mqtt-ws-port N     also accept MQTT over WebSocket on this port (default: off)
  --data-dir DIR       where data is kept (default ${defaultDataDir()})
  -h, --help           show this help

Prints the URL to open (it carries a per-run token). Ctrl+C stops.
`;

export const rendererDir = fileURLToPath(new URL('../../renderer/', import.meta.url));

function parsePort(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new UsageError(`--${name} must be a port number from 0 to 65535`);
  return n;
}

class UsageError extends Error {}

interface ServeArgs {
  host: string;
  port: number;
  mqttHost: string;
  mqttPort: number;
  mqttWsPort: number | undefined;
  dataDir: string;
}

export function parseServeArgs(argv: string[]): ServeArgs | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      'mqtt-host': { type: 'string' },
      'mqtt-port': { type: 'string' },
      'mqtt-ws-port': { type: 'string' },
      'data-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const wsPort = values['mqtt-ws-port'];
  return {
    host: values.host ?? DEFAULT_UI_HOST,
    port: parsePort('port', values.port, 0),
    mqttHost: values['mqtt-host'] ?? DEFAULT_MQTT_HOST,
    mqttPort: parsePort('mqtt-port', values['mqtt-port'], 1883),
    mqttWsPort: wsPort === undefined ? undefined : parsePort('mqtt-ws-port', wsPort, 0),
    dataDir: values['data-dir'] ?? defaultDataDir(),
  };
}

export async function run(argv: string[]): Promise<number> {
  let args: ServeArgs | 'help';
  try {
    args = parseServeArgs(argv);
  } catch (err) {
    process.stderr.write(`fleetwatch serve: ${err instanceof Error ? err.message : String(err)}\n\n${usage}`);
    return 2;
  }
  if (args === 'help') {
    process.stdout.write(usage);
    return 0;
  }
  if (!existsSync(`${rendererDir}index.html`)) {
    process.stderr.write(`fleetwatch serve: the UI is not built (${rendererDir}index.html is missing); run 'npm run build'\n`);
    return 1;
  }

  const log = (line: string): void => {
    process.stderr.write(`${line}\n`);
  };

  // Signal handlers go in first: a Ctrl+C during start-up (or right after the URL line) still
  // shuts down cleanly instead of killing the process with files half-written.
  let signalled: NodeJS.Signals | null = null;
  let wake: (() => void) | null = null;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled) {
      log(`fleetwatch: ${signal} again, exiting now`);
      process.exit(1);
    }
    signalled = signal;
    log(`fleetwatch: ${signal}, stopping`);
    wake?.();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let code = 0;
  let app: FleetwatchApp | null = null;
  let host: RunningHost | null = null;
  try {
    app = await createFleetwatchApp({
      dataDir: args.dataDir,
      mqttHost: args.mqttHost,
      mqttPort: args.mqttPort,
      ...(args.mqttWsPort === undefined ? {} : { wsPort: args.mqttWsPort }),
      notify: (n) => log(`fleetwatch: notification: ${n.title}: ${n.body}`),
      log,
    });
    if (!signalled) host = await startUi(app, args);
    if (host && !signalled) {
      log(`fleetwatch: data in ${args.dataDir}`);
      process.stdout.write(`${host.url}\n`);
      await new Promise<void>((resolve) => (wake = resolve));
    }
    if (!host && !signalled) code = 1;
  } catch (err) {
    log(`fleetwatch serve: ${err instanceof Error ? err.message : String(err)}`);
    code = 1;
  } finally {
    try {
      await host?.close();
      await app?.close();
    } catch (err) {
      log(`fleetwatch: error while stopping: ${err instanceof Error ? err.message : String(err)}`);
      code = 1;
    }
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  // Everything is closed; if some handle still holds the event loop, do not hang the terminal.
  setTimeout(() => {
    log('fleetwatch: something kept running after shutdown; exiting');
    process.exit(code);
  }, 5000).unref();
  return code;
}

/** Serves the UI; null (after saying why) when the UI port cannot be used. */
async function startUi(app: FleetwatchApp, args: ServeArgs): Promise<RunningHost | null> {
  try {
    return await startHost({ app, host: args.host, port: args.port, rendererDir, log: (line) => process.stderr.write(`${line}\n`) });
  } catch (err) {
    const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
    const why = code === 'EADDRINUSE' ? `port ${args.port} is already in use (try --port 0)` : err instanceof Error ? err.message : String(err);
    process.stderr.write(`fleetwatch serve: cannot serve the UI on ${args.host}:${args.port}: ${why}\n`);
    return null;
  }
}
