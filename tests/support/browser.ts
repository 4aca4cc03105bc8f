/**
 * Chromium for browser tests: Debian's /usr/bin/chromium driven by playwright-core (no
 * browser is ever downloaded). A missing Chromium is an error, never a skip.
 *
 *   const browser = await launchBrowser();
 *   const page = await browser.newPage();
 *   ...
 *   await browser.close();
 */

import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const chromiumPath = process.env['FLEETWATCH_CHROMIUM'] ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(`Chromium not found at ${chromiumPath}: apt-get install chromium (or set FLEETWATCH_CHROMIUM)`);
  }
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
