/** Shared plumbing for flasher tests against the simulated board. */
import { flash, type FlashRequest } from '../../../electron/serial/flasher.js';
import { PortOwner } from '../../../electron/serial/port-owner.js';
import { loadStub } from '../../../electron/serial/stub.js';
import type { FlashLog, FlashState } from '../../../electron/serial/flash-state.js';
import type { ResetLines } from '../../../electron/serial/reset-lines.js';
import type { SimBoard } from '../../support/esp8266-sim/harness.js';

export interface FlashRun {
  result: FlashState;
  states: FlashState[];
  logs: FlashLog[];
}

export async function flashBoard(
  board: SimBoard,
  owner: PortOwner,
  req: Omit<FlashRequest, 'path'>,
  opts: { lines?: ResetLines; signal?: AbortSignal; onState?: (s: FlashState) => void } = {},
): Promise<FlashRun> {
  const states: FlashState[] = [];
  const logs: FlashLog[] = [];
  const result = await flash(
    { path: board.hostPath, connectAttempts: 3, manualWindowMs: 1500, ...req },
    {
      openLink: (p, b) => owner.open(p, b, 'flash'),
      resetLines: () => opts.lines ?? board.resetLines(),
      loadStub: () => loadStub(),
    },
    {
      onState: (s) => {
        states.push(s);
        opts.onState?.(s);
      },
      onLog: (l) => logs.push(l),
    },
    opts.signal,
  );
  return { result, states, logs };
}

/** Reset lines that fail like a pty's (TIOCMSET → "Inappropriate ioctl for device"). */
export const ptyLines: ResetLines = { set: () => Promise.resolve({ ok: false, message: 'Inappropriate ioctl for device' }) };

/** The port can be opened again (nothing kept it): opens and closes a monitor lease. */
export async function canReopen(owner: PortOwner, path: string): Promise<boolean> {
  const r = await owner.open(path, 115200, 'monitor');
  if (!r.ok) return false;
  await r.link.close();
  return owner.holder(path) === null;
}

export function stateNames(states: FlashState[]): string[] {
  const out: string[] = [];
  for (const s of states) if (out[out.length - 1] !== s.state) out.push(s.state);
  return out;
}

/** A recognisable pattern to pre-fill flash with, so a test sees what an erase destroyed. */
export function pattern(length: number): Buffer {
  const b = Buffer.alloc(length);
  for (let i = 0; i < length; i++) b[i] = (i * 7 + 3) & 0x7f;
  return b;
}
