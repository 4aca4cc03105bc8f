/**
 * Any will a client registers is an availability topic, whatever the firmware: the will payload
 * means offline, any other payload the owner publishes there means online (its birth message).
 * The table holds the will of each client's latest session (bounded by the device registry).
 */
import type { AvailabilityMessage, AvailabilitySignal, Convention } from './types.js';

interface RegisteredWill {
  clientId: string;
  payload: string;
}

export class WillConvention implements Convention {
  readonly id = 'will' as const;
  readonly label = 'Registered will';
  private readonly byTopic = new Map<string, RegisteredWill>();

  register(topicName: string, clientId: string, payload: string): void {
    this.byTopic.set(topicName, { clientId, payload });
  }

  /** Forget a client's will (device shed from the registry). */
  unregister(topicName: string, clientId: string): void {
    if (this.byTopic.get(topicName)?.clientId === clientId) this.byTopic.delete(topicName);
  }

  ownerOf(topicName: string): string | undefined {
    return this.byTopic.get(topicName)?.clientId;
  }

  match({ topicName, payload }: AvailabilityMessage): AvailabilitySignal | undefined {
    const will = this.byTopic.get(topicName);
    if (!will) return undefined;
    return {
      convention: 'will',
      name: will.clientId,
      availability: payload === will.payload ? 'offline' : 'online',
      availabilityTopic: topicName,
      selfReported: true,
    };
  }
}
