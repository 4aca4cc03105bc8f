import { describe, expect, it } from 'vitest';
import { harness } from './engine-helpers.js';
import { toSummary } from '../../../electron/services/presence/projection.js';

describe('presence engine: sessions and reasons', () => {
  it('puts a connecting client online and offline with the broker’s disconnect reason', () => {
    const h = harness();
    h.connect('dev1', { keepalive: 10 });
    expect(h.status('dev1')).toBe('online/session');
    h.disconnect('dev1', 'keepalive-timeout');
    expect(h.status('dev1')).toBe('offline/keepalive-timeout');
    // (minutes apart, so that this is not flapping)
    h.advance(300_000);
    h.connect('dev1');
    h.disconnect('dev1', 'clean');
    expect(h.status('dev1')).toBe('offline/clean-disconnect');
    h.advance(300_000);
    h.connect('dev1');
    h.disconnect('dev1', 'connection-lost');
    expect(h.status('dev1')).toBe('offline/connection-lost');
    h.advance(300_000);
    h.connect('dev1');
    h.disconnect('dev1', 'server-shutdown');
    expect(h.status('dev1')).toBe('offline/broker-restarted');
    expect(h.device('dev1').reconnectCount).toBe(3);
  });

  it('shows the detection delay as 1.5 × keepalive [MQTT-3.1.2-24]', () => {
    const h = harness();
    h.connect('dev1', { keepalive: 20 });
    expect(toSummary(h.device('dev1')).detectionDelayMs).toBe(30_000);
  });

  it('names a device by its firmware convention from its will, and links the will topic', () => {
    const h = harness();
    h.connect('DVES_1A2B3C', { will: { topicName: 'tele/plug1/LWT', payload: 'Offline' } });
    const d = h.device('DVES_1A2B3C');
    expect(d.convention).toBe('tasmota');
    expect(d.name).toBe('plug1');
    expect(d.availabilityTopics).toEqual(['tele/plug1/LWT']);
  });

  it('handles a take-over reported before or after the new session', () => {
    const h = harness();
    const first = h.connect('dev1');
    h.connect('dev1'); // new session reported first
    expect(h.status('dev1')).toBe('online/session');
    h.disconnect('dev1', 'taken-over', first); // the late end of the old session changes nothing
    expect(h.status('dev1')).toBe('online/session');
    expect(h.device('dev1').sessions.toArray().map((s) => s.endReason)).toEqual(['taken-over', null]);
  });
});

describe('presence engine: reconciliation', () => {
  it('does not believe a retained Online without a session: offline, broker restarted, flagged', () => {
    const h = harness();
    h.retainedAtStart('tele/plug1/LWT', 'Online');
    const d = h.device('tasmota:plug1');
    expect(h.status('tasmota:plug1')).toBe('offline/broker-restarted');
    expect([...d.flags.keys()]).toEqual(['online-without-session']);
    // The device comes back: the topic-only record merges into the client's.
    h.connect('DVES_1', { will: { topicName: 'tele/plug1/LWT', payload: 'Offline' } });
    h.publish('DVES_1', 'tele/plug1/LWT', 'Online', { retain: true });
    expect(h.engine.registry.get('tasmota:plug1')).toBeUndefined();
    expect(h.status('DVES_1')).toBe('online/session');
    expect(h.device('DVES_1').flags.size).toBe(0);
    expect(h.events.some((e) => e.type === 'merged' && e.from === 'tasmota:plug1' && e.into === 'DVES_1')).toBe(true);
  });

  it('flags an Offline published by someone else while the session is live, and keeps it online', () => {
    const h = harness();
    h.connect('DVES_1', { will: { topicName: 'tele/plug1/LWT', payload: 'Offline' } });
    h.connect('mosq-xyz');
    h.publish('mosq-xyz', 'tele/plug1/LWT', 'Offline', { retain: true });
    expect(h.status('DVES_1')).toBe('online/session');
    expect(h.device('DVES_1').flags.get('availability-contradicts-session')).toMatchObject({ publisherId: 'mosq-xyz', payload: 'Offline' });
    h.publish('DVES_1', 'tele/plug1/LWT', 'Online', { retain: true });
    expect(h.device('DVES_1').flags.size).toBe(0);
  });

  it('flags an old session’s will that lands after the new session started', () => {
    const h = harness();
    const old = h.connect('esp1', { will: { topicName: 'esp1/status', payload: 'offline' } });
    h.connect('esp1', { will: { topicName: 'esp1/status', payload: 'offline' } });
    h.publish('esp1', 'esp1/status', 'offline', { retain: true, isWill: true });
    void old;
    expect(h.status('esp1')).toBe('online/session');
    expect(h.device('esp1').flags.get('availability-contradicts-session')).toMatchObject({ isWill: true });
  });

  it('believes a bridge about its Zigbee devices, which have no session of their own', () => {
    const h = harness();
    h.connect('z2m', { will: { topicName: 'zigbee2mqtt/bridge/state', payload: '{"state":"offline"}' } });
    h.publish('z2m', 'zigbee2mqtt/lamp/availability', '{"state":"online"}', { retain: true });
    expect(h.status('zigbee2mqtt-device:lamp')).toBe('online/reported-online');
    h.publish('z2m', 'zigbee2mqtt/lamp/availability', '{"state":"offline"}', { retain: true });
    expect(h.status('zigbee2mqtt-device:lamp')).toBe('offline/reported-offline');
    expect(h.device('z2m').convention).toBe('zigbee2mqtt-bridge');
  });

  it('shows declared devices as never-seen until they connect', () => {
    const h = harness();
    h.engine.applySettings({ ...h.engine.getSettings(), devices: { 'lab-7': { expected: true } } }, h.now());
    expect(h.status('lab-7')).toBe('never-seen/no-session-yet');
    h.connect('lab-7');
    expect(h.status('lab-7')).toBe('online/session');
  });
});

describe('presence engine: topic-only devices after a restart', () => {
  it('a bridge-reported device is broker restarted until its bridge republishes, then current again', () => {
    const h = harness();
    h.retainedAtStart('zigbee2mqtt/lamp/availability', '{"state":"online"}');
    expect(h.status('zigbee2mqtt-device:lamp')).toBe('offline/broker-restarted');
    h.connect('z2m', { will: { topicName: 'zigbee2mqtt/bridge/state', payload: '{"state":"offline"}' } });
    h.publish('z2m', 'zigbee2mqtt/lamp/availability', '{"state":"online"}', { retain: true });
    expect(h.status('zigbee2mqtt-device:lamp')).toBe('online/reported-online');
  });
});

describe('presence engine: sleeping and overdue', () => {
  it('Homie sleeping then disconnect is sleeping, not offline', () => {
    const h = harness();
    h.connect('homie-dev1', { will: { topicName: 'homie/dev1/$state', payload: 'lost' } });
    h.publish('homie-dev1', 'homie/dev1/$state', 'ready', { retain: true });
    h.publish('homie-dev1', 'homie/dev1/$state', 'sleeping', { retain: true });
    h.disconnect('homie-dev1', 'clean');
    expect(h.status('homie-dev1')).toBe('sleeping/sleep-payload');
  });

  it('Tasmota DEEPSLEEP gives a wake time; past it plus grace the device is overdue', () => {
    const h = harness();
    h.connect('DVES_B', { will: { topicName: 'tele/bat1/LWT', payload: 'Offline' } });
    h.publish('DVES_B', 'tele/bat1/DEEPSLEEP', '{"DeepSleep":{"Time":"x","DeepSleep":1000,"Wakeup":1060}}', { retain: true });
    h.disconnect('DVES_B', 'connection-lost'); // will "Offline" follows
    expect(h.status('DVES_B')).toBe('sleeping/sleep-payload');
    expect(toSummary(h.device('DVES_B')).nextWakeAt).toBe(h.now() + 60_000);
    h.advance(60_000 + 29_000);
    expect(h.status('DVES_B')).toBe('sleeping/sleep-payload');
    h.advance(2_000);
    expect(h.status('DVES_B')).toBe('overdue/missed-wake');
    h.connect('DVES_B', { will: { topicName: 'tele/bat1/LWT', payload: 'Offline' } });
    expect(h.status('DVES_B')).toBe('online/session');
  });

  it('a declared interval makes a disconnected device sleeping, then overdue', () => {
    const h = harness();
    h.engine.applySettings({ ...h.engine.getSettings(), devices: { 'esp-bat': { expectedIntervalSec: 300 } } }, h.now());
    h.connect('esp-bat');
    h.advance(2_000);
    h.disconnect('esp-bat', 'connection-lost');
    expect(h.status('esp-bat')).toBe('sleeping/expected-interval');
    h.advance(300_000 + 150_000);
    expect(h.status('esp-bat')).toBe('overdue/missed-wake');
  });

  it('learns a regular wake interval from short sessions', () => {
    const h = harness();
    for (let i = 0; i < 4; i++) {
      h.connect('esp-learn');
      h.advance(1_500);
      h.disconnect('esp-learn', 'clean');
      if (i < 3) h.advance(60_000 - 1_500);
    }
    expect(h.status('esp-learn')).toBe('sleeping/expected-interval');
    expect(toSummary(h.device('esp-learn'))).toMatchObject({ expectedIntervalMs: 60_000, intervalSource: 'learned' });
  });
});

describe('presence engine: flapping and duplicate client ids', () => {
  it('turns many online/offline changes into one flapping state, and settles after a quiet window', () => {
    const h = harness();
    for (let i = 0; i < 4; i++) {
      h.connect('flappy');
      h.advance(1_000);
      h.disconnect('flappy', 'connection-lost');
      h.advance(1_000);
    }
    expect(h.status('flappy')).toBe('flapping/transitions');
    expect(h.statusEvents('flappy').filter((s) => s === 'flapping/transitions')).toHaveLength(1);
    expect(h.device('flappy').status.detail).toMatch(/changes in 2 min, now offline/);
    h.connect('flappy');
    // a window later it is still flapping: the episode ends only after the quiet period (3 windows)
    h.advance(121_000);
    expect(h.status('flappy')).toBe('flapping/transitions');
    h.advance(240_000);
    expect(h.status('flappy')).toBe('online/session');
  });

  it('settles flapping even when other events arrive after the window expired the changes', () => {
    const h = harness();
    for (let i = 0; i < 3; i++) {
      h.connect('flappy');
      h.disconnect('flappy', 'connection-lost');
    }
    h.connect('flappy');
    expect(h.status('flappy')).toBe('flapping/transitions');
    h.engine.tick(h.now());
    h.advance(0);
    // jump past the quiet period without ticking, then a message re-evaluates the device first
    const later = h.now() + 370_000;
    h.engine.message({ topicName: 'x/y', payload: new TextEncoder().encode('1'), qos: 0, retain: false, publisherId: 'flappy', isWill: false, at: later }, later);
    h.engine.tick(later);
    expect(h.status('flappy')).toBe('online/session');
  });

  it('names two devices fighting over one client id with their addresses', () => {
    const h = harness();
    let a = h.connect('dup', { ip: '10.0.0.21' });
    for (let i = 0; i < 3; i++) {
      h.advance(1_000);
      h.disconnect('dup', 'taken-over', a);
      const b = h.connect('dup', { ip: '10.0.0.22' });
      h.advance(1_000);
      h.disconnect('dup', 'taken-over', b);
      a = h.connect('dup', { ip: '10.0.0.21' });
    }
    const flag = h.device('dup').flags.get('duplicate-client-id');
    expect(flag).toMatchObject({ kind: 'duplicate-client-id' });
    expect(flag?.kind === 'duplicate-client-id' && flag.addresses.sort()).toEqual(['10.0.0.21', '10.0.0.22']);
    expect(h.events.filter((e) => e.type === 'flag' && e.raised && e.flag.kind === 'duplicate-client-id')).toHaveLength(1);
    expect(h.status('dup')).toBe('online/session');
    h.advance(61_000);
    expect(h.device('dup').flags.has('duplicate-client-id')).toBe(false);
  });
});

describe('presence engine: telemetry and silence', () => {
  it('fills the fleet telemetry columns from Tasmota telemetry', () => {
    const h = harness();
    h.connect('DVES_1', { will: { topicName: 'tele/plug1/LWT', payload: 'Offline' } });
    h.publish('DVES_1', 'tele/plug1/INFO1', '{"Info1":{"Module":"Generic","Version":"13.2.0"}}');
    h.publish('DVES_1', 'tele/plug1/STATE', '{"UptimeSec":50,"Heap":24,"Wifi":{"RSSI":80,"Signal":-60},"IPAddress":"10.0.0.7"}');
    expect(toSummary(h.device('DVES_1')).telemetry).toMatchObject({ rssiDbm: -60, signalPercent: 80, uptimeSec: 50, freeHeapBytes: 24576, ip: '10.0.0.7', firmware: 'Tasmota 13.2.0' });
  });

  it('flags telemetry that goes silent for 2.5 × its learned period while the session lives', () => {
    const h = harness();
    h.connect('DVES_1', { will: { topicName: 'tele/plug1/LWT', payload: 'Offline' } });
    for (let i = 0; i < 4; i++) {
      h.publish('DVES_1', 'tele/plug1/STATE', '{"UptimeSec":1}');
      h.publish('DVES_1', 'tele/plug1/SENSOR', '{"T":1}');
      h.advance(10_000);
    }
    expect(h.device('DVES_1').flags.has('silent-telemetry')).toBe(false);
    h.advance(16_000);
    expect(h.device('DVES_1').flags.get('silent-telemetry')).toMatchObject({ expectedWithinMs: 25_000, topicName: 'tele/plug1/SENSOR' });
    h.publish('DVES_1', 'tele/plug1/STATE', '{"UptimeSec":1}');
    expect(h.device('DVES_1').flags.has('silent-telemetry')).toBe(false);
  });
});

describe('presence engine: listeners', () => {
  it('keeps going when a listener throws: the device is fully updated and later listeners still hear', () => {
    const h = harness();
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    h.engine.on(() => {
      throw new Error('listener bug');
    });
    const heard: string[] = [];
    h.engine.on((e) => heard.push(e.type));
    h.connect('a');
    h.disconnect('a', 'connection-lost');
    expect(h.status('a')).toBe('offline/connection-lost');
    expect(heard).toEqual(['status', 'status']);
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        process.off('warning', onWarning);
        expect(warnings.some((w) => w.includes('listener bug'))).toBe(true);
        resolve();
      }),
    );
  });
});

describe('presence engine: bounds', () => {
  it('sheds the oldest never-seen device first when the registry is full, and counts it', () => {
    const h = harness(3);
    h.engine.applySettings({ ...h.engine.getSettings(), devices: { ghost: { expected: true } } }, h.now());
    h.connect('a');
    h.advance(1);
    h.connect('b');
    h.advance(1);
    h.connect('c');
    expect(h.engine.registry.get('ghost')).toBeUndefined();
    expect(h.engine.registry.shed).toBe(1);
    expect(h.events.some((e) => e.type === 'removed' && e.deviceId === 'ghost' && e.shed)).toBe(true);
  });
});
