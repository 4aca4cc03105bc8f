/**
 * End to end in Chromium: the Serial view served by `fleetwatch serve`, flashing the simulated ESP8266 on a socat
 * pty pair through the real serialport binding, configuring its Tasmota console, and watching the simulated board
 * connect to the host's own broker. The pty has no DTR/RTS, so the app falls back to manual boot mode exactly as
 * with an ESP-01 adapter; the test plays the user holding BOOT (the board starts in download mode) and pressing
 * RESET afterwards (a power cycle through the simulator's control socket).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startHost, type RunningHost } from '../support/host.js';
import { launchBrowser } from '../support/browser.js';
import { SimBoard } from '../support/esp8266-sim/harness.js';
import { imageOfSize } from '../fixtures/firmware/make-image.js';
import { hostIPv4 } from '../../electron/serial/host-address.js';

const T = { timeout: 60_000 };
let host: RunningHost;
let browser: Browser;
const boards: SimBoard[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  host = await startHost();
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
  await Promise.all(boards.map((b) => b.stop()));
});

async function openSerial(): Promise<Page> {
  const page = await browser.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  await page.goto(`${host.url}#serial`);
  await page.getByRole('heading', { name: 'Flash firmware' }).waitFor(T);
  return page;
}

async function board(opts: Parameters<typeof SimBoard.start>[0]): Promise<SimBoard> {
  const b = await SimBoard.start(opts);
  boards.push(b);
  return b;
}

describe('serial view end to end', { timeout: 120_000 }, () => {
  it('flashes a board, configures Tasmota, and shows it arriving on our broker', async () => {
    const sim = await board({ config: { firmware: 'tasmota', bootMode: 'download' } });
    const page = await openSerial();

    // port: the pty is not a USB device, so the user types its path
    await page.getByTestId('port-path').fill(sim.hostPath);

    // firmware: picked in the page, uploaded to the main process in chunks
    const image = imageOfSize(600_000, 'firmware');
    await page.getByTestId('firmware-file').setInputFiles({ name: 'tasmota.bin', mimeType: 'application/octet-stream', buffer: image });
    await expect.poll(() => page.getByTestId('firmware-image').textContent(), T).toMatch(/ESP8266 image, DOUT, 1\.0 MiB/);
    await page.getByTestId('flash-baud').selectOption('460800');
    await page.getByTestId('flash-start').click();

    // the state machine as rendered: manual boot mode (no DTR/RTS on a pty), writing with bytes and speed, done
    await expect.poll(() => page.getByTestId('flash-log').textContent(), T).toContain('board was not reset — hold BOOT/GPIO0 and press RESET');
    await expect.poll(() => page.getByTestId('flash-progress').getAttribute('data-state'), T).toBe('done');
    const done = await page.getByTestId('flash-done').textContent();
    expect(done).toMatch(/ESP8266EX, MAC 5c:cf:7f:a1:b2:c3, 26 MHz crystal, 1\.0 MiB flash/);
    expect(done).toMatch(/tasmota\.bin at 0x0: verified, MD5 [0-9a-f]{32}/);
    expect(await page.getByTestId('flash-reboot').textContent()).toBe('Press RESET on the board to start the new firmware.');
    expect(sim.readFlash(0, image.length).equals(image)).toBe(true);

    // the user presses RESET (BOOT released): Tasmota boots from the new image
    await sim.power('flash');
    await sim.waitForEvent('firmware', (e) => e.started === true);

    // configuration: the broker host is pre-filled with this PC's address, the port with our broker's
    const prefilled = await page.getByTestId('cfg-host').inputValue();
    expect(prefilled).toBe(hostIPv4() ?? '');
    if (!prefilled) await page.getByTestId('cfg-host').fill('127.0.0.1');
    expect(await page.getByTestId('cfg-port').inputValue()).toBe(String(host.mqttPort));
    await page.getByTestId('cfg-ssid').fill('benchlab');
    await page.getByTestId('cfg-password').fill('sensors-only');
    await page.getByTestId('cfg-topic').fill('bench_plug');
    await page.getByTestId('config-start').click();

    await expect.poll(() => page.getByTestId('config-result').getAttribute('data-ok'), T).toBe('true');
    const checks = await page.getByTestId('config-checks').textContent();
    expect(checks).toMatch(/SSID1benchlabbenchlab✓/);
    expect(checks).toMatch(/Password1••••••••✓/);
    expect(checks).toMatch(new RegExp(`MqttPort${host.mqttPort}${host.mqttPort}✓`));
    expect(checks).not.toContain('sensors-only');
    const transcript = await page.getByTestId('config-transcript').textContent();
    expect(transcript).toContain('Backlog SSID1 benchlab;Password1 ••••;');
    expect(transcript).not.toContain('sensors-only');

    // arrival: the simulated board's CONNECT on the host's broker, its will and first telemetry
    await expect.poll(() => page.getByTestId('arrival').getAttribute('data-status'), T).toBe('arrived');
    const arrival = await page.getByTestId('arrival-text').textContent();
    expect(arrival).toMatch(/DVES_A1B2C3 from/);
    expect(arrival).toMatch(/tele\/bench_plug\/LWT = “Offline” \(QoS 1, retained\)/);
    expect(await page.getByTestId('arrival-telemetry').textContent()).toMatch(/tele\/bench_plug\/STATE \{"Time"/);
    expect(await page.getByTestId('arrival-address').textContent()).toMatch(/^[\d.]+:\d+$/);
    expect(await page.getByTestId('config-device-view').textContent()).toBe('Device: Wi-Fi connected, MQTT connected');
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('shows a refused chip with its code and sentence, and the monitor can use the port right after', async () => {
    const sim = await board({ config: { chip: 'esp32', bootMode: 'download' } });
    const page = await openSerial();
    await page.getByTestId('port-path').fill(sim.hostPath);
    await page.getByTestId('firmware-file').setInputFiles({ name: 'fw.bin', mimeType: 'application/octet-stream', buffer: imageOfSize(20_000) });
    await expect.poll(() => page.getByTestId('firmware-image').textContent(), T).toMatch(/ESP8266 image/);
    await page.getByTestId('flash-start').click();
    await expect.poll(() => page.getByTestId('flash-progress').getAttribute('data-state'), T).toBe('error');
    expect(await page.getByTestId('flash-error').textContent()).toMatch(/^Failed \(wrong-chip\)\. This board is an ESP32 \(chip magic 0x00F01D83\), not an ESP8266/);

    // the port was released: the monitor opens it at once
    await page.getByTestId('monitor-start').click();
    await expect.poll(() => page.getByTestId('monitor-status').textContent(), T).toBe(`${sim.hostPath} at 115200 baud`);
    await page.getByTestId('monitor-stop').click();
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('monitors the firmware log with timestamps, sends a line, and reads the 74880-baud boot log', async () => {
    const sim = await board({ config: { firmware: 'tasmota', bootMode: 'flash' }, prefill: (f) => imageOfSize(10_000).copy(f) });
    const page = await openSerial();
    await page.getByTestId('port-path').fill(sim.hostPath);
    await page.getByTestId('monitor-start').click();
    await expect.poll(() => page.getByTestId('monitor-status').textContent(), T).toBe(`${sim.hostPath} at 115200 baud`);
    await sim.power('flash');
    await expect.poll(() => page.getByTestId('monitor-lines').textContent(), T).toMatch(/\d\d:\d\d:\d\d\.\d{3} 00:00:00\.\d{3} CFG: Loaded from flash/);
    await page.getByTestId('monitor-input').fill('Topic');
    await page.getByTestId('monitor-send').click();
    await expect.poll(() => page.getByTestId('monitor-lines').textContent(), T).toMatch(/→Topic.*RSL: RESULT = \{"Topic":"tasmota_A1B2C3"\}/s);

    // 74880: the ROM banner becomes readable
    await sim.configure({ hostBaud: 74880 });
    await page.getByTestId('monitor-baud').selectOption('74880');
    await page.getByRole('button', { name: 'Apply baud' }).click();
    await expect.poll(() => page.getByTestId('monitor-status').textContent(), T).toBe(`${sim.hostPath} at 74880 baud`);
    await sim.power('flash');
    await expect.poll(() => page.getByTestId('monitor-lines').textContent(), T).toContain('ets Jan  8 2013,rst cause:2, boot mode:(3,6)');
    await page.getByTestId('monitor-stop').click();
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
