import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { missingDisplay } from '../../../electron/shell/display.js';
import { createNotifier } from '../../../electron/shell/notifications.js';
import { statusLabel } from '../../../electron/shell/tray.js';
import { discBitmap } from '../../../electron/shell/tray-icon.js';
import { brokerArgs } from '../../../electron/shell/shell.js';
import { repoRoot } from '../../support/host.js';
import { createElectronDouble } from './electron-double.js';
import { runningStatus, someStats } from '../bridge/fixtures.js';

describe('npm start on a machine without a display', { timeout: 120_000 }, () => {
  it('the preflight exits 1 and points to npm run serve', () => {
    const env = { ...process.env };
    delete env['DISPLAY'];
    delete env['WAYLAND_DISPLAY'];
    const r = spawnSync(process.execPath, [join(repoRoot, 'dist/electron/shell/preflight.js')], { env, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('no display found');
    expect(r.stderr).toContain('npm run serve');
  });

  it('the preflight passes with an X11 or Wayland display, and always on Windows and macOS', () => {
    const r = spawnSync(process.execPath, [join(repoRoot, 'dist/electron/shell/preflight.js')], { env: { ...process.env, DISPLAY: ':99' }, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(missingDisplay({ WAYLAND_DISPLAY: 'wayland-0' }, 'linux')).toBeNull();
    expect(missingDisplay({}, 'win32')).toBeNull();
    expect(missingDisplay({}, 'darwin')).toBeNull();
    expect(missingDisplay({}, 'freebsd')).toContain('npm run serve');
  });

  it('npm start runs the preflight before downloading or launching Electron', async () => {
    const pkg = (await import('../../../package.json', { with: { type: 'json' } })).default as { scripts: Record<string, string> };
    const start = pkg.scripts['start']!;
    expect(start.indexOf('preflight.js')).toBeGreaterThan(-1);
    expect(start.indexOf('preflight.js')).toBeLessThan(start.indexOf('install-electron'));
    expect(start.indexOf('install-electron')).toBeLessThan(start.indexOf('electron .'));
  });
});

describe('tray status', () => {
  it('says where the broker runs and how many clients it has', () => {
    expect(statusLabel(runningStatus, null)).toBe('Broker running on port 1883');
    expect(statusLabel(runningStatus, someStats)).toBe('Broker running on port 1883, 2 clients');
    expect(statusLabel(runningStatus, { ...someStats, clientsConnected: 1 })).toBe('Broker running on port 1883, 1 client');
    expect(statusLabel({ ...runningStatus, state: 'failed', listeners: [], error: 'MQTT port 1883 is already in use' }, null)).toBe(
      'Broker stopped: MQTT port 1883 is already in use',
    );
  });

  it('draws the icon as an opaque disc in the state colour on a transparent background', () => {
    const size = 16;
    const px = (buf: Buffer, x: number, y: number) => [...buf.subarray((y * size + x) * 4, (y * size + x) * 4 + 4)];
    const running = discBitmap('running', size);
    const failed = discBitmap('failed', size);
    expect(running).toHaveLength(size * size * 4);
    expect(px(running, 0, 0)[3]).toBe(0);
    expect(px(running, 8, 8)).toEqual([85, 157, 31, 255]);
    expect(px(failed, 8, 8)).toEqual([40, 40, 198, 255]);
  });
});

describe('notification helper', () => {
  it('shows a desktop notification where supported and logs it elsewhere', () => {
    const e = createElectronDouble('/unused');
    const logs: string[] = [];
    let clicked = 0;
    const notify = createNotifier(e.api, { log: (l) => logs.push(l), onClick: () => (clicked += 1) });
    notify({ title: 'sensor-3 offline', body: 'no message for 5 min' });
    expect(e.notifications).toEqual([{ title: 'sensor-3 offline', body: 'no message for 5 min' }]);
    e.Notification.supported = false;
    notify({ title: 'sensor-4 offline', body: 'will published' });
    expect(e.notifications).toHaveLength(1);
    expect(logs).toEqual(['fleetwatch: notification (not supported here): sensor-4 offline: will published']);
    expect(clicked).toBe(0);
  });
});

describe('Electron command-line options', () => {
  it('reads --mqtt-port/--mqtt-host/--mqtt-ws-port among Electron switches, defaulting to 1883', () => {
    expect(brokerArgs(['/usr/bin/electron', '.', '--no-sandbox'])).toEqual({ mqttPort: 1883 });
    expect(brokerArgs(['x', '--mqtt-port=1884', '--mqtt-host=127.0.0.1', '--mqtt-ws-port=9001'])).toEqual({ mqttPort: 1884, mqttHost: '127.0.0.1', wsPort: 9001 });
    expect(brokerArgs(['x', '--mqtt-port=99999'])).toEqual({ mqttPort: 1883 });
  });
});
