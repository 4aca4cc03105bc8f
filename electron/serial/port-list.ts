/**
 * Listing serial ports without ever throwing. `SerialPort.list()` spawns `udevadm` on Linux and rejects where it
 * is missing (containers, minimal images; serialport issues #650, #1944, #2185): the reason is shown and the list
 * is rebuilt from sysfs (`/sys/class/tty/<name>/device`, VID/PID from the USB parent) and `/dev/serial/by-id`.
 */
import { readdir, readFile, readlink, realpath } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { bridgeFor, BOOT_MODE_HINT, type BridgeInfo } from './usb-ids.js';

export interface PortInfo {
  path: string;
  /** stable name under /dev/serial/by-id, if the system provides one */
  byId?: string;
  vendorId?: string;
  productId?: string;
  manufacturer?: string;
  product?: string;
  serialNumber?: string;
  bridge?: BridgeInfo;
  source: 'serialport' | 'sysfs';
}

export interface PortListing {
  ports: PortInfo[];
  /** why the normal listing failed (the fallback list may still hold ports) */
  error?: string;
  fallbackUsed: boolean;
  hints: string[];
}

/** What serialport's list() returns (its PortInfo), kept structural so tests can inject failures. */
export interface RawPortInfo {
  path: string;
  manufacturer?: string | undefined;
  serialNumber?: string | undefined;
  vendorId?: string | undefined;
  productId?: string | undefined;
}

export interface ListDeps {
  list: () => Promise<RawPortInfo[]>;
  sysClassTty: string;
  devDir: string;
  byIdDir: string;
}

async function defaultList(): Promise<RawPortInfo[]> {
  const { SerialPort } = await import('serialport');
  return SerialPort.list();
}

export const defaultListDeps: ListDeps = { list: defaultList, sysClassTty: '/sys/class/tty', devDir: '/dev', byIdDir: '/dev/serial/by-id' };

const LIST_TIMEOUT_MS = 5000;

export async function listPorts(deps: ListDeps = defaultListDeps): Promise<PortListing> {
  const byId = await readById(deps);
  let ports: PortInfo[] | null = null;
  let error: string | undefined;
  try {
    const raw = await withTimeout(deps.list(), LIST_TIMEOUT_MS);
    ports = raw.filter(isUseful).map((p) => decorate({ ...clean(p), source: 'serialport' as const }, byId));
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    error = /udevadm/.test(msg)
      ? `the system port list is unavailable (${msg}: udevadm is missing here); showing ports found in /sys instead`
      : `the system port list failed (${msg}); showing ports found in /sys instead`;
  }
  let fallbackUsed = false;
  if (ports === null) {
    fallbackUsed = true;
    ports = (await fromSysfs(deps)).map((p) => decorate(p, byId));
  }
  ports.sort((a, b) => rank(a) - rank(b) || a.path.localeCompare(b.path));
  const hints: string[] = [];
  for (const p of ports) if (p.bridge && !hints.includes(p.bridge.hint)) hints.push(p.bridge.hint);
  if (ports.length === 0) hints.push('No serial port found: check the cable (charge-only cables have no data lines) and the USB-serial driver, or type the port path by hand.');
  hints.push(BOOT_MODE_HINT);
  return { ports, ...(error ? { error } : {}), fallbackUsed, hints };
}

function clean(p: RawPortInfo): Omit<PortInfo, 'source'> {
  const out: Omit<PortInfo, 'source'> = { path: p.path };
  if (p.manufacturer) out.manufacturer = p.manufacturer;
  if (p.serialNumber) out.serialNumber = p.serialNumber;
  if (p.vendorId) out.vendorId = p.vendorId.toLowerCase();
  if (p.productId) out.productId = p.productId.toLowerCase();
  return out;
}

/** Legacy on-board ttyS* ports without a USB parent are noise on a bench PC; keep them only if they look real. */
function isUseful(p: RawPortInfo): boolean {
  return !/\/ttyS\d+$/.test(p.path) || p.vendorId !== undefined;
}

function rank(p: PortInfo): number {
  if (p.bridge) return 0;
  if (p.vendorId) return 1;
  return 2;
}

function decorate(p: PortInfo, byId: Map<string, string>): PortInfo {
  const alias = byId.get(p.path);
  if (alias) p.byId = alias;
  const bridge = bridgeFor(p.vendorId, p.productId);
  if (bridge) p.bridge = bridge;
  return p;
}

async function readById(deps: ListDeps): Promise<Map<string, string>> {
  const map = new Map<string, string>();
  let names: string[];
  try {
    names = await readdir(deps.byIdDir);
  } catch {
    return map;
  }
  for (const name of names) {
    const link = join(deps.byIdDir, name);
    try {
      const target = resolve(deps.byIdDir, await readlink(link));
      map.set(join(deps.devDir, basename(target)), link);
    } catch {
      // a dangling link: the device went away between readdir and readlink
    }
  }
  return map;
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return (await readFile(path, 'utf8')).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** USB parent of a tty: walk up from the device directory to the one holding idVendor/idProduct. */
async function usbParent(deviceDir: string): Promise<string | null> {
  let dir = deviceDir;
  for (let i = 0; i < 6; i++) {
    if ((await readText(join(dir, 'idVendor'))) !== undefined) return dir;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return null;
}

async function fromSysfs(deps: ListDeps): Promise<PortInfo[]> {
  let names: string[];
  try {
    names = await readdir(deps.sysClassTty);
  } catch {
    return [];
  }
  const out: PortInfo[] = [];
  for (const name of names) {
    let device: string;
    try {
      device = await realpath(join(deps.sysClassTty, name, 'device'));
    } catch {
      continue; // virtual terminals, ptys: no device link
    }
    const usb = await usbParent(device);
    if (!usb && /^ttyS\d+$/.test(name)) continue;
    const p: PortInfo = { path: join(deps.devDir, name), source: 'sysfs' };
    if (usb) {
      const vid = await readText(join(usb, 'idVendor'));
      const pid = await readText(join(usb, 'idProduct'));
      const manufacturer = await readText(join(usb, 'manufacturer'));
      const product = await readText(join(usb, 'product'));
      const serial = await readText(join(usb, 'serial'));
      if (vid) p.vendorId = vid.toLowerCase();
      if (pid) p.productId = pid.toLowerCase();
      if (manufacturer) p.manufacturer = manufacturer;
      if (product) p.product = product;
      if (serial) p.serialNumber = serial;
    }
    out.push(p);
  }
  return out;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolveP, reject) => {
    const t = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolveP(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
