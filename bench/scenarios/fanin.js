// @ts-check
/**
 * QoS 0 fan-in: many publishers at saturation into one `#` subscriber; deliveries per second.
 * Saturation is bounded end to end (lib/credit.js): at most `inflight` messages between the
 * publishers and the subscriber, so this is the broker's sustainable forwarding rate.
 */
import { openClient } from '../lib/client.js';
import { Flooder, makeTemplate } from '../lib/publishers.js';
import { PUB_ID, SEQ } from '../lib/payload.js';
import { CpuWindow } from '../lib/proc-stats.js';
import { sleep, waitQuiet } from '../lib/util.js';
import { OrderWatch } from './order-watch.js';
import { Credit } from '../lib/credit.js';

/** @type {import('./context.js').Scenario} */
export default {
  name: 'fanin',
  title: 'QoS 0 fan-in',
  params: {
    full: { publishers: 50, payloadSize: 64, batch: 32, inflight: 5000, warmupMs: 1000, measureMs: 4000 },
    quick: { publishers: 5, payloadSize: 64, batch: 8, inflight: 2000, warmupMs: 200, measureMs: 500 },
  },
  timeoutMs: (p) => (p.warmupMs ?? 0) + (p.measureMs ?? 0) + 45_000,
  async run({ port, brokerPid, pool, p }) {
    const publishers = p.publishers ?? 1;
    const sub = await openClient(port, { clientId: 'bench-fanin-sub' }, pool);
    const order = new OrderWatch();
    const credit = new Credit(p.inflight ?? 5000, 1000);
    let received = 0;
    sub.onChunkEnd = () => credit.wake();
    sub.onPublish = (_flags, buf, _start, end) => {
      received += 1;
      credit.delivered();
      const payload = end - (p.payloadSize ?? 0);
      order.see(buf.readUInt32BE(payload + PUB_ID), buf.readUInt32BE(payload + SEQ));
    };
    await sub.subscribe([{ topicFilter: '#', qos: 0 }]);
    const clients = await Promise.all(
      Array.from({ length: publishers }, (_, i) => openClient(port, { clientId: `bench-fanin-pub-${i}` }, pool)),
    );
    const flooders = clients.map(
      (c, i) => new Flooder(c, makeTemplate({ topicName: `bench/fanin/${i}`, payloadSize: p.payloadSize ?? 64 }), i, p.batch ?? 32, credit, 1),
    );
    for (const f of flooders) f.start();
    await sleep(p.warmupMs ?? 0);
    const r0 = received;
    const cpu = new CpuWindow(brokerPid);
    await sleep(p.measureMs ?? 0);
    const r1 = received;
    const window = cpu.end();
    for (const f of flooders) f.stop();
    credit.close();
    const sent = flooders.reduce((sum, f) => sum + f.sent, 0);
    await waitQuiet(() => received, 300, 10_000);
    return {
      deliveriesPerSec: Math.round((r1 - r0) / window.seconds),
      publishers,
      sent,
      received,
      droppedQos0: sent - received,
      stallWriteOffs: credit.writtenOff,
      outOfOrder: order.outOfOrder,
      brokerCpuPct: window.brokerCpuPct,
      loadgenCpuPct: window.loadgenCpuPct,
    };
  },
};
