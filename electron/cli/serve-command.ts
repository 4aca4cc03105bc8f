/**
 * `fleetwatch serve`: the app without Electron. Runs the same main-process services, serves
 * the built renderer to a browser, and prints exactly one line on stdout — the URL to open,
 * with this run's token — once everything listens. Logs go to stderr.
 */

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createFleetwatchApp, DEFAULT_MQTT_HOST, type FleetwatchApp } from '../app/create-app.js';
import { defaultDataDir } from '../app/data-dir.js';
import { DEFAULT_UI_HOST, startHost, type RunningHost } from '../host/host.js';
import { COMMON_OPTIONS, commandLine, errorText, parseOptions, portNumber, stopSignals } from './cli-common.js';

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

interface ServeArgs {
  host: string;
  port: number;
  mqttHost: string;
  mqttPort: number;
  mqttWsPort: number | undefined;
  dataDir: string;
}

export function parseServeArgs(argv: string[]): ServeArgs | 'help' {
  const values = parseOptions(argv, {
    ...COMMON_OPTIONS,
    'mqtt-host': { type: 'string' },
    'mqtt-port': { type: 'string' },
    'mqtt-ws-port': { type: 'string' },
  });
  if (values.help) return 'help';
  return {
    host: values.host ?? DEFAULT_UI_HOST,
    port: portNumber('port', values.port) ?? 0,
    mqttHost: values['mqtt-host'] ?? DEFAULT_MQTT_HOST,
    mqttPort: portNumber('mqtt-port', values['mqtt-port']) ?? 1883,
    mqttWsPort: portNumber('mqtt-ws-port', values['mqtt-ws-port']),
    dataDir: values['data-dir'] ?? defaultDataDir(),
  };
}

export async function run(argv: string[]): Promise<number> {
  const args = commandLine('serve', usage, parseServeArgs, argv);
  if (typeof args === 'number') return args;
  if (!existsSync(`${rendererDir}index.html`)) {
    process.stderr.write(`fleetwatch serve: the UI is not built (${rendererDir}index.html is missing); run 'npm run build'\n`);
    return 1;
  }

  const log = (line: string): void => {
    process.stderr.write(`${line}\n`);
  };

  // before anything starts: a Ctrl+C during start-up (or right after the URL line) still shuts down cleanly
  const stop = stopSignals('fleetwatch');

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
    if (!stop.signal) host = await startUi(app, args);
    if (host && !stop.signal) {
      log(`fleetwatch: data in ${args.dataDir}`);
      process.stdout.write(`${host.url}\n`);
      await stop.stopped;
    }
    if (!host && !stop.signal) code = 1;
  } catch (err) {
    log(`fleetwatch serve: ${errorText(err)}`);
    code = 1;
  } finally {
    try {
      await host?.close();
      await app?.close();
    } catch (err) {
      log(`fleetwatch: error while stopping: ${errorText(err)}`);
      code = 1;
    }
    stop.dispose();
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
    const why = code === 'EADDRINUSE' ? `port ${args.port} is already in use (try --port 0)` : errorText(err);
    process.stderr.write(`fleetwatch serve: cannot serve the UI on ${args.host}:${args.port}: ${why}\n`);
    return null;
  }
}
