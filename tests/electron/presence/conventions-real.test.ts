/**
 * The conventions without a simulator flavor, with plain MQTT.js clients publishing the exact
 * topics and payloads, and killed ungracefully (the socket destroyed, no DISCONNECT).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { startRig, until, type Rig } from './rig.js';

let rig: Rig;
afterEach(async () => rig?.close());

/** no DISCONNECT: the broker sees the connection drop and publishes the will */
function kill(c: MqttClient): void {
  c.options.reconnectPeriod = 0;
  c.stream.destroy();
}

describe('presence with real clients: other conventions', () => {
  it('Shelly Gen1: shellies/<id>/online true, will false', async () => {
    rig = await startRig();
    const c = await rig.client({ clientId: 'shellyplug-s-C45BBE', will: { topic: 'shellies/shellyplug-s-C45BBE/online', payload: Buffer.from('false'), qos: 0, retain: true } });
    await c.publishAsync('shellies/shellyplug-s-C45BBE/online', 'true', { retain: true });
    await until(() => rig.summary('shellyplug-s-C45BBE').convention === 'shelly-gen1', () => 'shelly convention');
    expect(rig.summary('shellyplug-s-C45BBE')).toMatchObject({ status: 'online', name: 'shellyplug-s-C45BBE' });
    kill(c);
    await rig.waitStatus('shellyplug-s-C45BBE', 'offline/connection-lost');
    await until(() => rig.broker.broker.retained('shellies/shellyplug-s-C45BBE/online')[0]?.payload.toString() === 'false', () => 'will false');
  });

  it('Zigbee2MQTT: the bridge (JSON state) and its devices, reported by the bridge', async () => {
    rig = await startRig();
    const bridge = await rig.client({ clientId: 'zigbee2mqtt_bridge', will: { topic: 'zigbee2mqtt/bridge/state', payload: Buffer.from('{"state":"offline"}'), qos: 1, retain: true } });
    await bridge.publishAsync('zigbee2mqtt/bridge/state', '{"state":"online"}', { retain: true, qos: 1 });
    await bridge.publishAsync('zigbee2mqtt/kitchen/lamp/availability', '{"state":"online"}', { retain: true, qos: 1 });
    await rig.waitStatus('zigbee2mqtt-device:kitchen/lamp', 'online/reported-online');
    expect(rig.summary('zigbee2mqtt_bridge')).toMatchObject({ convention: 'zigbee2mqtt-bridge', name: 'zigbee2mqtt/bridge', status: 'online' });
    expect(rig.summary('zigbee2mqtt-device:kitchen/lamp')).toMatchObject({ convention: 'zigbee2mqtt-device', name: 'kitchen/lamp', clientId: null, flags: [] });
    await bridge.publishAsync('zigbee2mqtt/kitchen/lamp/availability', '{"state":"offline"}', { retain: true, qos: 1 });
    await rig.waitStatus('zigbee2mqtt-device:kitchen/lamp', 'offline/reported-offline');
    kill(bridge);
    await rig.waitStatus('zigbee2mqtt_bridge', 'offline/connection-lost');
  });

  it('Zigbee2MQTT 1.x: the plain online/offline bridge state', async () => {
    rig = await startRig();
    const bridge = await rig.client({ clientId: 'z2m-legacy', will: { topic: 'zigbee2mqtt/bridge/state', payload: Buffer.from('offline'), qos: 1, retain: true } });
    await bridge.publishAsync('zigbee2mqtt/bridge/state', 'online', { retain: true, qos: 1 });
    await until(() => rig.summary('z2m-legacy').convention === 'zigbee2mqtt-bridge', () => 'z2m bridge');
    kill(bridge);
    await rig.waitStatus('z2m-legacy', 'offline/connection-lost');
  });

  it('Home Assistant default words on <name>/availability, and payloads learned from a discovery config', async () => {
    rig = await startRig();
    const plain = await rig.client({ clientId: 'probe-1', will: { topic: 'lab/probe-1/availability', payload: Buffer.from('offline'), qos: 1, retain: true } });
    await plain.publishAsync('lab/probe-1/availability', 'online', { retain: true, qos: 1 });
    await until(() => rig.summary('probe-1').convention === 'home-assistant', () => 'HA default convention');
    expect(rig.summary('probe-1').name).toBe('lab/probe-1');

    const custom = await rig.client({ clientId: 'probe-2', will: { topic: 'lab/probe-2/alive', payload: Buffer.from('no'), qos: 1, retain: true } });
    await custom.publishAsync('homeassistant/sensor/probe2/temperature/config', JSON.stringify({ '~': 'lab/probe-2', avty_t: '~/alive', pl_avail: 'yes', pl_not_avail: 'no', stat_t: '~/temp', dev: { name: 'Probe Two', ids: ['probe2'] } }), { retain: true, qos: 1 });
    await custom.publishAsync('lab/probe-2/alive', 'yes', { retain: true, qos: 1 });
    await until(() => rig.summary('probe-2').convention === 'home-assistant', () => 'HA discovery convention');
    expect(rig.summary('probe-2')).toMatchObject({ name: 'Probe Two', status: 'online' });
    kill(custom);
    kill(plain);
    await rig.waitStatus('probe-2', 'offline/connection-lost');
    await rig.waitStatus('probe-1', 'offline/connection-lost');
  });

  it('any registered will: its payload means offline, the owner’s other payloads online', async () => {
    rig = await startRig();
    const c = await rig.client({ clientId: 'custom-fw-7', will: { topic: 'lab/custom-7/alive', payload: Buffer.from('0'), qos: 1, retain: true } });
    await c.publishAsync('lab/custom-7/alive', '1', { retain: true, qos: 1 });
    await until(() => rig.summary('custom-fw-7').convention === 'will', () => 'will convention');
    expect(rig.summary('custom-fw-7')).toMatchObject({ status: 'online', availabilityTopics: ['lab/custom-7/alive'] });
    kill(c);
    await rig.waitStatus('custom-fw-7', 'offline/connection-lost');
  });

  it('a user-defined rule (topic pattern, online and offline payloads)', async () => {
    rig = await startRig({ presence: { userRules: [{ id: 'lab', topicFilter: 'lab/+/heartbeat', onlinePayloads: ['alive'], offlinePayloads: ['dead'] }] } });
    const c = await rig.client({ clientId: 'rule-dev', will: { topic: 'lab/rd/heartbeat', payload: Buffer.from('dead'), qos: 1, retain: true } });
    await c.publishAsync('lab/rd/heartbeat', 'alive', { qos: 1 });
    await until(() => rig.summary('rule-dev').convention === 'user-rule', () => 'user rule');
    expect(rig.summary('rule-dev').name).toBe('rd');
    kill(c);
    await rig.waitStatus('rule-dev', 'offline/connection-lost');
  });
});
