/** `fleetwatch simulate` options: parsed by hand (no dependency), errors as values. */
import type { FleetFlavor, FleetOptions } from './fleet.js';
import { MAX_SIM_DEVICES } from './fleet.js';

export const SIMULATE_USAGE = `usage: fleetwatch simulate [options]

Runs real MQTT clients that behave like ESP8266 firmwares against a broker.

  --url <mqtt://host:port>   broker (default mqtt://127.0.0.1:1883)
  --devices <n>              how many devices (default 10, max ${MAX_SIM_DEVICES})
  --flavor <f>               tasmota | esphome | homie | mixed (default mixed)
  --prefix <text>            prepended to client ids and topics (default none)
  --telemetry <s>            telemetry period in seconds (default 10)
  --keepalive <s>            override the firmwares' keepalive
  --ramp <s>                 spread the initial connects over this many seconds (default 2)
  --sleepers <n>             devices that deep-sleep in cycles (--sleep <s>, --awake <s>)
  --deaths <n>               devices that die suddenly (TCP reset or silent) and come back after --down <s> (0 = never)
  --flappers <n>             devices that drop and reconnect every few seconds in bursts
  --duplicates <n>           pairs of devices sharing one client id
  --duration <s>             stop after this long (default: run until Ctrl-C)
  --seed <n>                 random seed (default 1)
`;

export interface SimulateArgs {
  fleet: FleetOptions;
  durationMs: number | null;
  help: boolean;
}

const FLAVORS: FleetFlavor[] = ['tasmota', 'esphome', 'homie', 'mixed'];

function num(name: string, value: string | undefined, min: number, max: number): number | string {
  if (value === undefined) return `${name} needs a value`;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) return `${name} must be a number from ${min} to ${max}`;
  return n;
}

export function parseSimulateArgs(argv: string[]): SimulateArgs | string {
  const fleet: FleetOptions = { host: '127.0.0.1', port: 1883, devices: 10, flavor: 'mixed', telemetryMs: 10_000, rampMs: 2_000 };
  let durationMs: number | null = null;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string;
    if (flag === '--help' || flag === '-h') return { fleet, durationMs, help: true };
    const value = argv[i + 1];
    i++;
    const n = (min: number, max: number) => num(flag, value, min, max);
    let r: number | string = 0;
    switch (flag) {
      case '--url': {
        let url: URL;
        try {
          url = new URL(value ?? '');
        } catch {
          return `--url must look like mqtt://host:port`;
        }
        if (url.protocol !== 'mqtt:' && url.protocol !== 'tcp:') return '--url must be an mqtt:// address';
        fleet.host = url.hostname;
        fleet.port = url.port === '' ? 1883 : Number(url.port);
        continue;
      }
      case '--flavor':
        if (!FLAVORS.includes(value as FleetFlavor)) return `--flavor must be one of ${FLAVORS.join(', ')}`;
        fleet.flavor = value as FleetFlavor;
        continue;
      case '--prefix':
        if (value === undefined || /[#+/\s]/.test(value)) return '--prefix must be text without / + # or spaces';
        fleet.prefix = value;
        continue;
      case '--devices':
        r = n(1, MAX_SIM_DEVICES);
        if (typeof r === 'number') fleet.devices = Math.floor(r);
        break;
      case '--telemetry':
        r = n(0, 86_400);
        if (typeof r === 'number') fleet.telemetryMs = r * 1000;
        break;
      case '--keepalive':
        r = n(1, 65_535);
        if (typeof r === 'number') fleet.keepalive = Math.floor(r);
        break;
      case '--ramp':
        r = n(0, 3_600);
        if (typeof r === 'number') fleet.rampMs = r * 1000;
        break;
      case '--sleepers':
      case '--deaths':
      case '--flappers':
      case '--duplicates':
        r = n(0, MAX_SIM_DEVICES);
        if (typeof r === 'number') fleet[flag.slice(2) as 'sleepers' | 'deaths' | 'flappers' | 'duplicates'] = Math.floor(r);
        break;
      case '--sleep':
        r = n(1, 86_400);
        if (typeof r === 'number') fleet.sleepMs = r * 1000;
        break;
      case '--awake':
        r = n(1, 86_400);
        if (typeof r === 'number') fleet.awakeMs = r * 1000;
        break;
      case '--down':
        r = n(0, 86_400);
        if (typeof r === 'number') fleet.downMs = r * 1000;
        break;
      case '--duration':
        r = n(1, 31_622_400);
        if (typeof r === 'number') durationMs = r * 1000;
        break;
      case '--seed':
        r = n(0, 2 ** 32 - 1);
        if (typeof r === 'number') fleet.seed = Math.floor(r);
        break;
      default:
        return `unknown option '${flag}'`;
    }
    if (typeof r === 'string') return r;
  }
  const troublemakers = (fleet.sleepers ?? 0) + (fleet.deaths ?? 0) + (fleet.flappers ?? 0) + (fleet.duplicates ?? 0);
  if (troublemakers > fleet.devices) return `--sleepers + --deaths + --flappers + --duplicates (${troublemakers}) exceed --devices (${fleet.devices})`;
  return { fleet, durationMs, help: false };
}
