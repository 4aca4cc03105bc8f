/**
 * The serial service as the handlers use it: upload in chunks, flash job with events, configuration job with the
 * arrival watch on the real broker — the whole bench flow without a browser.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SimBoard } from '../../support/esp8266-sim/harness.js';
import { startTestBroker } from '../../support/broker.js';
import { SerialService, SerialRejection } from '../../../electron/serial/serial-service.js';
import { StoreRejection, UPLOAD_CHUNK_BYTES } from '../../../electron/serial/firmware-store.js';
import { imageOfSize } from '../../fixtures/firmware/make-image.js';
import { serialValidators } from '../../../electron/bridge/validators/serial.js';
import type { ArrivalDto, ConfigJobDto, FlashJobDto, MonitorLineDto } from '../../../electron/contract/index.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Recorded {
  flash: FlashJobDto[];
  config: ConfigJobDto[];
  arrival: ArrivalDto[];
  monitor: MonitorLineDto[];
}

async function setup(opts: { sim?: Parameters<typeof SimBoard.start>[0]; broker?: boolean } = {}): Promise<{ service: SerialService; sim: SimBoard; rec: Recorded; mqttPort: number | null }> {
  const broker = opts.broker === false ? null : await startTestBroker();
  const sim = await SimBoard.start(opts.sim ?? {});
  const rec: Recorded = { flash: [], config: [], arrival: [], monitor: [] };
  const service = new SerialService({
    broker: broker?.broker ?? null,
    mqttPort: () => broker?.port ?? null,
    emit: {
      flash: (j) => rec.flash.push(j),
      config: (j) => rec.config.push(j),
      arrival: (a) => rec.arrival.push(a),
      monitor: (b) => rec.monitor.push(...b.lines),
    },
    // the simulated board's DTR/RTS wires (a pty has none)
    resetLines: () => sim.resetLines(),
    hostAddress: () => '192.0.2.10',
    manualWindowMs: 3000,
  });
  cleanups.push(async () => {
    await service.close();
    await sim.stop();
    await broker?.close();
  });
  return { service, sim, rec, mqttPort: broker?.port ?? null };
}

async function until<T>(get: () => T | undefined, what: string | (() => string), ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out: ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function upload(service: SerialService, name: string, data: Buffer): string {
  let fileId: string | undefined;
  for (let offset = 0; offset < data.length; offset += UPLOAD_CHUNK_BYTES) {
    const chunk = data.subarray(offset, offset + UPLOAD_CHUNK_BYTES);
    const r = service.firmware.upload({ ...(fileId ? { fileId } : {}), name, size: data.length, offset, dataBase64: chunk.toString('base64') });
    fileId = r.fileId;
    if (offset + chunk.length === data.length) expect(r).toMatchObject({ complete: true, problem: null, image: { kind: 'esp8266-v1' } });
  }
  return fileId!;
}

describe('serial service: the bench flow', { timeout: 120_000 }, () => {
  it('uploads firmware in chunks, flashes it as a job with events, configures Tasmota and sees the board arrive', async () => {
    const { service, sim, rec, mqttPort } = await setup({ sim: { config: { firmware: 'tasmota' } } });
    const image = imageOfSize(700_000, 'firmware');
    const fileId = upload(service, 'tasmota.bin', image);
    expect(service.snapshot()).toMatchObject({ hostAddress: '192.0.2.10', mqttPort, flash: null, arrival: { status: 'idle' } });

    const { jobId } = service.startFlash({ path: sim.hostPath, files: [{ fileId, address: 0 }], baudRate: 460800, before: 'default-reset', eraseAll: false });
    const done = await until(
      () => rec.flash.find((j) => j.jobId === jobId && !j.running),
      () => `flash job end; last: ${JSON.stringify(rec.flash.at(-1))}; board: ${JSON.stringify(sim.events.slice(-6))}`,
      60_000,
    );
    expect(done.state).toMatchObject({ state: 'done', rebooted: true });
    expect(done.chip).toMatchObject({ chip: 'ESP8266EX', mac: '5c:cf:7f:a1:b2:c3' });
    expect(sim.readFlash(0, image.length).equals(image)).toBe(true);
    const seen = [...new Set(rec.flash.map((j) => j.state.state))];
    expect(seen).toEqual(['idle', 'connecting', 'detecting', 'erasing', 'writing', 'verifying', 'done']);
    expect(done.log.some((l) => /switched to 460800 baud/.test(l.message))).toBe(true);

    service.configureTasmota(sim.hostPath, { ssid: 'benchlab', password: 'sensors-only', mqttHost: '127.0.0.1', mqttPort: mqttPort!, mqttUser: '', mqttPassword: '', topic: 'bench_plug' });
    const config = await until(() => rec.config.find((j) => !j.running), 'config job end', 60_000);
    expect(config).toMatchObject({ ok: true, wifi: 'connected', mqtt: 'connected' });
    expect(config.transcript.join('\n')).not.toContain('sensors-only');
    const arrived = await until(() => rec.arrival.find((a) => a.status === 'arrived'), 'arrival', 60_000);
    expect(arrived).toMatchObject({ status: 'arrived', clientId: 'DVES_A1B2C3', will: { topicName: 'tele/bench_plug/LWT', payload: 'Offline' }, firstTelemetry: { topicName: 'tele/bench_plug/STATE' } });
    expect(rec.arrival[0]).toMatchObject({ status: 'waiting', clientId: 'DVES_A1B2C3', topic: 'bench_plug' });
  });

  it('provisions an ESPHome node over Improv and sees it arrive under its node name', async () => {
    const broker = await startTestBroker();
    cleanups.push(() => broker.close());
    const { service, sim, rec } = await setup({
      broker: false,
      sim: { config: { bootMode: 'flash', firmware: 'esphome', esphome: { name: 'bench-bme280', mqttHost: '127.0.0.1', mqttPort: broker.port, version: '2024.6.0' } }, prefill: (f) => imageOfSize(5000).copy(f) },
    });
    // this service was built without a broker: watching arrival must say so rather than wait forever
    service.provisionImprov(sim.hostPath, 'benchlab', 'sensors-only');
    const job = await until(() => rec.config.find((j) => !j.running), 'improv job end');
    expect(job).toMatchObject({ kind: 'improv', ok: true, wifi: 'connected', improv: { firmware: 'ESPHome', deviceName: 'bench-bme280', state: 'provisioned', url: 'http://bench-bme280.local' } });
    expect(rec.arrival.at(-1)).toMatchObject({ status: 'never-connected', message: expect.stringMatching(/broker is not running/) });
    // the node itself did join our broker
    await until(() => (broker.broker.clients().some((c) => c.clientId === 'bench-bme280') ? true : undefined), 'node connected');
  });

  it('refuses a second job while one runs, and cancels the running flash', async () => {
    const { service, sim, rec } = await setup({ broker: false, sim: { config: { pace: true } } });
    const fileId = upload(service, 'fw.bin', imageOfSize(200_000, 'noise'));
    service.startFlash({ path: sim.hostPath, files: [{ fileId, address: 0 }], baudRate: 115200, before: 'default-reset', eraseAll: false });
    expect(() => service.startFlash({ path: sim.hostPath, files: [{ fileId, address: 0 }], baudRate: 115200, before: 'default-reset', eraseAll: false })).toThrow(SerialRejection);
    await until(() => rec.flash.find((j) => j.state.state === 'writing'), 'writing');
    expect(service.cancel()).toEqual({ cancelled: true });
    const end = await until(
      () => rec.flash.find((j) => !j.running),
      () => `end; last: ${JSON.stringify(rec.flash.at(-1))}; board: ${JSON.stringify(sim.events.slice(-6))}`,
    );
    expect(end.state).toMatchObject({ state: 'error', code: 'cancelled' });
    expect(service.owner.holder(sim.hostPath)).toBeNull();
  });

  it('stops the monitor when a flash needs its port, and batches monitor lines as events', async () => {
    const { service, sim, rec } = await setup({ broker: false, sim: { config: { bootMode: 'flash' } } });
    await service.monitorStart(sim.hostPath, 115200);
    await service.monitorSend('hello', 'lf');
    await until(() => rec.monitor.find((l) => l.dir === 'tx' && l.text === 'hello'), 'tx line event');
    const fileId = upload(service, 'fw.bin', imageOfSize(20_000));
    service.startFlash({ path: sim.hostPath, files: [{ fileId, address: 0 }], baudRate: 115200, before: 'default-reset', eraseAll: false });
    const end = await until(
      () => rec.flash.find((j) => !j.running),
      () => `end; last: ${JSON.stringify(rec.flash.at(-1))}; board: ${JSON.stringify(sim.events.slice(-6))}`,
    );
    expect(end.state.state).toBe('done');
    expect(service.snapshot().monitor.open).toBe(false);
  });

  it('reports the bounds and mistakes of uploads as refusals', () => {
    const service = new SerialService({ broker: null, mqttPort: () => null, emit: { flash: () => {}, config: () => {}, arrival: () => {}, monitor: () => {} } });
    cleanups.push(() => service.close());
    expect(() => service.firmware.upload({ name: 'x', size: 10, offset: 5, dataBase64: '' })).toThrow(StoreRejection);
    const first = service.firmware.upload({ name: 'x', size: 4, offset: 0, dataBase64: Buffer.from([1, 2]).toString('base64') });
    expect(first).toMatchObject({ complete: false, received: 2 });
    expect(() => service.firmware.get(first.fileId)).toThrow(/not completely uploaded/);
    expect(() => service.firmware.upload({ fileId: first.fileId, name: 'x', size: 4, offset: 3, dataBase64: 'AA==' })).toThrow(/expected the chunk at offset 2/);
    const done = service.firmware.upload({ fileId: first.fileId, name: 'x', size: 4, offset: 2, dataBase64: Buffer.from([3, 4]).toString('base64') });
    expect(done).toMatchObject({ complete: true, problem: expect.stringMatching(/not an ESP8266 firmware image/) });
    expect(() => service.startArrival({ clientId: 'a' }, 1000)).not.toThrow();
    expect(service.snapshot().arrival).toMatchObject({ status: 'never-connected', message: expect.stringMatching(/broker is not running/) });
  });
});

describe('firmware from a path on the host', () => {
  it('stages a file it can read and says why it cannot read others', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'fw-host-file-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'tasmota.bin'), imageOfSize(30_000));
    const service = new SerialService({ broker: null, mqttPort: () => null, emit: { flash: () => {}, config: () => {}, arrival: () => {}, monitor: () => {} } });
    cleanups.push(() => service.close());
    expect(await service.firmware.fromHost(join(dir, 'tasmota.bin'))).toMatchObject({ name: 'tasmota.bin', size: 30_000, complete: true, problem: null, image: { kind: 'esp8266-v1', flashMode: 'DOUT' } });
    await expect(service.firmware.fromHost(join(dir, 'missing.bin'))).rejects.toThrow(/no such file/);
    await expect(service.firmware.fromHost(dir)).rejects.toThrow(/is not a file/);
  });
});

describe('serial request validation', () => {
  it('accepts well-formed requests and names what is wrong in bad ones', () => {
    expect(serialValidators['serial.flash']({ path: '/dev/ttyUSB0', files: [{ fileId: 'fw1', address: 0 }], baudRate: 460800, before: 'default-reset', eraseAll: false })).toMatchObject({ ok: true });
    expect(serialValidators['serial.flash']({ path: 'ttyUSB0', files: [{ fileId: 'fw1', address: 0 }], baudRate: 460800, before: 'default-reset', eraseAll: false })).toMatchObject({ ok: false, message: expect.stringMatching(/absolute path/) });
    expect(serialValidators['serial.flash']({ path: '/dev/ttyUSB0', files: [], baudRate: 460800, before: 'default-reset', eraseAll: false })).toMatchObject({ ok: false });
    expect(serialValidators['serial.upload']({ name: 'a.bin', size: 3, offset: 0, dataBase64: 'not base64!' })).toMatchObject({ ok: false });
    expect(serialValidators['serial.configureTasmota']({ path: '/dev/ttyUSB0', settings: { ssid: 'x', password: 'y', mqttHost: 'h', mqttPort: 0, mqttUser: '', mqttPassword: '', topic: 't' } })).toMatchObject({ ok: false, message: expect.stringMatching(/mqttPort/) });
    expect(serialValidators['serial.monitorSend']({ text: 'Status 0', lineEnding: 'crlf' })).toEqual({ ok: true, value: { text: 'Status 0', lineEnding: 'crlf' } });
    expect(serialValidators['serial.watchArrival']({})).toMatchObject({ ok: false, message: 'give a clientId or a topic' });
    expect(serialValidators['serial.useHostFile']({ path: '/tmp/x.bin', extra: 1 })).toMatchObject({ ok: false, message: expect.stringMatching(/unexpected field/) });
  });
});
