/**
 * `npm start` runs this under plain Node before downloading and launching Electron, so a
 * machine without a display gets a clear pointer to `npm run serve` instead of an obscure
 * Electron/X11 error.
 */

import { missingDisplay } from './display.js';

const problem = missingDisplay(process.env, process.platform);
if (problem) {
  process.stderr.write(`${problem}\n`);
  process.exitCode = 1;
}
