/**
 * `fleetwatch flash` as a bench script runs it: a child process against the simulated board on a pty. The pty has
 * no DTR/RTS, so the command falls back to manual mode exactly as with an ESP-01 adapter; the simulated board is
 * powered up with BOOT held.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimBoard } from '../support/esp8266-sim/harness.js';
import { imageOfSize, noise } from '../fixtures/firmware/make-image.js';
import { parseFlashArgs } from '../../electron/cli/flash-command.js';

const cli = join(import.meta.dirname, '..', '..', 'electron', 'cli', 'fleetwatch.ts');
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tmp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fw-flash-cli-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function runCli(args: string[]): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', cli, 'flash', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    // a hung command fails the test with its output instead of a bare timeout
    const guard = setTimeout(() => child.kill('SIGKILL'), 80_000);
    child.on('exit', (code) => {
      clearTimeout(guard);
      resolve({ code, stderr, stdout });
    });
  });
}

async function sim(opts: Parameters<typeof SimBoard.start>[0] = {}): Promise<SimBoard> {
  const b = await SimBoard.start(opts);
  cleanups.push(() => b.stop());
  return b;
}

describe('fleetwatch flash (command line)', { timeout: 90_000 }, () => {
  it('flashes two files at 460800 baud, reports progress on stderr and exits 0', async () => {
    const board = await sim();
    const dir = tmp();
    const fw = imageOfSize(120_000, 'firmware');
    const fs = noise(40_000, 3);
    writeFileSync(join(dir, 'tasmota.bin'), fw);
    writeFileSync(join(dir, 'fs.bin'), fs);
    const r = await runCli(['--port', board.hostPath, '--baud', '460800', '--connect-timeout', '10', `${join(dir, 'tasmota.bin')}@0x0`, `${join(dir, 'fs.bin')}@0x80000`]);
    expect(r.stderr).toMatch(/board was not reset — hold BOOT\/GPIO0 and press RESET/);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/switched to 460800 baud/);
    expect(r.stderr).toMatch(/Writing tasmota\.bin: \d+% /);
    expect(r.stderr).toMatch(/tasmota\.bin at 0x00000: verified \(MD5 [0-9a-f]{32}\)/);
    expect(r.stderr).toMatch(/fs\.bin at 0x80000: verified/);
    expect(r.stderr).toMatch(/Press RESET on the board/);
    expect(r.code).toBe(0);
    expect(board.readFlash(0, fw.length).equals(fw)).toBe(true);
    expect(board.readFlash(0x80000, fs.length).equals(fs)).toBe(true);
    expect(r.stdout).toBe('');
  });

  it('erases everything first with --erase and accepts --before no-reset', async () => {
    const board = await sim({ prefill: (f) => f.fill(0x00) });
    const dir = tmp();
    const fw = imageOfSize(10_000);
    writeFileSync(join(dir, 'fw.bin'), fw);
    const r = await runCli(['--port', board.hostPath, '--before', 'no-reset', '--erase', '--connect-timeout', '10', `${join(dir, 'fw.bin')}@0`]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/Erasing the whole flash/);
    const all = board.readFlash();
    expect(all.subarray(0, fw.length).equals(fw)).toBe(true);
    expect(all.subarray(fw.length).every((b) => b === 0xff)).toBe(true);
  });

  it('exits 1 with the reason when the board is not in boot mode', async () => {
    const board = await sim({ config: { bootMode: 'flash' } });
    const dir = tmp();
    writeFileSync(join(dir, 'fw.bin'), imageOfSize(5000));
    const r = await runCli(['--port', board.hostPath, '--connect-timeout', '1.5', `${join(dir, 'fw.bin')}@0x0`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/failed \(no-sync\): No answer from the ESP8266 bootloader — is the board in boot mode\?/);
  });

  it('exits 1 naming the chip when the board is not an ESP8266', async () => {
    const board = await sim({ config: { chip: 'esp32' } });
    const dir = tmp();
    writeFileSync(join(dir, 'fw.bin'), imageOfSize(5000));
    const r = await runCli(['--port', board.hostPath, '--connect-timeout', '10', `${join(dir, 'fw.bin')}@0x0`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/failed \(wrong-chip\): This board is an ESP32/);
  });

  it('exits 1 for a missing file or a port that does not exist, without a stack trace', async () => {
    const dir = tmp();
    const missing = await runCli(['--port', '/dev/null-nothing', `${join(dir, 'nope.bin')}@0x0`]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read .*nope\.bin: no such file/);
    writeFileSync(join(dir, 'fw.bin'), imageOfSize(5000));
    const noPort = await runCli(['--port', join(dir, 'ttyUSB9'), `${join(dir, 'fw.bin')}@0x0`]);
    expect(noPort.code).toBe(1);
    expect(noPort.stderr).toMatch(/failed \(port-open-failed\): .*ttyUSB9 does not exist/);
    expect(noPort.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 with usage for bad arguments', async () => {
    const r = await runCli(['--port', '/dev/ttyUSB0', 'fw.bin']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/give the flash address as FILE@ADDRESS/);
    expect(r.stderr).toMatch(/usage: fleetwatch flash/);
  });
});

describe('flash argument parsing', () => {
  it('reads hex and decimal addresses, --before and --baud', () => {
    const r = parseFlashArgs(['--port', '/dev/ttyUSB0', '--baud', '921600', '--before', 'no-reset', 'a.bin@0x1000', 'b@weird.bin@4096']);
    expect(r).toMatchObject({ ok: true, args: { port: '/dev/ttyUSB0', baud: 921600, before: 'no-reset', files: [{ path: 'a.bin', address: 0x1000 }, { path: 'b@weird.bin', address: 4096 }] } });
  });

  it('rejects a missing port, a bad --before and a bad address', () => {
    expect(parseFlashArgs(['a.bin@0'])).toMatchObject({ ok: false, message: '--port is required' });
    expect(parseFlashArgs(['--port', 'p', '--before', 'sometimes', 'a.bin@0'])).toMatchObject({ ok: false });
    expect(parseFlashArgs(['--port', 'p', 'a.bin@zero'])).toMatchObject({ ok: false });
  });
});
