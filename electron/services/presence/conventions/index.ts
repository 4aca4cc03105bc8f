/**
 * All availability conventions, tried in a fixed order: user rules first (a lab may override
 * anything), then the firmware conventions from the most to the least specific topic shape, then
 * topics learned from Home Assistant discovery, HA's default words, and finally any registered will.
 */
import type { AvailabilityMessage, AvailabilitySignal, Convention } from './types.js';
import { tasmota } from './tasmota.js';
import { homie } from './homie.js';
import { shellyGen1 } from './shelly.js';
import { zigbee2mqttBridge, zigbee2mqttDevice } from './zigbee2mqtt.js';
import { HomeAssistantDiscovery, homeAssistantDefault, homeAssistantSelf } from './home-assistant.js';
import { esphome } from './esphome.js';
import { WillConvention } from './will.js';
import { UserRules } from './user-rules.js';

export type { AvailabilityMessage, AvailabilitySignal, Convention } from './types.js';
export { homieVersion } from './homie.js';

/** last topic levels of the built-in conventions (Tasmota, Homie, Shelly, Zigbee2MQTT, HA, ESPHome) */
const STATIC_LAST_LEVELS: ReadonlySet<string> = new Set(['LWT', 'DEEPSLEEP', '$state', 'online', 'state', 'availability', 'status']);

export class Conventions {
  readonly userRules = new UserRules();
  readonly discovery = new HomeAssistantDiscovery();
  readonly wills = new WillConvention();
  private readonly ordered: Convention[] = [
    this.userRules,
    tasmota,
    homie,
    shellyGen1,
    zigbee2mqttBridge,
    zigbee2mqttDevice,
    homeAssistantSelf,
    esphome,
    this.discovery,
    homeAssistantDefault,
    this.wills,
  ];

  /**
   * Cheap test on the topic alone, so the common message (sensor data) is not decoded and run
   * through every convention: the built-in conventions all end in one of STATIC_LAST_LEVELS.
   */
  candidate(topicName: string): boolean {
    const last = topicName.slice(topicName.lastIndexOf('/') + 1);
    return STATIC_LAST_LEVELS.has(last) || this.wills.ownerOf(topicName) !== undefined || this.discovery.has(topicName) || this.userRules.list().length > 0;
  }

  match(msg: AvailabilityMessage): AvailabilitySignal | undefined {
    for (const convention of this.ordered) {
      const signal = convention.match(msg);
      if (signal) return signal;
    }
    return undefined;
  }
}
