/**
 * The simulator answers with the bytes the real ESP8266 ROM sends (esptool issues #397/#620, serial-protocol.rst),
 * checked here with raw frames — so the flasher tests above run against the ROM's behaviour, not our assumptions.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SimBoard } from '../../support/esp8266-sim/harness.js';
import { PortOwner, type PortLease } from '../../../electron/serial/port-owner.js';
import { EspLink } from '../../../electron/serial/esp-link.js';
import { LoaderCommands } from '../../../electron/serial/loader.js';
import { Op, SYNC_PAYLOAD, encodeRequest, u32s } from '../../../electron/serial/rom-protocol.js';
import { slipEncode } from '../../../electron/serial/slip.js';
import { resetIntoBootloader } from '../../../electron/serial/reset-lines.js';
import { pattern } from './flash-helpers.js';

const boards: SimBoard[] = [];
const owner = new PortOwner();
afterEach(async () => {
  await owner.closeAll();
  await Promise.all(boards.splice(0).map((b) => b.stop()));
});

async function open(opts: Parameters<typeof SimBoard.start>[0] = {}): Promise<{ sim: SimBoard; lease: PortLease; received: () => Buffer }> {
  const sim = await SimBoard.start(opts);
  boards.push(sim);
  const r = await owner.open(sim.hostPath, 115200, 'flash');
  if (!r.ok) throw new Error(r.message);
  const chunks: Buffer[] = [];
  r.link.onData((c) => chunks.push(c));
  // opening a tty flushes its input: power-cycle now so the boot banner (51 bytes) arrives while we listen
  await sim.power();
  await until(() => Buffer.concat(chunks).length >= BANNER_BYTES, 'boot banner');
  return { sim, lease: r.link, received: () => Buffer.concat(chunks) };
}

/** SYNC as the flasher does it: retried, since one 100 ms window can pass while a loaded machine schedules the simulator. */
async function sync(cmds: LoaderCommands): Promise<{ stubRunning: boolean }> {
  for (let i = 0; i < 20; i++) {
    const r = await cmds.sync();
    if (r.ok) return r.value;
  }
  throw new Error('no SYNC reply in 20 attempts');
}

const BANNER_BYTES = '\r\n ets Jan  8 2013,rst cause:2, boot mode:(1,6)\r\n\r\n'.length;

async function until(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('simulated ROM on the wire', () => {
  it('prints the boot banner as noise at 115200 (it is sent at 74880) before anything else', async () => {
    const { sim, lease, received } = await open({ config: { bootMode: 'flash' } });
    const before = received().length;
    await resetIntoBootloader(sim.resetLines(), 50);
    await until(() => received().length >= before + BANNER_BYTES, 'boot text');
    const text = received().subarray(before, before + BANNER_BYTES);
    expect(text.includes(Buffer.from('boot mode'))).toBe(false);
    // the same text arrives readable when the port is set to 74880
    await sim.configure({ hostBaud: 74880 });
    await resetIntoBootloader(sim.resetLines(), 50);
    await until(() => received().includes(Buffer.from('boot mode:(1,6)')), 'readable banner at 74880');
    await lease.close();
  });

  it('answers SYNC with eight copies of 01 08 02 00 07 07 12 20 00 00', async () => {
    const { lease, received } = await open();
    const before = received().length;
    await lease.write(slipEncode(encodeRequest(Op.SYNC, SYNC_PAYLOAD)));
    const frame = 'c0010802000707122000' + '00c0';
    await until(() => received().subarray(before).toString('hex').split(frame).length - 1 === 8, 'eight SYNC replies');
    // (a late banner from the power-up may precede the replies; nothing may follow them)
    expect(received().subarray(before).toString('hex').endsWith(frame.repeat(8))).toBe(true);
  });

  it('answers READ_REG 0x40001000 with 01 0a 02 00 01 c1 f0 ff 00 00', async () => {
    const { lease, received } = await open();
    const before = received().length;
    await lease.write(slipEncode(encodeRequest(Op.READ_REG, u32s(0x40001000))));
    await until(() => received().subarray(before).toString('hex').includes('c0010a02'), 'reply');
    await until(() => received().subarray(before).toString('hex').endsWith('c0010a020001c1f0ff0000c0'), 'the whole reply');
  });

  it('rejects a FLASH_DATA block with a bad checksum with status 01 07, and CHANGE_BAUDRATE as unsupported', async () => {
    const { lease } = await open();
    const esp = new EspLink(lease);
    const cmds = new LoaderCommands(esp);
    await sync(cmds);
    expect((await cmds.flashBegin(0x1000, 1, 0x400, 0, 3000)).ok).toBe(true);
    const block = Buffer.alloc(0x400, 0x5a);
    const r = await esp.command(Op.FLASH_DATA, Buffer.concat([u32s(block.length, 0, 0, 0), block]), { checksum: 0x12, timeoutMs: 3000 });
    expect(r).toMatchObject({ ok: false, error: { kind: 'status', status: { source: 'rom', code: 0x07 } } });
    expect(await cmds.changeBaudRate(460800, 115200)).toMatchObject({ ok: false, error: { kind: 'unsupported' } });
    esp.dispose();
  });

  it('erases twice the asked sectors inside a 64 KB block — a plain erase size destroys what follows the image', async () => {
    const { sim, lease } = await open({ prefill: (f) => pattern(f.length).copy(f) });
    const esp = new EspLink(lease);
    const cmds = new LoaderCommands(esp);
    await sync(cmds);
    // a naive flasher asks for the 4 sectors of its image...
    expect((await cmds.flashBegin(4 * 4096, 16, 0x400, 0, 3000)).ok).toBe(true);
    // ...and the ROM erases 8: the 4 sectors after the image are gone
    expect(sim.readFlash(0, 8 * 4096).every((b) => b === 0xff)).toBe(true);
    expect(sim.readFlash(8 * 4096, 4096).equals(pattern(9 * 4096).subarray(8 * 4096))).toBe(true);
    esp.dispose();
  });

  it('refuses to program over unerased flash with status 01 08 (the ROM reads back and compares)', async () => {
    const { lease } = await open({ prefill: (f) => Buffer.alloc(f.length, 0x00).copy(f) });
    const esp = new EspLink(lease);
    const cmds = new LoaderCommands(esp);
    await sync(cmds);
    expect((await cmds.flashBegin(0, 1, 0x400, 0x10000, 3000)).ok).toBe(true);
    const r = await cmds.flashData(Buffer.alloc(0x400, 0xa5), 0);
    expect(r).toMatchObject({ ok: false, error: { kind: 'status', status: { source: 'rom', code: 0x08 } } });
    esp.dispose();
  });

  it('says OHAI after a MEM_END that starts the stub, then answers SYNC with value 0', async () => {
    const { lease } = await open();
    const esp = new EspLink(lease);
    const cmds = new LoaderCommands(esp);
    expect(await sync(cmds)).toEqual({ stubRunning: false });
    const { loadStub } = await import('../../../electron/serial/stub.js');
    const stub = await loadStub();
    if (!stub.ok) throw new Error(stub.message);
    expect(stub.stub.textStart).toBe(0x4010c500);
    expect((await cmds.runStub(stub.stub)).ok).toBe(true);
    expect(esp.ohaiSeen).toBe(true);
    expect(await sync(cmds)).toEqual({ stubRunning: true });
    esp.dispose();
  });
});
