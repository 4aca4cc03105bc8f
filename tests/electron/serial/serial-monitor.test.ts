import { afterEach, describe, expect, it } from 'vitest';
import { SimBoard } from '../../support/esp8266-sim/harness.js';
import { PortOwner } from '../../../electron/serial/port-owner.js';
import { SerialMonitor, type MonitorLine } from '../../../electron/serial/serial-monitor.js';
import { buildImage } from '../../fixtures/firmware/make-image.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(maxLines?: number): Promise<{ sim: SimBoard; owner: PortOwner; monitor: SerialMonitor; seen: MonitorLine[] }> {
  const sim = await SimBoard.start({ config: { bootMode: 'flash', firmware: 'tasmota' }, prefill: (f) => buildImage().copy(f) });
  const owner = new PortOwner();
  const monitor = new SerialMonitor(owner, maxLines);
  const seen: MonitorLine[] = [];
  monitor.onLine((l) => seen.push(l));
  cleanups.push(async () => {
    await monitor.stop();
    await owner.closeAll();
    await sim.stop();
  });
  return { sim, owner, monitor, seen };
}

async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('serial monitor', () => {
  it('shows the firmware log with timestamps and sends a line', async () => {
    const { sim, monitor, seen } = await setup();
    expect(await monitor.start(sim.hostPath, 115200)).toEqual({ ok: true });
    await sim.power();
    await until(() => seen.some((l) => l.dir === 'rx' && l.text.includes('HDW: ESP8266EX')), 'Tasmota boot log');
    const before = Date.now();
    expect(await monitor.send('Topic')).toEqual({ ok: true });
    await until(() => seen.some((l) => l.dir === 'rx' && /RSL: RESULT = \{"Topic":"tasmota_A1B2C3"\}/.test(l.text)), 'reply');
    const tx = seen.find((l) => l.dir === 'tx');
    expect(tx).toMatchObject({ text: 'Topic' });
    expect(tx!.at).toBeGreaterThanOrEqual(before);
    expect(seen.map((l) => l.seq)).toEqual([...seen.map((l) => l.seq)].sort((a, b) => a - b));
  });

  it('reads the ROM boot log at 74880 baud, where the 115200 firmware log turns to garbage', async () => {
    const { sim, monitor, seen } = await setup();
    await sim.configure({ hostBaud: 74880 });
    expect(await monitor.start(sim.hostPath, 74880)).toEqual({ ok: true });
    expect(monitor.status()).toMatchObject({ open: true, baudRate: 74880 });
    await sim.power();
    await until(() => seen.some((l) => l.text.includes('ets Jan  8 2013,rst cause:2, boot mode:(3,6)')), 'ROM banner');
    await until(() => seen.filter((l) => l.dir === 'rx').length >= 6, 'firmware output');
    expect(seen.some((l) => l.text.includes('HDW:'))).toBe(false);
  });

  it('keeps a bounded history and counts the lines it shed', async () => {
    const { sim, monitor } = await setup(3);
    await monitor.start(sim.hostPath, 115200);
    await sim.power();
    await until(() => monitor.status().shed >= 2, 'shedding');
    expect(monitor.lines().lines.length).toBe(3);
    expect(monitor.lines().shed).toBe(monitor.status().shed);
  });

  it('holds the port: the flasher gets a clear "busy" answer until the monitor stops', async () => {
    const { sim, owner, monitor } = await setup();
    await monitor.start(sim.hostPath, 115200);
    const busy = await owner.open(sim.hostPath, 115200, 'flash');
    expect(busy).toMatchObject({ ok: false, code: 'port-busy' });
    if (!busy.ok) expect(busy.message).toMatch(/serial monitor is using it/);
    await monitor.stop();
    const free = await owner.open(sim.hostPath, 115200, 'flash');
    expect(free.ok).toBe(true);
    if (free.ok) await free.link.close();
  });

  it('says so when the cable is pulled, and frees the port', async () => {
    const { sim, owner, monitor, seen } = await setup();
    await monitor.start(sim.hostPath, 115200);
    await sim.unplug();
    await until(() => seen.some((l) => l.dir === 'info' && /disconnected \(cable pulled\?\)/.test(l.text)), `disconnect line in ${JSON.stringify(seen.map((l) => l.text))}`);
    expect(monitor.status().open).toBe(false);
    expect(owner.holder(sim.hostPath)).toBeNull();
    expect(await monitor.send('x')).toMatchObject({ ok: false, code: 'not-open' });
  });
});
