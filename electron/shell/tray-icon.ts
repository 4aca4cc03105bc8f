/**
 * Tray icons drawn in code: a filled disc in the broker state's colour on a transparent
 * background. Nothing to ship or look up at run time, and the colour is the status.
 */

import type { BrokerState } from '../contract/index.js';

const colours: Record<BrokerState, [number, number, number]> = {
  running: [31, 157, 85],
  starting: [217, 138, 0],
  stopping: [217, 138, 0],
  stopped: [120, 128, 140],
  failed: [198, 40, 40],
};

/** BGRA pixels (Electron's nativeImage.createFromBitmap order) of a size×size disc. */
export function discBitmap(state: BrokerState, size: number): Buffer {
  const [r, g, b] = colours[state];
  const buf = Buffer.alloc(size * size * 4);
  const c = (size - 1) / 2;
  const radius = size * 0.42;
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      const d = Math.hypot(x - c, y - c);
      // one pixel of soft edge
      const alpha = Math.max(0, Math.min(1, radius - d + 0.5));
      const i = (y * size + x) * 4;
      buf[i] = b;
      buf[i + 1] = g;
      buf[i + 2] = r;
      buf[i + 3] = Math.round(alpha * 255);
    }
  }
  return buf;
}
