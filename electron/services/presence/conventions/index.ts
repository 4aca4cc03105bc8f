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

  match(msg: AvailabilityMessage): AvailabilitySignal | undefined {
    for (const convention of this.ordered) {
      const signal = convention.match(msg);
      if (signal) return signal;
    }
    return undefined;
  }
}
