/**
 * DTR/RTS control behind a seam. On a USB-UART board (NodeMCU, D1 mini) DTR drives GPIO0 and RTS drives EN
 * through two transistors, active-low (esptool boot-mode-selection.rst "Automatic Bootloader"). A pty has no
 * modem lines (TIOCMSET fails with "Inappropriate ioctl"), an ESP-01 adapter has no circuit: then the user
 * resets by hand ("manual mode") and `set` reports why it could not.
 */

export type LineResult = { ok: true } | { ok: false; message: string };

export interface ResetLines {
  /** set both lines in one go (on = asserted = 0 V); never throws */
  set(lines: { dtr: boolean; rts: boolean }): Promise<LineResult>;
}

export const MANUAL_RESET_HINT = 'board was not reset — hold BOOT/GPIO0 and press RESET';

type Sleep = (ms: number) => Promise<void>;
const defaultSleep: Sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * esptool ClassicReset / UnixTightReset (v4.9.0 reset.py): EN low (RTS on, DTR off) for 100 ms, then
 * EN high with GPIO0 low (DTR on, RTS off) for `holdMs` (esptool alternates 50 and 550 ms between attempts),
 * then release DTR. Ends with both lines off, so GPIO0 is never left low (esptool-js 0.7.0 defect 2).
 */
export async function resetIntoBootloader(lines: ResetLines, holdMs = 50, sleep: Sleep = defaultSleep): Promise<LineResult> {
  const first = await lines.set({ dtr: false, rts: true });
  if (!first.ok) return first;
  await sleep(100);
  const second = await lines.set({ dtr: true, rts: false });
  if (!second.ok) return second;
  await sleep(holdMs);
  return lines.set({ dtr: false, rts: false });
}

/** esptool HardReset: RTS on (EN low) for 100 ms with DTR off, then both off → the firmware boots. */
export async function hardReset(lines: ResetLines, sleep: Sleep = defaultSleep): Promise<LineResult> {
  const first = await lines.set({ dtr: false, rts: true });
  if (!first.ok) return first;
  await sleep(100);
  return lines.set({ dtr: false, rts: false });
}
