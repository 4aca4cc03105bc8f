/** A subscription of the host program (the inline client): delivery is a synchronous callback. */

import type { InlineMessage } from '../api.js';
import type { QoS } from '../codec/packets.js';
import type { IndexSubscriber } from '../topics/topic-index.js';

export class InlineSubscriber implements IndexSubscriber {
  readonly kind = 'inline' as const;
  matchGen = 0;
  matchQos: QoS = 0;

  constructor(readonly onMessage: (msg: InlineMessage) => void) {}

  deliver(msg: InlineMessage): void {
    try {
      this.onMessage(msg);
    } catch (err) {
      // The host's callback must not break routing to the other subscribers.
      process.emitWarning(`inline subscriber threw: ${err instanceof Error ? err.stack ?? err.message : String(err)}`, 'FleetwatchBrokerWarning');
    }
  }
}
