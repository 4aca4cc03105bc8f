/**
 * Every failure ends in an error state with a code and a sentence, with the port released: each test opens the
 * port again afterwards.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SimBoard } from '../../support/esp8266-sim/harness.js';
import { PortOwner } from '../../../electron/serial/port-owner.js';
import { buildImage, imageOfSize, noise } from '../../fixtures/firmware/make-image.js';
import { canReopen, flashBoard, pattern, ptyLines } from './flash-helpers.js';

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

describe('flash failures', () => {
  it('says "not in boot mode" when the reset lines do not work and the board keeps running its firmware', async () => {
    const { board: sim, owner } = await board({ config: { bootMode: 'flash' }, prefill: (f) => buildImage().copy(f) });
    await sim.waitForEvent('firmware', (e) => e.started === true);
    const run = await flashBoard(sim, owner, { files: [{ name: 'fw.bin', address: 0, data: imageOfSize(5000) }], manualWindowMs: 1200 }, { lines: ptyLines });
    expect(run.result).toMatchObject({ state: 'error', code: 'no-sync' });
    if (run.result.state !== 'error') return;
    expect(run.result.message).toMatch(/is the board in boot mode\?/);
    expect(run.result.message).toMatch(/running firmware, not the bootloader/);
    expect(run.logs.some((l) => l.level === 'warn' && /board was not reset — hold BOOT\/GPIO0 and press RESET/.test(l.message))).toBe(true);
    expect(run.states.some((s) => s.state === 'connecting' && s.manual)).toBe(true);
    expect(await canReopen(owner, sim.hostPath)).toBe(true);
  });

  it('says no byte came back from a dead board (wrong port, no power, TX/RX swapped)', async () => {
    const { board: sim, owner } = await board({ config: { faults: { dead: true } } });
    const run = await flashBoard(sim, owner, { files: [{ name: 'fw.bin', address: 0, data: imageOfSize(5000) }], connectAttempts: 2 });
    expect(run.result).toMatchObject({ state: 'error', code: 'no-sync' });
    if (run.result.state === 'error') expect(run.result.message).toMatch(/not a single byte came back/);
    expect(await canReopen(owner, sim.hostPath)).toBe(true);
  });

  it('syncs in manual mode once the user puts the board into boot mode by hand', async () => {
    const { board: sim, owner } = await board({ config: { bootMode: 'flash', autoResetCircuit: false } });
    const image = imageOfSize(20_000);
    let waiting!: () => void;
    const manualPrompt = new Promise<void>((r) => (waiting = r));
    const pending = flashBoard(sim, owner, { files: [{ name: 'fw.bin', address: 0, data: image }], before: 'no-reset', manualWindowMs: 15_000 }, {
      lines: ptyLines,
      onState: (s) => {
        if (s.state === 'connecting' && s.manual && s.attempt >= 2) waiting();
      },
    });
    // the user reads the prompt, holds BOOT and presses RESET while the flasher keeps syncing
    await manualPrompt;
    await sim.power('download');
    const run = await pending;
    expect(run.result.state).toBe('done');
    expect(sim.readFlash(0, image.length).equals(image)).toBe(true);
    expect(run.logs.some((l) => /board was not reset \(Inappropriate ioctl for device\) — press RESET/.test(l.message))).toBe(true);
  });

  it('refuses another chip with a clear message (ESP32 answering the ESP8266 magic read)', async () => {
    const { board: sim, owner } = await board({ config: { chip: 'esp32' } });
    const run = await flashBoard(sim, owner, { files: [{ name: 'fw.bin', address: 0, data: imageOfSize(5000) }] });
    expect(run.result).toMatchObject({ state: 'error', code: 'wrong-chip' });
    if (run.result.state === 'error') expect(run.result.message).toMatch(/This board is an ESP32 \(chip magic 0x00F01D83\), not an ESP8266/);
    expect(sim.events.some((e) => e.event === 'flash-begin')).toBe(false);
    expect(await canReopen(owner, sim.hostPath)).toBe(true);
  });

  it('refuses an image larger than the detected flash before erasing anything', async () => {
    const { board: sim, owner } = await board({ config: { flashSize: 512 * 1024 }, prefill: (f) => pattern(f.length).copy(f) });
    const run = await flashBoard(sim, owner, { files: [{ name: 'big.bin', address: 0, data: imageOfSize(600_000) }] });
    expect(run.result).toMatchObject({ state: 'error', code: 'image-too-large' });
    if (run.result.state === 'error') expect(run.result.message).toMatch(/does not fit in the board's 512 KB flash/);
    expect(sim.events.some((e) => e.event === 'flash-begin' || e.event === 'erase-all')).toBe(false);
    expect(sim.readFlash().equals(pattern(512 * 1024))).toBe(true);
    expect(await canReopen(owner, sim.hostPath)).toBe(true);
  });

  it('refuses a corrupt image file without opening the port', async () => {
    const { board: sim, owner } = await board();
    const bad = imageOfSize(5000);
    bad[100] = bad[100]! ^ 0x55;
    const run = await flashBoard(sim, owner, { files: [{ name: 'bad.bin', address: 0, data: bad }] });
    expect(run.result).toMatchObject({ state: 'error', code: 'image-checksum' });
    expect(run.states.some((s) => s.state === 'connecting')).toBe(false);
    expect(sim.events.some((e) => e.event === 'lines')).toBe(false);
  });

  it('retries a block the board rejected with a checksum error and finishes (ROM: error 0x07)', async () => {
    const { board: sim, owner } = await board({ config: { faults: { corruptBlocksOnce: [2] } } });
    const image = imageOfSize(10_000);
    const run = await flashBoard(sim, owner, { files: [{ name: 'fw.bin', address: 0, data: image }], useStub: false });
    expect(run.result.state).toBe('done');
    expect(sim.events.filter((e) => e.event === 'corrupted')).toHaveLength(1);
    expect(sim.readFlash(0, image.length).equals(image)).toBe(true);
  });

  it('gives up with "checksum-rejected" when every attempt of a block is corrupted (stub: error 0xC1)', async () => {
    const { board: sim, owner } = await board({ config: { faults: { corruptAllBlocks: true } } });
    const run = await flashBoard(sim, owner, { files: [{ name: 'fw.bin', address: 0, data: imageOfSize(40_000, 'noise') }] });
    expect(run.result).toMatchObject({ state: 'error', code: 'checksum-rejected' });
    if (run.result.state === 'error') expect(run.result.message).toMatch(/rejected block 0 3 times with a checksum error/);
    expect(sim.events.filter((e) => e.event === 'corrupted')).toHaveLength(3);
    expect(await canReopen(owner, sim.hostPath)).toBe(true);
  });

  it('reports a pulled cable mid-write, releases the port, and flashes fine once plugged in again', async () => {
    const { board: sim, owner } = await board({ config: { faults: { unplugAfterBlocks: 3 } }, autoUnplug: true });
    const image = imageOfSize(30_000);
    const run = await flashBoard(sim, owner, { files: [{ name: 'fw.bin', address: 0, data: image }], useStub: false });
    expect(run.result).toMatchObject({ state: 'error', code: 'disconnected' });
    if (run.result.state === 'error') expect(run.result.message).toMatch(/the serial device disappeared/);
    expect(owner.holder(sim.hostPath)).toBeNull();
    await sim.replug({ faults: {} });
    const again = await flashBoard(sim, owner, { files: [{ name: 'fw.bin', address: 0, data: image }] });
    expect(again.result.state).toBe('done');
    expect(sim.readFlash(0, image.length).equals(image)).toBe(true);
  });

  it('stops when cancelled during the write, releases the port, and the next flash works', async () => {
    const { board: sim, owner } = await board();
    const image = imageOfSize(60_000);
    const ac = new AbortController();
    const run = await flashBoard(sim, owner, { files: [{ name: 'fw.bin', address: 0, data: image }], useStub: false }, {
      signal: ac.signal,
      onState: (s) => {
        if (s.state === 'writing' && s.written >= 4096) ac.abort();
      },
    });
    expect(run.result).toMatchObject({ state: 'error', code: 'cancelled' });
    expect(owner.holder(sim.hostPath)).toBeNull();
    expect(await canReopen(owner, sim.hostPath)).toBe(true);
    const again = await flashBoard(sim, owner, { files: [{ name: 'fw.bin', address: 0, data: buildImage() }, { name: 'data.bin', address: 0x10000, data: noise(5000, 4) }] });
    expect(again.result.state).toBe('done');
  });
});
