import { afterEach, describe, expect, it } from 'vitest';
import { SimBoard } from '../../support/esp8266-sim/harness.js';
import { startTestBroker } from '../../support/broker.js';
import { PortOwner } from '../../../electron/serial/port-owner.js';
import { ImprovClient, ImprovReader, encodeImprov, encodeRpc, parseRpcResult, wifiPayload, type ImprovPacket } from '../../../electron/serial/improv.js';
import { watchArrival } from '../../../electron/serial/board-arrival.js';
import { buildImage } from '../../fixtures/firmware/make-image.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('Improv packets (improv-wifi serial.md)', () => {
  it('encodes IMPROV, version 1, type, length, data and the byte-sum checksum', () => {
    const p = encodeRpc(0x02);
    expect(p.toString('hex')).toBe(Buffer.from('IMPROV').toString('hex') + '01' + '03' + '02' + '0200' + ((0x49 + 0x4d + 0x50 + 0x52 + 0x4f + 0x56 + 1 + 3 + 2 + 2) & 0xff).toString(16));
  });

  it('finds packets among log lines, split across chunks, and counts bad checksums', () => {
    const got: ImprovPacket[] = [];
    const r = new ImprovReader((p) => got.push(p));
    const good = encodeImprov(0x01, Buffer.from([0x02]));
    const bad = Buffer.from(encodeImprov(0x01, Buffer.from([0x04])));
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 1;
    const stream = Buffer.concat([Buffer.from('[I][wifi:617]: log line\r\n'), bad, Buffer.from('IMPRO'), good, Buffer.from('\r\n')]);
    for (let i = 0; i < stream.length; i += 3) r.push(stream.subarray(i, i + 3));
    expect(got).toEqual([{ type: 0x01, data: Buffer.from([0x02]) }]);
    expect(r.badChecksums).toBe(1);
  });

  it('lays out Wi-Fi settings as ssid_len ssid pw_len pw and reads RPC results as (len, string)*', () => {
    expect(wifiPayload('ab', 'xyz').toString('hex')).toBe('026162' + '0378797a');
    expect(parseRpcResult(Buffer.from([0x03, 8, 3, 0x45, 0x53, 0x50, 3, 0x31, 0x2e, 0x30]))).toEqual({ command: 3, values: ['ESP', '1.0'] });
  });
});

describe('Improv with the simulated ESPHome node', () => {
  async function esphome(mqttPort: number): Promise<{ sim: SimBoard; client: ImprovClient }> {
    const sim = await SimBoard.start({ config: { bootMode: 'flash', firmware: 'esphome', esphome: { name: 'bench-bme280', mqttHost: '127.0.0.1', mqttPort, version: '2024.6.0' } }, prefill: (f) => buildImage().copy(f) });
    const owner = new PortOwner();
    const lease = await owner.open(sim.hostPath, 115200, 'configure');
    if (!lease.ok) throw new Error(lease.message);
    const client = new ImprovClient(lease.link);
    cleanups.push(async () => {
      client.dispose();
      await owner.closeAll();
      await sim.stop();
    });
    return { sim, client };
  }

  it('reads state and device info, provisions Wi-Fi, and the node then arrives on our broker', async () => {
    const b = await startTestBroker();
    cleanups.push(() => b.close());
    const { client } = await esphome(b.port);
    expect(await client.requestState()).toEqual({ ok: true, value: 'authorized' });
    expect(await client.deviceInfo()).toEqual({ ok: true, value: { firmware: 'ESPHome', version: '2024.6.0', chip: 'ESP8266', name: 'bench-bme280' } });
    const arrival = watchArrival(b.broker, { clientId: 'bench-bme280' }, { timeoutMs: 15_000, telemetryTimeoutMs: 10_000 });
    expect(await client.provision('benchlab', 'sensors-only')).toEqual({ ok: true, value: { url: 'http://bench-bme280.local' } });
    const arrived = await arrival.result;
    expect(arrived).toMatchObject({
      status: 'arrived',
      clientId: 'bench-bme280',
      will: { topicName: 'bench-bme280/status', payload: 'offline', retain: true },
      firstTelemetry: { topicName: 'bench-bme280/sensor/uptime/state' },
    });
    expect(await client.requestState()).toEqual({ ok: true, value: 'provisioned' });
  });

  it('passes on the device saying it could not join the network', async () => {
    const { client } = await esphome(1);
    expect((await client.requestState()).ok).toBe(true);
    const r = await client.provision('benchlab', 'wrong-password');
    expect(r).toMatchObject({ ok: false, code: 'device-error' });
    if (!r.ok) expect(r.message).toMatch(/could not connect to the Wi-Fi network/);
  });

  it('says the firmware does not speak Improv when nothing answers (Tasmota without USE_IMPROV)', async () => {
    const sim = await SimBoard.start({ config: { bootMode: 'flash', firmware: 'tasmota' }, prefill: (f) => buildImage().copy(f) });
    const owner = new PortOwner();
    cleanups.push(async () => {
      await owner.closeAll();
      await sim.stop();
    });
    const lease = await owner.open(sim.hostPath, 115200, 'configure');
    if (!lease.ok) throw new Error(lease.message);
    const client = new ImprovClient(lease.link);
    const r = await client.requestState(2500);
    client.dispose();
    expect(r).toMatchObject({ ok: false, code: 'no-improv' });
  });
});
