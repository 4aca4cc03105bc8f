/**
 * Wires the topics service to a running broker: `message.published` feeds the model
 * in-process, the retained store answers detail/clear queries, and the inline client
 * publishes. The composition root calls this once; nothing here opens a socket.
 */

import type { InlineClient, PublishedMessage, RetainedRecord } from '../../../broker-core/index.js';
import type { TopicsChangesDto } from '../../contract/topics.js';
import type { TopicsLimits } from './limits.js';
import { TopicsService, type TopicsBrokerPort } from './topics-service.js';

/** The part of broker-core's Broker the explorer uses. */
export interface TopicsBrokerSource {
  on(event: 'message.published', listener: (msg: PublishedMessage) => void): unknown;
  retained(topicFilter?: string): RetainedRecord[];
  clearRetained(topicName: string): Promise<void>;
  restoreRetained(record: RetainedRecord): Promise<void>;
  readonly inline: InlineClient;
}

export function brokerPort(broker: TopicsBrokerSource): TopicsBrokerPort {
  return {
    retained: async (filter) => broker.retained(filter),
    clearRetained: (topicName) => broker.clearRetained(topicName),
    // Undo puts the record back exactly (store time and publisher included).
    restoreRetained: (record) => broker.restoreRetained(record),
    publish: (msg) => broker.inline.publish(msg),
  };
}

export interface AttachedTopics {
  service: TopicsService;
  /** stops batching; the broker is closed by its owner */
  close(): void;
}

export interface AttachOptions {
  limits?: Partial<TopicsLimits>;
  /** whether any view listens to `topics.changes` (no batches are built while none does) */
  hasListeners?: () => boolean;
}

export async function attachTopicsService(
  broker: TopicsBrokerSource,
  emit: (changes: TopicsChangesDto) => void,
  options: AttachOptions = {},
): Promise<AttachedTopics> {
  const service = new TopicsService({
    broker: brokerPort(broker),
    emit,
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.hasListeners ? { hasListeners: options.hasListeners } : {}),
  });
  let open = true;
  broker.on('message.published', (msg) => {
    if (open) service.ingest(msg);
  });
  await service.seedRetained();
  return {
    service,
    close() {
      open = false;
      service.dispose();
    },
  };
}
