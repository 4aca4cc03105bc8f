/**
 * Flashing through the simulated ESP8266 on a real pty pair: the code under test opens its end with the real
 * serialport binding; only DTR/RTS go through the fake seam (a pty has no modem lines).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SimBoard } from '../../support/esp8266-sim/harness.js';
import { PortOwner } from '../../../electron/serial/port-owner.js';
import { imageOfSize, md5, noise } from '../../fixtures/firmware/make-image.js';
import { canReopen, flashBoard, pattern, stateNames } from './flash-helpers.js';

const boards: SimBoard[] = [];
const owners: PortOwner[] = [];
async function board(opts: Parameters<typeof SimBoard.start>[0] = {}): Promise<{ board: SimBoard; owner: PortOwner }> {
  const b = await SimBoard.start(opts);
  boards.push(b);
  const owner = new PortOwner();
  owners.push(owner);
  return { board: b, owner };
}
afterEach(async () => {
  await Promise.all(owners.splice(0).map((o) => o.closeAll()));
  await Promise.all(boards.splice(0).map((b) => b.stop()));
});

describe('flashing through the stub', () => {
  it('writes the image byte for byte, verifies it by MD5, leaves the rest of the flash alone and boots the firmware', async () => {
    const { board: sim, owner } = await board({ config: { bootMode: 'flash' }, prefill: (f) => pattern(f.length).copy(f) });
    const image = imageOfSize(200_000, 'firmware');
    const run = await flashBoard(sim, owner, { files: [{ name: 'tasmota.bin', address: 0, data: image }], baudRate: 460800 });
    expect(run.result).toMatchObject({ state: 'done', rebooted: true });
    if (run.result.state !== 'done') return;
    expect(run.result.files[0]).toMatchObject({ verified: 'md5', md5: md5(image) });
    expect(run.result.chip).toMatchObject({ chip: 'ESP8266EX', mac: '5c:cf:7f:a1:b2:c3', flashSize: 1 << 20, crystalMHz: 26 });
    expect(sim.readFlash(0, image.length).equals(image)).toBe(true);
    // the stub erases exactly the sectors the image covers: everything from the next sector on is untouched
    const nextSector = Math.ceil(image.length / 4096) * 4096;
    expect(sim.readFlash(nextSector, (1 << 20) - nextSector).equals(pattern(1 << 20).subarray(nextSector))).toBe(true);
    expect(sim.readFlash(image.length, nextSector - image.length).every((b) => b === 0xff)).toBe(true);
    expect(stateNames(run.states)).toEqual(['idle', 'connecting', 'detecting', 'erasing', 'writing', 'verifying', 'done']);
    const writes = run.states.filter((s) => s.state === 'writing');
    expect(writes.at(-1)).toMatchObject({ written: image.length, total: image.length });
    expect(sim.events.some((e) => e.event === 'baud' && e.baud === 460800)).toBe(true);
    await sim.waitForEvent('firmware', (e) => e.started === true);
    expect(await canReopen(owner, sim.hostPath)).toBe(true);
  });

  it('writes several files at their addresses (FILE@ADDRESS…)', async () => {
    const { board: sim, owner } = await board();
    const image = imageOfSize(50_000);
    const fs = noise(70_000, 99);
    const run = await flashBoard(sim, owner, {
      files: [
        { name: 'fw.bin', address: 0, data: image },
        { name: 'fs.bin', address: 0x80000, data: fs },
      ],
    });
    expect(run.result.state).toBe('done');
    expect(sim.readFlash(0, image.length).equals(image)).toBe(true);
    expect(sim.readFlash(0x80000, fs.length).equals(fs)).toBe(true);
  });

  it('sends incompressible data uncompressed in 16 KB blocks and still verifies it', async () => {
    const { board: sim, owner } = await board();
    const image = imageOfSize(70_000, 'noise');
    const run = await flashBoard(sim, owner, { files: [{ name: 'fw.bin', address: 0, data: image }] });
    expect(run.result.state).toBe('done');
    expect(sim.events.find((e) => e.event === 'flash-begin' && e.size === image.length)).toMatchObject({ compressed: false, blockSize: 0x4000 });
    expect(sim.readFlash(0, image.length).equals(image)).toBe(true);
  });

  it('erases the whole flash first when asked (--erase), through the stub', async () => {
    const { board: sim, owner } = await board({ prefill: (f) => pattern(f.length).copy(f) });
    const image = imageOfSize(30_000);
    const run = await flashBoard(sim, owner, { files: [{ name: 'fw.bin', address: 0, data: image }], eraseAll: true });
    expect(stateNames(run.states)).toContain('erasing');
    expect(run.states.some((s) => s.state === 'erasing' && s.scope === 'all')).toBe(true);
    expect(run.result.state).toBe('done');
    const all = sim.readFlash();
    expect(all.subarray(0, image.length).equals(image)).toBe(true);
    expect(all.subarray(image.length).every((b) => b === 0xff)).toBe(true);
  });
});

describe('flashing through the ROM only (no stub)', () => {
  it('sends the corrected erase size so data after the image survives the ROM erase quirk', async () => {
    const { board: sim, owner } = await board({ prefill: (f) => pattern(f.length).copy(f) });
    const image = imageOfSize(8 * 4096 - 300); // 8 sectors: the ROM can erase exactly these
    const run = await flashBoard(sim, owner, { files: [{ name: 'fw.bin', address: 0, data: image }], useStub: false });
    expect(run.result).toMatchObject({ state: 'done' });
    if (run.result.state !== 'done') return;
    expect(run.result.files[0]!.verified).toBe('rom-block-checks');
    const begin = sim.events.find((e) => e.event === 'flash-begin' && e.mode === 'rom' && e.eraseSize !== 0);
    expect(begin).toMatchObject({ eraseSize: 4 * 4096, erasedFirst: 0, erasedCount: 8 });
    const padded = image.length + ((4 - (image.length % 4)) % 4);
    expect(sim.readFlash(0, image.length).equals(image)).toBe(true);
    // the ROM writes whole 1 KB blocks padded with 0xFF; after that the pattern is intact
    expect(sim.readFlash(8 * 4096, (1 << 20) - 8 * 4096).equals(pattern(1 << 20).subarray(8 * 4096))).toBe(true);
    expect(padded).toBeLessThanOrEqual(8 * 4096);
  });

  it('warns about the one extra sector the ROM erases for an odd sector count, and nothing beyond it is lost', async () => {
    const { board: sim, owner } = await board({ prefill: (f) => pattern(f.length).copy(f) });
    const image = imageOfSize(3 * 4096 - 10);
    const run = await flashBoard(sim, owner, { files: [{ name: 'fw.bin', address: 0, data: image }], useStub: false });
    expect(run.result.state).toBe('done');
    expect(run.logs.some((l) => l.level === 'warn' && /erase quirk also erases 1 sector at 0x3000/.test(l.message))).toBe(true);
    expect(sim.readFlash(0x4000, 0x10000).equals(pattern(1 << 20).subarray(0x4000, 0x14000))).toBe(true);
  });

  it('refuses erase-all without the stub before touching the board', async () => {
    const { board: sim, owner } = await board();
    const run = await flashBoard(sim, owner, { files: [{ name: 'fw.bin', address: 0, data: imageOfSize(5000) }], useStub: false, eraseAll: true });
    expect(run.result).toMatchObject({ state: 'error', code: 'erase-needs-stub' });
    expect(sim.events.some((e) => e.event === 'lines')).toBe(false);
  });
});
