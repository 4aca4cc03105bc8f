/**
 * `fleetwatch flash --port PATH [--baud 115200] [--before default|no-reset] [--erase] FILE@ADDRESS…`
 * Scripted bench flashing with the same flasher the app uses. Progress goes to stderr; the exit code is 0 on
 * success, 1 on any flashing failure (with the reason), 2 on a usage error.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { flash, type FlashFile } from '../serial/flasher.js';
import { PortOwner, type PortLease } from '../serial/port-owner.js';
import { loadStub } from '../serial/stub.js';
import { formatSize } from '../serial/chip.js';
import type { FlashState } from '../serial/flash-state.js';

const USAGE = `usage: fleetwatch flash --port PATH [--baud 115200] [--before default|no-reset] [--erase] FILE@ADDRESS...

  --port PATH            serial port of the board (e.g. /dev/ttyUSB0)
  --baud N               baud rate for the data once the flasher stub runs (115200, 460800, 921600; default 115200)
  --before MODE          default: reset into the bootloader with DTR/RTS; no-reset: the board is already in boot mode
  --after MODE           hard-reset (default): start the new firmware; no-reset: stay in the bootloader
  --erase                erase the whole flash before writing
  --no-stub              ROM loader only (115200, no read-back verification)
  --connect-timeout S    seconds to wait for a board reset by hand (default 20)
  FILE@ADDRESS           firmware file and flash address, e.g. tasmota.bin@0x0
`;

export interface FlashArgs {
  port: string;
  baud: number;
  before: 'default-reset' | 'no-reset';
  after: 'hard-reset' | 'no-reset';
  erase: boolean;
  useStub: boolean;
  connectTimeoutMs: number;
  files: Array<{ path: string; address: number }>;
}

export function parseFlashArgs(argv: string[]): { ok: true; args: FlashArgs } | { ok: false; message: string; help?: boolean } {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        port: { type: 'string' },
        baud: { type: 'string' },
        before: { type: 'string' },
        after: { type: 'string' },
        erase: { type: 'boolean' },
        'no-stub': { type: 'boolean' },
        'connect-timeout': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    return { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
  const v = parsed.values;
  if (v.help) return { ok: false, message: '', help: true };
  if (!v.port) return { ok: false, message: '--port is required' };
  const baud = v.baud === undefined ? 115200 : Number(v.baud);
  if (!Number.isInteger(baud) || baud < 9600 || baud > 4_000_000) return { ok: false, message: `--baud ${v.baud}: not a usable baud rate` };
  const beforeArg = v.before ?? 'default';
  if (!['default', 'default-reset', 'no-reset'].includes(beforeArg)) return { ok: false, message: `--before ${beforeArg}: use default or no-reset` };
  const afterArg = v.after ?? 'hard-reset';
  if (!['hard-reset', 'no-reset'].includes(afterArg)) return { ok: false, message: `--after ${afterArg}: use hard-reset or no-reset` };
  const timeout = v['connect-timeout'] === undefined ? 20 : Number(v['connect-timeout']);
  if (!(timeout > 0)) return { ok: false, message: `--connect-timeout ${v['connect-timeout']}: seconds > 0 expected` };
  if (parsed.positionals.length === 0) return { ok: false, message: 'no FILE@ADDRESS given' };
  const files: FlashArgs['files'] = [];
  for (const p of parsed.positionals) {
    const at = p.lastIndexOf('@');
    if (at <= 0) return { ok: false, message: `${p}: give the flash address as FILE@ADDRESS (e.g. ${p}@0x0)` };
    const addrText = p.slice(at + 1);
    const address = /^0x[0-9a-f]+$/i.test(addrText) ? parseInt(addrText.slice(2), 16) : /^\d+$/.test(addrText) ? Number(addrText) : NaN;
    if (!Number.isSafeInteger(address)) return { ok: false, message: `${p}: "${addrText}" is not an address (use 0x… or decimal)` };
    files.push({ path: p.slice(0, at), address });
  }
  return {
    ok: true,
    args: {
      port: v.port,
      baud,
      before: beforeArg === 'no-reset' ? 'no-reset' : 'default-reset',
      after: afterArg === 'no-reset' ? 'no-reset' : 'hard-reset',
      erase: v.erase === true,
      useStub: v['no-stub'] !== true,
      connectTimeoutMs: timeout * 1000,
      files,
    },
  };
}

const hex = (n: number): string => `0x${n.toString(16).padStart(5, '0')}`;
const kb = (n: number): string => `${(n / 1024).toFixed(1)} KB`;

/** Renders states as progress lines; on a terminal the write progress redraws one line, otherwise every 10 %. */
function progressPrinter(out: NodeJS.WriteStream): (s: FlashState) => void {
  let lastDecile = -1;
  let lastState = '';
  let lastAttempt = -1;
  const tty = out.isTTY === true;
  return (s) => {
    if (s.state !== 'writing' && lastState === 'writing' && tty) out.write('\n');
    switch (s.state) {
      case 'connecting':
        if (s.attempt > 0 && s.attempt !== lastAttempt && (s.attempt === 1 || !s.manual)) out.write(`Connecting${s.manual ? ' (manual mode)' : ''}... ${s.message}\n`);
        lastAttempt = s.attempt;
        break;
      case 'detecting':
        out.write('Detecting chip...\n');
        break;
      case 'erasing':
        if (lastState !== 'erasing') out.write(s.scope === 'all' ? 'Erasing the whole flash...\n' : `Erasing for ${s.file ?? 'the file'}...\n`);
        break;
      case 'writing': {
        const pct = s.total > 0 ? Math.floor((s.written / s.total) * 100) : 0;
        const line = `Writing ${s.file}: ${pct}% (${kb(s.written)} of ${kb(s.total)}, ${kb(s.bytesPerSecond)}/s)`;
        if (tty) out.write(`\r${line}`);
        else if (Math.floor(pct / 10) !== lastDecile) out.write(`${line}\n`);
        lastDecile = Math.floor(pct / 10);
        break;
      }
      case 'verifying':
        out.write(`Verifying ${s.file}...\n`);
        break;
      default:
        break;
    }
    lastState = s.state;
  };
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseFlashArgs(argv);
  if (!parsed.ok) {
    if (parsed.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    process.stderr.write(`fleetwatch flash: ${parsed.message}\n\n${USAGE}`);
    return 2;
  }
  const a = parsed.args;
  const files: FlashFile[] = [];
  for (const f of a.files) {
    try {
      files.push({ name: basename(f.path), address: f.address, data: await readFile(f.path) });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      process.stderr.write(`fleetwatch flash: cannot read ${f.path}: ${code === 'ENOENT' ? 'no such file' : err instanceof Error ? err.message : String(err)}\n`);
      return 1;
    }
  }
  const err = process.stderr;
  const owner = new PortOwner();
  let lease: PortLease | null = null;
  const ac = new AbortController();
  const onSigint = (): void => ac.abort();
  process.once('SIGINT', onSigint);
  err.write(`fleetwatch flash: ${a.port}, ${files.map((f) => `${f.name} (${formatSize(f.data.length)}) at ${hex(f.address)}`).join(', ')}\n`);
  try {
    const result = await flash(
      {
        path: a.port,
        files,
        baudRate: a.baud,
        before: a.before,
        after: a.after,
        eraseAll: a.erase,
        useStub: a.useStub,
        manualWindowMs: a.connectTimeoutMs,
      },
      {
        openLink: async (p, b) => {
          const r = await owner.open(p, b, 'flash');
          if (r.ok) lease = r.link;
          return r;
        },
        // the real DTR/RTS ioctl; on a pty or a bare adapter it fails and the flasher falls back to manual mode
        resetLines: () => ({ set: (lines) => (lease ? lease.resetLines().set(lines) : Promise.resolve({ ok: false, message: 'port not open' })) }),
        loadStub: () => loadStub(),
      },
      { onState: progressPrinter(err), onLog: (l) => err.write(`${l.level === 'warn' ? 'Warning: ' : ''}${l.message}\n`) },
      ac.signal,
    );
    if (result.state === 'error') {
      err.write(`fleetwatch flash: failed (${result.code}): ${result.message}\n`);
      return 1;
    }
    if (result.state !== 'done') return 1;
    const c = result.chip;
    err.write(`Chip ${c.chip}, MAC ${c.mac}, ${c.flashSize ? formatSize(c.flashSize) : 'unknown size'} flash\n`);
    for (const f of result.files) err.write(`${f.name} at ${hex(f.address)}: ${f.verified === 'md5' ? `verified (MD5 ${f.md5})` : 'written (ROM block checks only; no read-back without the stub)'}\n`);
    const st = result.stats;
    err.write(`Done: ${st.payloadBytes} bytes in ${(st.writeMs / 1000).toFixed(1)} s (${kb(st.effectiveBytesPerSecond)}/s effective, line ${Math.round(st.lineUtilisation * 100)}% busy at ${st.baudRate} baud)\n`);
    err.write(result.rebooted ? 'Board reset into the new firmware.\n' : 'Press RESET on the board to start the new firmware.\n');
    return 0;
  } finally {
    process.off('SIGINT', onSigint);
    await owner.closeAll();
  }
}
