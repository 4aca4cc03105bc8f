import type { Availability, ConventionId } from '../../../contract/fleet.js';

/** An availability message as the conventions see it: topic plus a bounded UTF-8 payload. */
export interface AvailabilityMessage {
  topicName: string;
  /** decoded payload (availability payloads are short; longer ones arrive truncated) */
  payload: string;
}

/** What a recognised availability message says about one device. */
export interface AvailabilitySignal {
  convention: ConventionId;
  /** the device's name in its firmware's terms (Tasmota topic, ESPHome prefix, Homie id, …) */
  name: string;
  availability: Availability;
  /** the device's availability topic (for Tasmota's DEEPSLEEP message: its LWT topic) */
  availabilityTopic: string;
  /**
   * true when the device itself publishes this topic (birth / will);
   * false when another client reports on its behalf (a Zigbee2MQTT bridge for its devices).
   */
  selfReported: boolean;
  /** the firmware's own word, when it says more than online/offline (`init`, `alert`, `lost`) */
  word?: string;
  /** the device announced when it wakes: ms from receipt (Tasmota DEEPSLEEP `Wakeup`) */
  wakeInMs?: number;
}

/** One firmware convention: recognises its availability topics, ignores everything else. */
export interface Convention {
  id: ConventionId | 'homie';
  label: string;
  match(msg: AvailabilityMessage): AvailabilitySignal | undefined;
}
