/**
 * `fleetwatch broker`: the MQTT broker alone, as mosquitto runs. Persistence is on by default
 * (nedb files in the data folder); the addresses actually bound are printed on stdout, one line
 * per listener, once everything listens. SIGINT/SIGTERM stop it cleanly (clients disconnected,
 * persistence flushed) with exit code 0; a second signal exits at once.
 */

import { join } from 'node:path';
import { createBroker, DEFAULT_LIMITS, type BrokerLimits, type Persistence } from '../../broker-core/index.js';
import { defaultDataDir } from '../app/data-dir.js';
import { createNedbPersistence } from '../persistence/nedb-persistence.js';
import { COMMON_OPTIONS, commandLine, errorText, parseOptions, portNumber, stopSignals, wholeNumber } from './cli-common.js';

const usage = `usage: fleetwatch broker [options]

  --host ADDR            address to listen on (default 0.0.0.0: all interfaces)
  --port N               MQTT over TCP port (default 1883; 0 picks a free port)
  --ws-port N            also serve MQTT over WebSocket at ws://ADDR:N/mqtt (default: off; 0 picks a free port)
  --data-dir DIR         where sessions, queued and retained messages are kept
                         (default ${join(defaultDataDir(), 'broker')})
  --no-persistence       keep everything in memory only
  --sys-interval S       seconds between $SYS updates, 0 = off (default 10)
  --max-connections N    default ${DEFAULT_LIMITS.maxConnections}
  --max-packet-size N    bytes, default ${DEFAULT_LIMITS.maxPacketSize}
  --max-inflight N       unacknowledged QoS 1/2 messages per client, default ${DEFAULT_LIMITS.maxInflight}
  --max-queued N         queued QoS 1/2 messages per session, default ${DEFAULT_LIMITS.maxQueued}
  -h, --help             show this help
`;

export interface BrokerArgs {
  host: string;
  port: number;
  wsPort: number | undefined;
  dataDir: string;
  persistence: boolean;
  sysInterval: number;
  limits: Partial<BrokerLimits>;
}

export function parseBrokerArgs(argv: string[]): BrokerArgs | 'help' {
  const values = parseOptions(argv, {
    ...COMMON_OPTIONS,
    'ws-port': { type: 'string' },
    'no-persistence': { type: 'boolean' },
    'sys-interval': { type: 'string' },
    'max-connections': { type: 'string' },
    'max-packet-size': { type: 'string' },
    'max-inflight': { type: 'string' },
    'max-queued': { type: 'string' },
  });
  if (values.help === true) return 'help';
  const limits: Partial<BrokerLimits> = {};
  const maxConnections = wholeNumber('max-connections', values['max-connections'], 1, 10_000_000);
  const maxPacketSize = wholeNumber('max-packet-size', values['max-packet-size'], 64, 268_435_455);
  const maxInflight = wholeNumber('max-inflight', values['max-inflight'], 1, 65_535);
  const maxQueued = wholeNumber('max-queued', values['max-queued'], 1, 100_000_000);
  if (maxConnections !== undefined) limits.maxConnections = maxConnections;
  if (maxPacketSize !== undefined) limits.maxPacketSize = maxPacketSize;
  if (maxInflight !== undefined) limits.maxInflight = maxInflight;
  if (maxQueued !== undefined) limits.maxQueued = maxQueued;
  return {
    host: values.host ?? '0.0.0.0',
    port: portNumber('port', values.port) ?? 1883,
    wsPort: portNumber('ws-port', values['ws-port']),
    dataDir: values['data-dir'] ?? join(defaultDataDir(), 'broker'),
    persistence: values['no-persistence'] !== true,
    sysInterval: wholeNumber('sys-interval', values['sys-interval'], 0, 86_400) ?? 10,
    limits,
  };
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export async function run(argv: string[]): Promise<number> {
  const args = commandLine('broker', usage, parseBrokerArgs, argv);
  if (typeof args === 'number') return args;
  const stop = stopSignals('fleetwatch broker');

  const persistence: Persistence | undefined = args.persistence ? createNedbPersistence({ dir: args.dataDir }) : undefined;
  const broker = createBroker({ persistence, sysInterval: args.sysInterval, limits: args.limits });
  broker.on('persistence.problem', (p) => {
    process.stderr.write(`fleetwatch broker: persistence problem in ${p.store}: ${p.message}${p.movedTo === undefined ? '' : ` (moved to ${p.movedTo})`}\n`);
  });
  try {
    const bound = await broker.listen({
      tcp: { host: args.host, port: args.port },
      ...(args.wsPort === undefined ? {} : { ws: { host: args.host, port: args.wsPort } }),
    });
    const lines: string[] = [];
    if (bound.tcp !== undefined) lines.push(`fleetwatch broker listening on mqtt://${hostForUrl(bound.tcp.host)}:${bound.tcp.port}`);
    if (bound.ws !== undefined) lines.push(`fleetwatch broker listening on ws://${hostForUrl(bound.ws.host)}:${bound.ws.port}/mqtt`);
    process.stdout.write(`${lines.join('\n')}\n`);
    process.stderr.write(args.persistence ? `fleetwatch broker: data in ${args.dataDir}\n` : 'fleetwatch broker: persistence off (state is kept in memory only)\n');
  } catch (err) {
    process.stderr.write(`fleetwatch broker: cannot start: ${errorText(err)}\n`);
    await broker.close().catch(() => undefined);
    stop.dispose();
    return 1;
  }

  await stop.stopped;
  try {
    await broker.close();
  } catch (err) {
    process.stderr.write(`fleetwatch broker: shutdown problem: ${errorText(err)}\n`);
    return 1;
  } finally {
    stop.dispose();
  }
  return 0;
}
