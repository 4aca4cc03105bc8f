import { describe, expect, it } from 'vitest';
import { parseTelemetry } from '../../../electron/services/presence/telemetry/index.js';
import { parseTasmotaUptime } from '../../../electron/services/presence/telemetry/tasmota.js';

describe('telemetry parsers', () => {
  it('reads Tasmota STATE: uptime, heap in kB, Wifi.RSSI as quality and Wifi.Signal as dBm', () => {
    const r = parseTelemetry(
      'tele/plug1/STATE',
      JSON.stringify({ Time: '2024-01-01T00:00:00', Uptime: '1T02:03:04', UptimeSec: 93784, Heap: 25, Wifi: { AP: 1, SSId: 'lab', RSSI: 72, Signal: -64, LinkCount: 1 }, IPAddress: '10.0.0.5' }),
    );
    expect(r).toEqual({ convention: 'tasmota', name: 'plug1', periodic: true, patch: { uptimeSec: 93784, freeHeapBytes: 25 * 1024, signalPercent: 72, rssiDbm: -64, ip: '10.0.0.5' } });
  });
  it('reads Tasmota INFO1 version and INFO2 IP, wrapped or flat', () => {
    expect(parseTelemetry('tele/plug1/INFO1', '{"Info1":{"Module":"Sonoff Basic","Version":"13.2.0(tasmota)"}}')?.patch).toEqual({ firmware: 'Tasmota 13.2.0(tasmota)' });
    expect(parseTelemetry('tele/plug1/INFO1', '{"Module":"Generic","Version":"5.12.0c"}')?.patch).toEqual({ firmware: 'Tasmota 5.12.0c' });
    expect(parseTelemetry('tele/plug1/INFO2', '{"Info2":{"WebServerMode":"Admin","Hostname":"plug1","IPAddress":"192.168.1.20"}}')?.patch).toEqual({ ip: '192.168.1.20' });
  });
  it('parses Tasmota uptime strings', () => {
    expect(parseTasmotaUptime('0T00:02:35')).toBe(155);
    expect(parseTasmotaUptime('nonsense')).toBeUndefined();
  });
  it('counts Tasmota SENSOR as a periodic report without health fields', () => {
    expect(parseTelemetry('tele/plug1/SENSOR', '{"Time":"x","AM2301":{"Temperature":21.5}}')).toMatchObject({ periodic: true, patch: {} });
  });
  it('reads ESPHome health sensors by their usual object ids', () => {
    expect(parseTelemetry('node1/sensor/wifi_signal/state', '-71')).toMatchObject({ convention: 'esphome', name: 'node1', patch: { rssiDbm: -71 } });
    expect(parseTelemetry('node1/sensor/uptime/state', '3600.4')?.patch).toEqual({ uptimeSec: 3600 });
    expect(parseTelemetry('node1/sensor/heap_free/state', '28123')?.patch).toEqual({ freeHeapBytes: 28123 });
    expect(parseTelemetry('node1/text_sensor/ip_address/state', '10.1.2.3')?.patch).toEqual({ ip: '10.1.2.3' });
    expect(parseTelemetry('node1/text_sensor/esphome_version/state', '2024.6.1 Jun 10 2024')?.patch).toEqual({ firmware: 'ESPHome 2024.6.1 Jun 10 2024' });
  });
  it('reads Homie 3 stats and attributes, including the declared stats interval', () => {
    expect(parseTelemetry('homie/dev1/$stats/uptime', '120')).toMatchObject({ name: 'dev1', patch: { uptimeSec: 120 }, periodic: true });
    expect(parseTelemetry('homie/dev1/$stats/signal', '88')?.patch).toEqual({ signalPercent: 88 });
    expect(parseTelemetry('homie/dev1/$stats/freeheap', '30000')?.patch).toEqual({ freeHeapBytes: 30000 });
    expect(parseTelemetry('homie/dev1/$localip', '10.0.0.9')?.patch).toEqual({ ip: '10.0.0.9' });
    expect(parseTelemetry('homie/dev1/$fw/version', '1.0.2')?.patch).toEqual({ firmware: '1.0.2' });
    expect(parseTelemetry('homie/dev1/$stats/interval', '60')).toMatchObject({ periodSec: 60 });
  });
  it('ignores malformed payloads without throwing', () => {
    expect(parseTelemetry('tele/plug1/STATE', '{not json')).toBeUndefined();
    expect(parseTelemetry('node1/sensor/wifi_signal/state', 'NaN dBm')).toBeUndefined();
    expect(parseTelemetry('homie/dev1/$localip', '999.x')).toBeUndefined();
  });
});
