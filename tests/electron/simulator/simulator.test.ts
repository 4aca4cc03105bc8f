/**
 * The fleet simulator: its options, and real runs against the real broker — in process (the
 * SimFleet the presence tests use) and as the shipped `fleetwatch simulate` command.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseSimulateArgs } from '../../../electron/simulator/args.js';
import { SimFleet } from '../../../electron/simulator/fleet.js';
import { startRig, until, type Rig } from '../presence/rig.js';
import { repoRoot } from '../../support/host.js';

let rig: Rig | undefined;
let fleet: SimFleet | undefined;
afterEach(async () => {
  await fleet?.stop();
  fleet = undefined;
  await rig?.close();
  rig = undefined;
});

describe('simulate options', () => {
  it('parses the documented options', () => {
    const r = parseSimulateArgs(['--devices', '500', '--flavor', 'tasmota', '--url', 'mqtt://10.0.0.2:1884', '--telemetry', '5', '--deaths', '3', '--duplicates', '1', '--seed', '7']);
    expect(r).toMatchObject({ help: false, fleet: { host: '10.0.0.2', port: 1884, devices: 500, flavor: 'tasmota', telemetryMs: 5000, deaths: 3, duplicates: 1, seed: 7 } });
  });
  it('rejects bad values with a message', () => {
    expect(parseSimulateArgs(['--flavor', 'arduino'])).toMatch(/--flavor must be one of tasmota, esphome, homie, mixed/);
    expect(parseSimulateArgs(['--devices', '0'])).toMatch(/--devices must be a number from 1/);
    expect(parseSimulateArgs(['--devices', '2', '--deaths', '3'])).toMatch(/exceed --devices/);
    expect(parseSimulateArgs(['--url', 'http://x'])).toMatch(/mqtt:\/\//);
    expect(parseSimulateArgs(['--bogus'])).toBe("unknown option '--bogus'");
  });
});

describe('simulated fleet against the real broker', () => {
  it('runs a mixed fleet whose devices the presence service recognises by firmware', async () => {
    rig = await startRig();
    fleet = new SimFleet({ host: '127.0.0.1', port: rig.broker.port, devices: 9, flavor: 'mixed', prefix: 'mx-', telemetryMs: 0 });
    await fleet.start();
    const reg = rig.presence.engine.registry;
    await until(() => fleet!.devices.every((d) => reg.get(d.clientId)?.status.status === 'online'), () => 'all online');
    const conventions = () => new Set(fleet!.devices.map((d) => reg.get(d.clientId)?.convention));
    // Homie 3 and 4 are told apart by $homie, which may arrive just after $state
    await until(() => conventions().size === 5 && conventions(), () => `five conventions (have ${[...conventions()].join(', ')})`);
    expect(conventions()).toEqual(new Set(['tasmota', 'esphome', 'homie3', 'homie4', 'homie5']));
  });

  it('makes duplicate pairs fight over one client id', async () => {
    rig = await startRig();
    fleet = new SimFleet({ host: '127.0.0.1', port: rig.broker.port, devices: 2, flavor: 'esphome', prefix: 'dp-', telemetryMs: 0, duplicates: 1 });
    await fleet.start();
    const victim = fleet.devices[1]!.clientId;
    await until(() => rig!.presence.engine.registry.get(victim)?.flags.has('duplicate-client-id'), () => 'duplicate flag', 30_000);
  });
});

describe('fleetwatch simulate (the shipped command)', () => {
  const cli = join(repoRoot, 'dist/electron/cli/fleetwatch.js');

  it('connects N devices to a broker and stops them cleanly on SIGINT', async () => {
    expect(existsSync(cli), 'run npm run build first').toBe(true);
    rig = await startRig();
    const child = spawn(process.execPath, [cli, 'simulate', '--url', `mqtt://127.0.0.1:${rig.broker.port}`, '--devices', '6', '--flavor', 'tasmota', '--prefix', 'cli-', '--ramp', '0'], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await until(() => out.includes('all 6 devices connected'), () => `the connected line (output: ${out})`);
      const ids = [...rig.presence.engine.registry.devices.values()].filter((d) => d.convention === 'tasmota').map((d) => d.id);
      expect(ids).toHaveLength(6);
      expect(ids.every((id) => rig!.status(id) === 'online/session')).toBe(true);
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      await until(() => ids.every((id) => rig!.status(id) === 'offline/clean-disconnect'), () => 'all cleanly disconnected');
      expect(out).toMatch(/stopped \(6 connects, \d+ messages\)/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('explains bad options and exits 2', async () => {
    const child = spawn(process.execPath, [cli, 'simulate', '--flavor', 'nope'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(2);
    expect(err).toMatch(/--flavor must be one of/);
  });
});
