import { describe, expect, it } from 'vitest';
import { Conventions } from '../../../electron/services/presence/conventions/index.js';
import { homieVersion } from '../../../electron/services/presence/conventions/homie.js';
import { matchFilter } from '../../../electron/services/presence/conventions/user-rules.js';

const c = new Conventions();
const m = (topicName: string, payload: string) => c.match({ topicName, payload });

describe('Tasmota convention', () => {
  it('reads tele/<topic>/LWT Online and Offline', () => {
    expect(m('tele/tasmota_1A2B3C/LWT', 'Online')).toMatchObject({ convention: 'tasmota', name: 'tasmota_1A2B3C', availability: 'online', selfReported: true });
    expect(m('tele/tasmota_1A2B3C/LWT', 'Offline')).toMatchObject({ convention: 'tasmota', availability: 'offline' });
  });
  it('reads the %topic%/%prefix% FullTopic and a custom prefix', () => {
    expect(m('kitchen/tele/LWT', 'Online')).toMatchObject({ convention: 'tasmota', name: 'kitchen' });
    expect(m('hm/tele/ESP_3284D1/LWT', 'Offline')).toMatchObject({ name: 'ESP_3284D1', availability: 'offline' });
  });
  it('reads the DeepSleep LWT word and the DEEPSLEEP announcement with its wake time', () => {
    expect(m('tele/bat1/LWT', 'DeepSleep')).toMatchObject({ availability: 'sleeping' });
    const s = m('tele/bat1/DEEPSLEEP', '{"DeepSleep":{"Time":"2024-01-01T00:00:00","DeepSleep":1704067200,"Wakeup":1704067500}}');
    expect(s).toMatchObject({ convention: 'tasmota', name: 'bat1', availability: 'sleeping', availabilityTopic: 'tele/bat1/LWT', wakeInMs: 300_000 });
  });
  it('ignores other payloads on the LWT topic', () => {
    expect(m('tele/x/LWT', 'maybe')?.convention).not.toBe('tasmota');
  });
});

describe('ESPHome convention', () => {
  it('reads <prefix>/status online and offline', () => {
    expect(m('livingroom/status', 'online')).toMatchObject({ convention: 'esphome', name: 'livingroom', availability: 'online' });
    expect(m('esphome/garage/status', 'offline')).toMatchObject({ convention: 'esphome', name: 'esphome/garage', availability: 'offline' });
  });
  it('leaves Home Assistant’s own homeassistant/status to the Home Assistant convention', () => {
    expect(m('homeassistant/status', 'online')).toMatchObject({ convention: 'home-assistant', name: 'homeassistant' });
  });
  it('does not claim other words', () => {
    expect(m('x/status', 'Online')).toBeUndefined();
  });
});

describe('Homie convention', () => {
  it('reads Homie 3/4 $state words: init, ready, alert are online; disconnected and lost offline; sleeping', () => {
    expect(m('homie/dev1/$state', 'ready')).toMatchObject({ convention: 'homie4', name: 'dev1', availability: 'online', word: 'ready' });
    expect(m('homie/dev1/$state', 'init')).toMatchObject({ availability: 'online', word: 'init' });
    expect(m('homie/dev1/$state', 'alert')).toMatchObject({ availability: 'online', word: 'alert' });
    expect(m('homie/dev1/$state', 'disconnected')).toMatchObject({ availability: 'offline' });
    expect(m('homie/dev1/$state', 'lost')).toMatchObject({ availability: 'offline', word: 'lost' });
    expect(m('homie/dev1/$state', 'sleeping')).toMatchObject({ availability: 'sleeping' });
  });
  it('reads Homie 5 homie/5/<id>/$state and knows v5 has no alert state', () => {
    expect(m('homie/5/dev9/$state', 'ready')).toMatchObject({ convention: 'homie5', name: 'dev9', availability: 'online' });
    expect(m('homie/5/dev9/$state', 'lost')).toMatchObject({ convention: 'homie5', availability: 'offline' });
    expect(m('homie/5/dev9/$state', 'alert')).toBeUndefined();
  });
  it('tells Homie 3 from 4 by $homie', () => {
    expect(homieVersion('homie/dev1/$homie', '3.0.1')).toEqual({ stateTopic: 'homie/dev1/$state', convention: 'homie3' });
    expect(homieVersion('homie/dev1/$homie', '4.0.0')).toEqual({ stateTopic: 'homie/dev1/$state', convention: 'homie4' });
    expect(homieVersion('homie/5/dev9/$homie', '5.0')).toEqual({ stateTopic: 'homie/5/dev9/$state', convention: 'homie5' });
  });
});

describe('Shelly Gen1 convention', () => {
  it('reads shellies/<id>/online true and false', () => {
    expect(m('shellies/shellyplug-s-ABC123/online', 'true')).toMatchObject({ convention: 'shelly-gen1', name: 'shellyplug-s-ABC123', availability: 'online' });
    expect(m('shellies/shellyplug-s-ABC123/online', 'false')).toMatchObject({ availability: 'offline' });
  });
});

describe('Zigbee2MQTT convention', () => {
  it('reads the bridge state, plain (1.x) and JSON (2.x)', () => {
    expect(m('zigbee2mqtt/bridge/state', 'online')).toMatchObject({ convention: 'zigbee2mqtt-bridge', name: 'zigbee2mqtt/bridge', availability: 'online' });
    expect(m('zigbee2mqtt/bridge/state', '{"state":"offline"}')).toMatchObject({ convention: 'zigbee2mqtt-bridge', availability: 'offline' });
    expect(m('z2m-lab/bridge/state', '{"state":"online"}')).toMatchObject({ name: 'z2m-lab/bridge' });
  });
  it('reads device availability reported by the bridge (not self-reported)', () => {
    expect(m('zigbee2mqtt/kitchen/lamp/availability', '{"state":"online"}')).toMatchObject({
      convention: 'zigbee2mqtt-device',
      name: 'kitchen/lamp',
      availability: 'online',
      selfReported: false,
    });
  });
});

describe('Home Assistant convention', () => {
  it('uses the default online/offline words on <name>/availability', () => {
    expect(m('lab/sensor7/availability', 'offline')).toMatchObject({ convention: 'home-assistant', name: 'lab/sensor7', availability: 'offline' });
  });
  it('learns availability topics and custom payloads from discovery configs (abbreviated keys and ~)', () => {
    const conventions = new Conventions();
    const learned = conventions.discovery.learn({
      topicName: 'homeassistant/sensor/node1/temp/config',
      payload: JSON.stringify({ '~': 'lab/node1', avty_t: '~/alive', pl_avail: 'yes', pl_not_avail: 'no', dev: { name: 'Node One' } }),
    });
    expect(learned).toEqual(['lab/node1/alive']);
    expect(conventions.match({ topicName: 'lab/node1/alive', payload: 'yes' })).toMatchObject({ convention: 'home-assistant', name: 'Node One', availability: 'online' });
    expect(conventions.match({ topicName: 'lab/node1/alive', payload: 'no' })).toMatchObject({ availability: 'offline' });
    conventions.discovery.learn({
      topicName: 'homeassistant/binary_sensor/door/config',
      payload: JSON.stringify({ availability: [{ topic: 'door/avail' }] }),
    });
    expect(conventions.match({ topicName: 'door/avail', payload: 'online' })).toMatchObject({ name: 'door', availability: 'online' });
  });
  it('bounds the learned topics and counts what it sheds', async () => {
    const { HomeAssistantDiscovery } = await import('../../../electron/services/presence/conventions/home-assistant.js');
    const d = new HomeAssistantDiscovery(2);
    for (const n of [1, 2, 3]) d.learn({ topicName: `homeassistant/sensor/n${n}/config`, payload: JSON.stringify({ avty_t: `n${n}/a` }) });
    expect(d.size).toBe(2);
    expect(d.shed).toBe(1);
    expect(d.match({ topicName: 'n1/a', payload: 'online' })).toBeUndefined();
  });
});

describe('registered wills and user rules', () => {
  it('treats any registered will topic as availability: the will payload is offline, anything else online', () => {
    const conventions = new Conventions();
    conventions.wills.register('lab/probe-7/alive', 'probe-7', 'dead');
    expect(conventions.match({ topicName: 'lab/probe-7/alive', payload: 'dead' })).toMatchObject({ convention: 'will', name: 'probe-7', availability: 'offline' });
    expect(conventions.match({ topicName: 'lab/probe-7/alive', payload: 'hello' })).toMatchObject({ availability: 'online' });
  });
  it('applies user rules before the built-in conventions', () => {
    const conventions = new Conventions();
    conventions.userRules.set([{ id: 'r1', topicFilter: 'tele/+/LWT', onlinePayloads: ['up'], offlinePayloads: ['down'], sleepingPayloads: ['zzz'] }]);
    expect(conventions.match({ topicName: 'tele/odd/LWT', payload: 'up' })).toMatchObject({ convention: 'user-rule', name: 'odd', availability: 'online' });
    expect(conventions.match({ topicName: 'tele/odd/LWT', payload: 'zzz' })).toMatchObject({ availability: 'sleeping' });
    // Payloads the rule does not name fall through to Tasmota.
    expect(conventions.match({ topicName: 'tele/odd/LWT', payload: 'Online' })).toMatchObject({ convention: 'tasmota' });
  });
  it('rejects malformed rule filters', () => {
    const conventions = new Conventions();
    conventions.userRules.set([{ id: 'bad', topicFilter: 'a/#/b', onlinePayloads: ['1'], offlinePayloads: ['0'] }]);
    expect(conventions.userRules.list()).toEqual([]);
  });
  it('matches topic filters like the broker does', () => {
    expect(matchFilter('lab/+/x/+', 'lab/a/x/b')).toEqual(['a', 'b']);
    expect(matchFilter('lab/#', 'lab/a/b')).toEqual([]);
    expect(matchFilter('lab/+', 'lab/a/b')).toBeUndefined();
    expect(matchFilter('+/status', '$SYS/status')).toBeUndefined();
  });
});
