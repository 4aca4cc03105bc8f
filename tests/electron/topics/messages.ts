import type { PublishedMessage, QoS } from '../../../broker-core/index.js';

const enc = new TextEncoder();

export function msg(
  topicName: string,
  payload: string | Uint8Array,
  opts: { qos?: QoS; retain?: boolean; publisherId?: string; at?: number } = {},
): PublishedMessage {
  return {
    topicName,
    payload: typeof payload === 'string' ? enc.encode(payload) : payload,
    qos: opts.qos ?? 0,
    retain: opts.retain ?? false,
    publisherId: opts.publisherId ?? 'sensor-1',
    isWill: false,
    at: opts.at ?? 1_700_000_000_000,
  };
}
