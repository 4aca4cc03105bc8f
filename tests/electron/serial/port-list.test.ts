import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listPorts, defaultListDeps, type ListDeps } from '../../../electron/serial/port-list.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A sysfs/dev tree as Linux lays it out for a CH340 on USB and a legacy ttyS0. */
function fakeSystem(): { deps: Omit<ListDeps, 'list'>; root: string } {
  const root = mkdtempSync(join(tmpdir(), 'fw-ports-'));
  dirs.push(root);
  const usb = join(root, 'sys/devices/pci0000:00/usb1/1-2');
  const iface = join(usb, '1-2:1.0');
  mkdirSync(join(iface, 'ttyUSB0'), { recursive: true });
  writeFileSync(join(usb, 'idVendor'), '1a86\n');
  writeFileSync(join(usb, 'idProduct'), '7523\n');
  writeFileSync(join(usb, 'product'), 'USB2.0-Serial\n');
  const tty = join(root, 'sys/class/tty');
  mkdirSync(join(tty, 'ttyUSB0'), { recursive: true });
  symlinkSync(join(iface, 'ttyUSB0'), join(tty, 'ttyUSB0', 'device'));
  const platform = join(root, 'sys/devices/platform/serial8250/tty/ttyS0');
  mkdirSync(platform, { recursive: true });
  mkdirSync(join(tty, 'ttyS0'), { recursive: true });
  symlinkSync(platform, join(tty, 'ttyS0', 'device'));
  mkdirSync(join(tty, 'tty1'), { recursive: true });
  const byId = join(root, 'dev/serial/by-id');
  mkdirSync(byId, { recursive: true });
  symlinkSync('../../ttyUSB0', join(byId, 'usb-1a86_USB2.0-Serial-if00-port0'));
  return { deps: { sysClassTty: tty, devDir: join(root, 'dev'), byIdDir: byId }, root };
}

describe('port listing', () => {
  it('shows why the system list failed and falls back to sysfs with USB vendor/product and driver hints', async () => {
    const { deps, root } = fakeSystem();
    const listing = await listPorts({ ...deps, list: () => Promise.reject(new Error('spawn udevadm ENOENT')) });
    expect(listing.error).toMatch(/udevadm is missing here/);
    expect(listing.fallbackUsed).toBe(true);
    expect(listing.ports).toHaveLength(1);
    expect(listing.ports[0]).toMatchObject({
      path: join(root, 'dev/ttyUSB0'),
      vendorId: '1a86',
      productId: '7523',
      product: 'USB2.0-Serial',
      byId: join(root, 'dev/serial/by-id/usb-1a86_USB2.0-Serial-if00-port0'),
      bridge: { name: 'WCH CH340', linuxDriver: 'ch341' },
      source: 'sysfs',
    });
    expect(listing.hints.some((h) => /brltty/.test(h))).toBe(true);
    expect(listing.hints.some((h) => /GPIO0 to GND/.test(h))).toBe(true);
  });

  it('uses serialport when it works, names CP210x bridges and hides bare ttyS ports', async () => {
    const { deps } = fakeSystem();
    const listing = await listPorts({
      ...deps,
      list: () => Promise.resolve([{ path: '/dev/ttyS0' }, { path: '/dev/ttyUSB1', vendorId: '10C4', productId: 'EA60', manufacturer: 'Silicon Labs' }]),
    });
    expect(listing.error).toBeUndefined();
    expect(listing.ports.map((p) => p.path)).toEqual(['/dev/ttyUSB1']);
    expect(listing.ports[0]!.bridge?.name).toBe('Silicon Labs CP210x');
  });

  it('survives a list() that never answers and an empty system, with a hint to type the path', async () => {
    const root = mkdtempSync(join(tmpdir(), 'fw-ports-empty-'));
    dirs.push(root);
    const listing = await listPorts({ sysClassTty: join(root, 'none'), devDir: '/dev', byIdDir: join(root, 'none'), list: () => Promise.reject(new Error('boom')) });
    expect(listing.ports).toEqual([]);
    expect(listing.error).toMatch(/boom/);
    expect(listing.hints[0]).toMatch(/type the port path by hand/);
  });

  it('never rejects with the real serialport and the real /sys of this machine', async () => {
    const listing = await listPorts(defaultListDeps);
    expect(Array.isArray(listing.ports)).toBe(true);
    for (const p of listing.ports) expect(p.path.startsWith('/dev/')).toBe(true);
  });
});
