// @ts-check
/**
 * The flood: real MQTT clients (MQTT.js, QoS 0) publishing `rate` messages per second spread
 * round-robin over `topics` topic names, paced in 10 ms ticks. A client whose socket buffer
 * grows past a bound skips its tick (counted), so a slow broker shows as a lower achieved
 * rate instead of unbounded memory in the load generator.
 */
import mqtt from 'mqtt';

const TICK_MS = 10;
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/** 50 sites × 100 devices × 10 metrics = 50,000 topics (the shape of a real lab fleet). */
const METRICS = ['temp', 'hum', 'press', 'rssi', 'vcc', 'uptime', 'heap', 'state', 'power', 'energy'];

/** @param {number} i @param {number} topics */
export function topicName(i, topics) {
  const perSite = Math.max(1, Math.floor(topics / 50));
  const site = Math.floor(i / perSite);
  const inSite = i % perSite;
  return `lab/site-${site}/dev-${Math.floor(inSite / METRICS.length)}/${METRICS[inSite % METRICS.length]}`;
}

/**
 * @param {{ port: number, rate: number, topics: number, clients: number }} o
 */
export async function startFlood(o) {
  const names = Array.from({ length: o.topics }, (_, i) => topicName(i, o.topics));
  const clients = await Promise.all(
    Array.from({ length: o.clients }, (_, k) =>
      mqtt.connectAsync(`mqtt://127.0.0.1:${o.port}`, { clientId: `flood-${k}`, protocolVersion: 4, reconnectPeriod: 0, keepalive: 60 }),
    ),
  );
  let next = 0;
  let sent = 0;
  let skipped = 0;
  let running = true;
  const started = performance.now();
  let due = 0;
  const timer = setInterval(() => {
    if (!running) return;
    // Catch up to the schedule (timers drift on a busy machine), at most one second's worth.
    const target = Math.floor(((performance.now() - started) / 1000) * o.rate);
    const n = Math.min(target - due, o.rate);
    due += n;
    for (let j = 0; j < n; j++) {
      const client = clients[j % clients.length];
      if (!client) continue;
      const stream = /** @type {{ writableLength?: number }} */ (/** @type {unknown} */ (client.stream));
      if ((stream.writableLength ?? 0) > MAX_BUFFERED_BYTES) {
        skipped += 1;
        continue;
      }
      const i = next;
      next = (next + 1) % names.length;
      const payload = `{"v":${(Math.sin(sent / 100) * 50).toFixed(2)},"seq":${sent},"ts":${Date.now()}}`;
      client.publish(/** @type {string} */ (names[i]), payload, { qos: 0 });
      sent += 1;
    }
  }, TICK_MS);
  return {
    counts: () => ({ sent, skipped }),
    async stop() {
      running = false;
      clearInterval(timer);
      await Promise.all(clients.map((c) => c.endAsync()));
    },
  };
}
