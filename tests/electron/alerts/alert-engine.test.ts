import { describe, expect, it } from 'vitest';
import type { AlertDto } from '../../../electron/contract/alerts.js';
import { AlertEngine } from '../../../electron/services/alerts/engine.js';
import { defaultAlertSettings } from '../../../electron/services/alerts/rules.js';
import { harness } from '../presence/engine-helpers.js';

/** presence harness + alert engine on the same manual clock */
function setup(patch: Partial<ReturnType<typeof defaultAlertSettings>> = {}) {
  const h = harness();
  const alerts: AlertDto[] = [];
  const outages: string[] = [];
  const engine = new AlertEngine({
    describe: (id) => {
      const d = h.engine.registry.get(id);
      return d ? { name: d.name, group: d.group } : undefined;
    },
    raise: (a) => alerts.push(a),
    outageStart: (id, start, reason) => outages.push(`start ${id} ${start} ${reason}`),
    outageEnd: (id, end) => outages.push(`end ${id} ${end}`),
  });
  engine.setSettings({ ...defaultAlertSettings(), ...patch });
  h.engine.on((e) => engine.presence(e));
  const advance = (ms: number) => {
    h.advance(ms);
    engine.tick(h.now());
  };
  return { h, engine, alerts, outages, advance, kinds: () => alerts.map((a) => `${a.kind}:${a.deviceIds.join('+')}`) };
}

describe('alert engine', () => {
  it('alerts offline only after the minimum offline duration, then back online', () => {
    const { h, alerts, advance, kinds } = setup({ defaults: { ...defaultAlertSettings().defaults, minOfflineSec: 30 }, groupWindowSec: 0 });
    h.connect('DVES_1', { will: { topicName: 'tele/plug1/LWT', payload: 'Offline' } });
    h.disconnect('DVES_1', 'connection-lost');
    advance(29_000);
    expect(alerts).toEqual([]);
    advance(2_000);
    expect(kinds()).toEqual(['offline:DVES_1']);
    expect(alerts[0]).toMatchObject({ title: 'plug1 offline', reason: 'connection-lost' });
    h.connect('DVES_1');
    expect(kinds()).toEqual(['offline:DVES_1', 'back-online:DVES_1']);
  });

  it('makes no noise for a blip shorter than the minimum duration', () => {
    const { h, alerts, advance } = setup({ groupWindowSec: 0 });
    h.connect('a');
    h.disconnect('a', 'connection-lost');
    advance(5_000);
    h.connect('a');
    advance(60_000);
    expect(alerts).toEqual([]);
  });

  it('never alerts offline for a take-over', () => {
    const { h, alerts, advance } = setup({ defaults: { ...defaultAlertSettings().defaults, minOfflineSec: 0 }, groupWindowSec: 0 });
    const s = h.connect('a');
    h.disconnect('a', 'taken-over', s);
    advance(1_000);
    expect(alerts).toEqual([]);
  });

  it('groups many devices dropping within the window into one alert', () => {
    const { h, alerts, advance } = setup({ defaults: { ...defaultAlertSettings().defaults, minOfflineSec: 10 }, groupWindowSec: 5, groupMinDevices: 3 });
    for (const id of ['a', 'b', 'c', 'd']) h.connect(id);
    for (const id of ['a', 'b', 'c', 'd']) {
      h.disconnect(id, 'keepalive-timeout');
      advance(500);
    }
    advance(20_000);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'group-offline', title: '4 devices went offline', deviceIds: ['a', 'b', 'c', 'd'], reason: 'keepalive-timeout' });
    expect(alerts[0]?.body).toMatch(/^Within 2 s: a, b, c, d \(keepalive timeout ×4\)$/);
  });

  it('alerts individually below the group threshold', () => {
    const { h, advance, kinds } = setup({ defaults: { ...defaultAlertSettings().defaults, minOfflineSec: 0 }, groupWindowSec: 5, groupMinDevices: 3 });
    h.connect('a');
    h.connect('b');
    h.disconnect('a', 'connection-lost');
    h.disconnect('b', 'connection-lost');
    advance(6_000);
    expect(kinds()).toEqual(['offline:a', 'offline:b']);
  });

  it('raises one flapping alert instead of a storm, then back online when it settles', () => {
    const { h, advance, kinds } = setup({ groupWindowSec: 0 });
    h.connect('f');
    for (let i = 0; i < 5; i++) {
      h.disconnect('f', 'connection-lost');
      h.connect('f');
    }
    advance(200_000);
    expect(kinds()).toEqual(['flapping:f']);
    advance(200_000);
    expect(kinds()).toEqual(['flapping:f', 'back-online:f']);
  });

  it('alerts overdue sleepers, duplicate client ids and silent telemetry', () => {
    const { h, advance, kinds, alerts } = setup({ groupWindowSec: 0 });
    h.engine.applySettings({ ...h.engine.getSettings(), devices: { bat: { expectedIntervalSec: 60 } } }, h.now());
    h.connect('bat');
    h.disconnect('bat', 'clean');
    advance(100_000);
    let a = h.connect('dup', { ip: '10.0.0.1' });
    for (let i = 0; i < 4; i++) {
      h.disconnect('dup', 'taken-over', a);
      a = h.connect('dup', { ip: i % 2 ? '10.0.0.1' : '10.0.0.2' });
    }
    h.connect('DVES_1', { will: { topicName: 'tele/p/LWT', payload: 'Offline' } });
    for (let i = 0; i < 4; i++) {
      h.publish('DVES_1', 'tele/p/STATE', '{"UptimeSec":1}');
      advance(10_000);
    }
    advance(20_000);
    expect(kinds()).toEqual(['overdue:bat', 'duplicate-client-id:dup', 'silent-topic:DVES_1']);
    expect(alerts[1]?.body).toMatch(/10\.0\.0\.[12] and 10\.0\.0\.[12]/);
    // not "for 8 s (expected within 8 s)", which read as a contradiction
    expect(alerts[2]?.body).toMatch(/^Still connected, but nothing on tele\/p\/STATE for \d+ s \(expected at least every \d+ s\)$/);
  });

  it('applies per-device over per-group over default rules', () => {
    const { h, advance, kinds } = setup({
      defaults: { ...defaultAlertSettings().defaults, minOfflineSec: 0 },
      groups: { lab: { offline: false } },
      devices: { loud: { offline: true } },
      groupWindowSec: 0,
    });
    h.engine.applySettings({ ...h.engine.getSettings(), groups: [{ name: 'lab', match: 'lab-*' }], devices: { loud: { group: 'lab' } } }, h.now());
    for (const id of ['lab-1', 'loud', 'other']) {
      h.connect(id);
      h.disconnect(id, 'connection-lost');
    }
    advance(1_000);
    expect(kinds().sort()).toEqual(['offline:loud', 'offline:other']);
  });

  it('keeps the outage log in step with the underlying status, flapping included', () => {
    const { h, outages } = setup();
    h.connect('a');
    h.disconnect('a', 'keepalive-timeout');
    h.connect('a');
    expect(outages).toEqual([`start a ${h.now()} keepalive-timeout`, `end a ${h.now()}`]);
  });

  it('watches user silent-topic rules for topics that published at least once', () => {
    const { h, engine, advance, alerts } = setup({ silentTopics: [{ id: 's', topicFilter: 'lab/+/temp', maxSilenceSec: 60 }] });
    engine.message('lab/a/temp', h.now());
    engine.message('lab/a/humidity', h.now());
    advance(61_000);
    expect(alerts.map((a) => `${a.kind}:${a.topicName}`)).toEqual(['silent-topic:lab/a/temp']);
    advance(120_000);
    expect(alerts).toHaveLength(1);
  });
});
