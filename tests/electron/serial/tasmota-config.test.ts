/**
 * Tasmota configuration over the serial console of the simulated board (Tasmota console responder), with the
 * real broker: after the settings the simulated firmware joins "Wi-Fi" and connects to our broker.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SimBoard } from '../../support/esp8266-sim/harness.js';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { PortOwner } from '../../../electron/serial/port-owner.js';
import { configureTasmota, maskSecrets, resultOf, validateTasmotaSettings, type TasmotaSettings } from '../../../electron/serial/tasmota-config.js';
import { buildImage } from '../../fixtures/firmware/make-image.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function tasmotaBoard(): Promise<{ sim: SimBoard; owner: PortOwner }> {
  const sim = await SimBoard.start({ config: { bootMode: 'flash', firmware: 'tasmota' }, prefill: (f) => buildImage().copy(f) });
  const owner = new PortOwner();
  cleanups.push(async () => {
    await owner.closeAll();
    await sim.stop();
  });
  return { sim, owner };
}

async function broker(opts: Parameters<typeof startTestBroker>[0] = {}): Promise<TestBroker> {
  const b = await startTestBroker(opts);
  cleanups.push(() => b.close());
  return b;
}

function settings(port: number, patch: Partial<TasmotaSettings> = {}): TasmotaSettings {
  return { ssid: 'benchlab', password: 'sensors-only', mqttHost: '127.0.0.1', mqttPort: port, mqttUser: 'bench', mqttPassword: 's3cret-mqtt', topic: 'bench_plug_1', ...patch };
}

describe('Tasmota serial console configuration', () => {
  it('sets Wi-Fi and MQTT in one Backlog, checks every reply, masks the passwords, and the board connects to our broker', async () => {
    const b = await broker();
    const { sim, owner } = await tasmotaBoard();
    const lease = await owner.open(sim.hostPath, 115200, 'configure');
    if (!lease.ok) throw new Error(lease.message);
    const shown: string[] = [];
    const out = await configureTasmota(lease.link, settings(b.port), { followMs: 10_000, onLine: (l) => shown.push(l) });
    expect(out).toMatchObject({ ok: true, wifi: 'connected', mqtt: 'connected' });
    expect(out.checks.map((c) => [c.command, c.ok])).toEqual([
      ['SSID1', true],
      ['Password1', true],
      ['MqttHost', true],
      ['MqttPort', true],
      ['MqttUser', true],
      ['MqttPassword', true],
      ['Topic', true],
    ]);
    expect(out.checks.find((c) => c.command === 'MqttPort')).toMatchObject({ expected: b.port, got: b.port });
    const everything = [...out.transcript, ...shown].join('\n');
    expect(everything).not.toContain('sensors-only');
    expect(everything).not.toContain('s3cret-mqtt');
    expect(everything).toContain('Password1 ••••');
    expect(everything).toMatch(/RSL: RESULT = \{"MqttHost":"127\.0\.0\.1"\}/);
    expect(b.broker.clients().some((c) => c.clientId.startsWith('DVES_') && c.username === 'bench')).toBe(true);

    // once MQTT is up Tasmota answers with `MQT: stat/<topic>/RESULT = …`; the checks read those too
    const again = await configureTasmota(lease.link, settings(b.port, { topic: 'bench_plug_2' }), { followMs: 10_000 });
    expect(again).toMatchObject({ ok: true, mqtt: 'connected' });
    expect(again.transcript.join('\n')).toMatch(/MQT: stat\/bench_plug_\d\/RESULT = \{"Topic":"bench_plug_2"\}/);
  });

  it('reports a value Tasmota kept differently (MqttPort 1 means "default 1883")', async () => {
    const b = await broker();
    const { sim, owner } = await tasmotaBoard();
    const lease = await owner.open(sim.hostPath, 115200, 'configure');
    if (!lease.ok) throw new Error(lease.message);
    const out = await configureTasmota(lease.link, settings(b.port, { mqttPort: 1 }));
    expect(out).toMatchObject({ ok: false, code: 'mismatch' });
    expect(out.message).toMatch(/different values for MqttPort/);
    expect(out.checks.find((c) => c.command === 'MqttPort')).toMatchObject({ expected: 1, got: 1883, ok: false });
  });

  it('reports Wi-Fi failure and broker refusal as the firmware prints them', async () => {
    const b = await broker({ authenticate: (req) => (req.username === 'bench' ? 5 : 0) });
    const { sim, owner } = await tasmotaBoard();
    const lease = await owner.open(sim.hostPath, 115200, 'configure');
    if (!lease.ok) throw new Error(lease.message);
    const refused = await configureTasmota(lease.link, settings(b.port), { followMs: 10_000 });
    expect(refused).toMatchObject({ ok: true, wifi: 'connected', mqtt: 'failed' });
    expect(refused.mqttDetail).toMatch(/MQT: Connect failed to 127\.0\.0\.1:\d+, rc 5/);
    const wrongWifi = await configureTasmota(lease.link, settings(b.port, { password: 'not-the-password' }), { followMs: 10_000 });
    expect(wrongWifi).toMatchObject({ ok: true, wifi: 'failed' });
  });

  it('says no Tasmota console answers when the board sits in the bootloader', async () => {
    const sim = await SimBoard.start({ config: { bootMode: 'download' } });
    const owner = new PortOwner();
    cleanups.push(async () => {
      await owner.closeAll();
      await sim.stop();
    });
    const lease = await owner.open(sim.hostPath, 115200, 'configure');
    if (!lease.ok) throw new Error(lease.message);
    const out = await configureTasmota(lease.link, settings(1883), { consoleTimeoutMs: 2500 });
    expect(out).toMatchObject({ ok: false, code: 'no-console' });
    expect(out.message).toMatch(/still in the bootloader/);
  });

  it('refuses settings Tasmota would drop or split before sending anything', () => {
    expect(validateTasmotaSettings(settings(1883, { password: 'abcd' }))).toMatch(/longer than 4 characters/);
    expect(validateTasmotaSettings(settings(1883, { password: 'semi;colon-pass' }))).toMatch(/Backlog treats as a separator/);
    expect(validateTasmotaSettings(settings(1883, { topic: 'a/b' }))).toMatch(/topic/);
    expect(validateTasmotaSettings(settings(1883, { mqttPort: 70000 }))).toMatch(/port/);
    expect(validateTasmotaSettings(settings(1883))).toBeNull();
  });

  it('parses RSL and MQT result lines and masks every occurrence of a secret', () => {
    expect(resultOf('00:00:01.234 RSL: RESULT = {"SSId1":"benchlab"}')).toEqual({ key: 'ssid1', value: 'benchlab' });
    expect(resultOf('00:00:01.234 MQT: stat/plug/RESULT = {"MqttPort":1883}')).toEqual({ key: 'mqttport', value: 1883 });
    expect(resultOf('00:00:01.234 CMD: Topic')).toBeNull();
    expect(maskSecrets('Password1 hunter22;MqttPassword hunter22', ['hunter22'])).toBe('Password1 ••••;MqttPassword ••••');
  });
});
