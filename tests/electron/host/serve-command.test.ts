/** `fleetwatch serve` as a process: the URL line, loopback binding, signals, argument errors. */

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cliPath, startHost, type RunningHost } from '../../support/host.js';
import { defaultDataDir } from '../../../electron/app/data-dir.js';
import { parseServeArgs } from '../../../electron/cli/serve-command.js';

const running: RunningHost[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((h) => h.stop('SIGKILL')));
});

async function start(...args: Parameters<typeof startHost>): Promise<RunningHost> {
  const h = await startHost(...args);
  running.push(h);
  return h;
}

describe('fleetwatch serve', { timeout: 120_000 }, () => {
  it('prints exactly one stdout line, the loopback URL with a long random token', async () => {
    const h = await start();
    expect(h.stdout()).toBe(`${h.url}\n`);
    expect(h.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{43}$/);
    expect(h.port).toBeGreaterThan(0);
    const other = await start();
    expect(other.token).not.toBe(h.token);
  });

  it('serves the built renderer at that URL', async () => {
    const h = await start();
    const res = await fetch(h.url);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<div id="app">');
  });

  it('creates the data folder it was given', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'fleetwatch-serve-'));
    try {
      const h = await start({ dataDir: join(parent, 'nested', 'data') });
      expect(existsSync(join(parent, 'nested', 'data'))).toBe(true);
      await h.stop();
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('stops cleanly with exit code 0 on %s', async (signal) => {
    const h = await start();
    running.splice(running.indexOf(h), 1);
    expect(await h.stop(signal)).toBe(0);
    expect(h.stderr()).toContain(`${signal}, stopping`);
    expect(h.stderr()).not.toContain('something kept running');
  });

  it('keeps serving the UI when the MQTT port is taken, and says why', async () => {
    const first = await start();
    const second = await start({ args: ['--mqtt-port', String(first.mqttPort)], expectBroker: false });
    await second.waitForStderr(/broker failed to start: MQTT port \d+ is already in use/);
    expect((await fetch(second.url)).status).toBe(200);
  });

  it('rejects bad arguments with exit code 2 and the usage text', () => {
    for (const args of [['--port', 'eighty'], ['--mqtt-port', '70000'], ['--bogus']]) {
      const r = spawnSync(process.execPath, [cliPath, 'serve', ...args], { encoding: 'utf8' });
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toContain('usage: fleetwatch serve');
      expect(r.stdout).toBe('');
    }
  });

  it('parses its options with loopback UI and all-interfaces MQTT by default', () => {
    expect(parseServeArgs([])).toEqual({ host: '127.0.0.1', port: 0, mqttHost: '0.0.0.0', mqttPort: 1883, mqttWsPort: undefined, dataDir: defaultDataDir() });
    expect(parseServeArgs(['--host', '0.0.0.0', '--port', '8080', '--mqtt-port', '0', '--mqtt-ws-port', '9001', '--data-dir', '/d', '--mqtt-host', '10.0.0.2'])).toEqual({
      host: '0.0.0.0',
      port: 8080,
      mqttHost: '10.0.0.2',
      mqttPort: 0,
      mqttWsPort: 9001,
      dataDir: '/d',
    });
  });

  it('keeps per-user data in the platform folder by default', () => {
    expect(defaultDataDir({ XDG_DATA_HOME: '/x/data' }, 'linux', '/home/u')).toBe('/x/data/fleetwatch');
    expect(defaultDataDir({}, 'linux', '/home/u')).toBe('/home/u/.local/share/fleetwatch');
    expect(defaultDataDir({ XDG_DATA_HOME: 'relative' }, 'linux', '/home/u')).toBe('/home/u/.local/share/fleetwatch');
    expect(defaultDataDir({}, 'darwin', '/Users/u')).toBe('/Users/u/Library/Application Support/Fleetwatch/data');
  });
});
