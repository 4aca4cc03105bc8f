// @ts-check
/**
 * QoS 0 fan-out: one publisher at saturation, many subscribers to its topic; deliveries per
 * second. Bounded end to end like fan-in: at most `inflight` deliveries outstanding.
 */
import { openClient } from '../lib/client.js';
import { Flooder, makeTemplate } from '../lib/publishers.js';
import { SEQ } from '../lib/payload.js';
import { CpuWindow } from '../lib/proc-stats.js';
import { sleep, waitQuiet } from '../lib/util.js';
import { Credit } from '../lib/credit.js';

/** @type {import('./context.js').Scenario} */
export default {
  name: 'fanout',
  title: 'QoS 0 fan-out',
  params: {
    full: { subscribers: 100, payloadSize: 64, batch: 16, inflight: 20_000, warmupMs: 1000, measureMs: 4000 },
    quick: { subscribers: 5, payloadSize: 64, batch: 8, inflight: 2000, warmupMs: 200, measureMs: 500 },
  },
  timeoutMs: (p) => (p.warmupMs ?? 0) + (p.measureMs ?? 0) + 60_000,
  async run({ port, brokerPid, pool, p }) {
    const subscribers = p.subscribers ?? 1;
    const payloadSize = p.payloadSize ?? 64;
    let received = 0;
    let outOfOrder = 0;
    const credit = new Credit(p.inflight ?? 20_000, 1000);
    const subs = await Promise.all(
      Array.from({ length: subscribers }, (_, i) => openClient(port, { clientId: `bench-fanout-sub-${i}` }, pool)),
    );
    await Promise.all(
      subs.map((sub) => {
        let last = -1;
        sub.onChunkEnd = () => credit.wake();
        sub.onPublish = (_flags, buf, _start, end) => {
          received += 1;
          credit.delivered();
          const seq = buf.readUInt32BE(end - payloadSize + SEQ);
          if (seq <= last) outOfOrder += 1;
          else last = seq;
        };
        return sub.subscribe([{ topicFilter: 'bench/fanout', qos: 0 }]);
      }),
    );
    const pub = await openClient(port, { clientId: 'bench-fanout-pub' }, pool);
    const flooder = new Flooder(pub, makeTemplate({ topicName: 'bench/fanout', payloadSize }), 0, p.batch ?? 32, credit, subscribers);
    flooder.start();
    await sleep(p.warmupMs ?? 0);
    const r0 = received;
    const cpu = new CpuWindow(brokerPid);
    await sleep(p.measureMs ?? 0);
    const r1 = received;
    const window = cpu.end();
    flooder.stop();
    credit.close();
    await waitQuiet(() => received, 300, 10_000);
    const expected = flooder.sent * subscribers;
    return {
      deliveriesPerSec: Math.round((r1 - r0) / window.seconds),
      subscribers,
      sent: flooder.sent,
      received,
      droppedQos0: expected - received,
      stallWriteOffs: credit.writtenOff,
      outOfOrder,
      brokerCpuPct: window.brokerCpuPct,
      loadgenCpuPct: window.loadgenCpuPct,
    };
  },
};
