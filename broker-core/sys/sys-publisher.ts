/**
 * $SYS statistics, published periodically as retained QoS 0 messages like mosquitto's
 * (`$SYS/broker/clients/connected`, `…/messages/received`, `…/bytes/sent`, `…/uptime`, …).
 * Like mosquitto, a topic is re-published only when its value changed. The topics start with `$`,
 * so `#` subscribers do not see them [MQTT-4.7.2-1]; `$SYS/#` does.
 */

import type { BrokerStats } from '../api.js';

export type SysPublish = (topicName: string, value: string) => void;

export class SysPublisher {
  private timer: NodeJS.Timeout | undefined = undefined;
  private readonly last = new Map<string, string>();

  constructor(
    private readonly intervalSeconds: number,
    private readonly version: string,
    private readonly stats: () => BrokerStats,
    private readonly publish: SysPublish,
  ) {}

  start(): void {
    if (this.intervalSeconds <= 0 || this.timer !== undefined) return;
    this.tick();
    this.timer = setInterval(() => this.tick(), this.intervalSeconds * 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Publishes every value that changed since the last tick. */
  tick(): void {
    const s = this.stats();
    const values: [string, string | number][] = [
      ['$SYS/broker/version', this.version],
      ['$SYS/broker/uptime', `${s.uptimeSeconds} seconds`],
      ['$SYS/broker/clients/connected', s.clientsConnected],
      ['$SYS/broker/clients/active', s.clientsConnected],
      ['$SYS/broker/clients/disconnected', s.clientsTotal - s.clientsConnected],
      ['$SYS/broker/clients/total', s.clientsTotal],
      ['$SYS/broker/clients/maximum', s.clientsMaximum],
      ['$SYS/broker/messages/received', s.messagesReceived],
      ['$SYS/broker/messages/sent', s.messagesSent],
      ['$SYS/broker/messages/inflight', s.inflightCount],
      ['$SYS/broker/messages/stored', s.queuedCount + s.inflightCount],
      ['$SYS/broker/store/messages/count', s.queuedCount + s.inflightCount],
      ['$SYS/broker/publish/messages/received', s.publishReceived],
      ['$SYS/broker/publish/messages/sent', s.publishSent],
      ['$SYS/broker/publish/messages/dropped', s.publishDropped],
      ['$SYS/broker/bytes/received', s.bytesReceived],
      ['$SYS/broker/bytes/sent', s.bytesSent],
      ['$SYS/broker/retained messages/count', s.retainedCount],
      ['$SYS/broker/subscriptions/count', s.subscriptionsCount],
      ['$SYS/broker/connections/refused', s.connectionsRefused],
      ['$SYS/broker/heap/current', process.memoryUsage().heapUsed],
    ];
    for (const [topicName, raw] of values) {
      const value = String(raw);
      if (this.last.get(topicName) === value) continue;
      this.last.set(topicName, value);
      this.publish(topicName, value);
    }
  }
}
