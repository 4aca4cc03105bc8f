/**
 * The port owner over real ptys (socat): one lease per port, clear open errors, and writes that finish even when a
 * read starts waiting meanwhile (the @serialport/bindings-cpp poller drops the "writable" interest then; see
 * PortLease.rearmPoller).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PortOwner, explainOpenError } from '../../../electron/serial/port-owner.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function kill(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
  return new Promise((r) => {
    p.once('exit', () => r());
    p.kill('SIGKILL');
  });
}

async function ptyPair(): Promise<{ host: string; board: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'fw-pty-'));
  const host = join(dir, 'host');
  const board = join(dir, 'board');
  const socat = spawn('socat', [`pty,raw,echo=0,link=${host}`, `pty,raw,echo=0,link=${board}`], { stdio: 'ignore' });
  cleanups.push(async () => {
    await kill(socat);
    rmSync(dir, { recursive: true, force: true });
  });
  const deadline = Date.now() + 10_000;
  while (!existsSync(host) || !existsSync(board)) {
    if (Date.now() > deadline) throw new Error('socat did not create the pty pair');
    await new Promise((r) => setTimeout(r, 20));
  }
  return { host, board };
}

describe('port owner', () => {
  it('finishes a write that fills the tty while the silent board reads slowly and a read starts meanwhile', async () => {
    // Without the re-arm this hangs in about one run out of three; five runs make a regression very likely to show.
    for (let round = 0; round < 5; round++) {
      const { host, board } = await ptyPair();
      // the board: neither reads nor writes for 300 ms, sends one byte, then reads everything and never answers
      const dev = spawn('sh', ['-c', `exec 3<>${board}; sleep 0.3; printf x >&3; sleep 0.2; cat <&3 > /dev/null`], { stdio: 'ignore' });
      cleanups.push(() => kill(dev));
      const owner = new PortOwner();
      cleanups.push(() => owner.closeAll());
      const r = await owner.open(host, 115200, 'flash');
      if (!r.ok) throw new Error(r.message);
      let received = 0;
      r.link.onData((c) => (received += c.length));
      const outcome = await Promise.race([
        r.link.write(Buffer.alloc(256 * 1024, 0x11)).then(() => 'written'),
        new Promise<string>((resolve) => setTimeout(() => resolve('stuck'), 10_000)),
      ]);
      expect(outcome).toBe('written');
      expect(received).toBe(1);
      await r.link.close();
    }
  });

  it('gives one lease per port, says who holds it, and frees it on close', async () => {
    const { host } = await ptyPair();
    const owner = new PortOwner();
    cleanups.push(() => owner.closeAll());
    const [a, b] = await Promise.all([owner.open(host, 115200, 'monitor'), owner.open(host, 115200, 'flash')]);
    expect([a.ok, b.ok].sort()).toEqual([false, true]);
    const loser = a.ok ? b : a;
    expect(loser).toMatchObject({ ok: false, code: 'port-busy' });
    expect(owner.holder(host)).not.toBeNull();
    const winner = a.ok ? a : b;
    if (winner.ok) await winner.link.close();
    expect(owner.holder(host)).toBeNull();
  });

  it('explains open failures a bench user can act on', async () => {
    const owner = new PortOwner();
    const missing = await owner.open('/dev/ttyUSB-not-there', 115200, 'flash');
    expect(missing).toMatchObject({ ok: false, code: 'port-open-failed', message: '/dev/ttyUSB-not-there does not exist (unplugged, or the USB-serial driver is missing)' });
    expect(explainOpenError('/dev/ttyUSB0', 'Error: Permission denied, cannot open /dev/ttyUSB0')).toMatch(/dialout/);
    expect(explainOpenError('/dev/ttyUSB0', 'Error Resource temporarily unavailable Cannot lock port')).toMatch(/in use by another program/);
  });
});
