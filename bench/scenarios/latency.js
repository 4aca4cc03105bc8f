// @ts-check
/**
 * End-to-end latency at a fixed rate (QoS 0, one publisher, one subscriber in this process,
 * so both ends read the same clock). Each message carries its hrtime at the moment of write.
 * The pacer runs on ~1 ms timers and sends whatever is due, so it never busy-waits and steals
 * no CPU from the broker on a 2-core machine.
 */
import { openClient } from '../lib/client.js';
import { makeTemplate } from '../lib/publishers.js';
import { SENT_AT, SEQ } from '../lib/payload.js';
import { CpuWindow } from '../lib/proc-stats.js';
import { percentile, sleep, waitQuiet } from '../lib/util.js';

/** @type {import('./context.js').Scenario} */
export default {
  name: 'latency',
  title: 'Latency at a fixed rate',
  params: {
    full: { rate: 5000, payloadSize: 64, warmupMs: 1000, measureMs: 4000 },
    quick: { rate: 1000, payloadSize: 64, warmupMs: 100, measureMs: 500 },
  },
  timeoutMs: (p) => (p.warmupMs ?? 0) + (p.measureMs ?? 0) + 30_000,
  async run({ port, brokerPid, pool, p }) {
    const rate = p.rate ?? 5000;
    const payloadSize = p.payloadSize ?? 64;
    const warmupMs = p.warmupMs ?? 0;
    const measureMs = p.measureMs ?? 0;
    const samples = new Float64Array(Math.ceil((rate * (warmupMs + measureMs + 2000)) / 1000));
    let count = 0;
    let received = 0;
    let measuring = false;
    const sub = await openClient(port, { clientId: 'bench-latency-sub' }, pool);
    sub.onPublish = (_flags, buf, _start, end) => {
      received += 1;
      if (!measuring) return;
      const sentAt = buf.readBigUInt64BE(end - payloadSize + SENT_AT);
      if (count < samples.length) samples[count++] = Number(process.hrtime.bigint() - sentAt) / 1e6;
    };
    await sub.subscribe([{ topicFilter: 'bench/latency', qos: 0 }]);
    const pub = await openClient(port, { clientId: 'bench-latency-pub' }, pool);
    const tpl = makeTemplate({ topicName: 'bench/latency', payloadSize });
    const seqAt = tpl.payloadOffset + SEQ;
    const stampAt = tpl.payloadOffset + SENT_AT;
    let sent = 0;
    let running = true;
    const t0 = performance.now();
    const tick = () => {
      if (!running || pub.socket.destroyed) return;
      const due = Math.floor(((performance.now() - t0) * rate) / 1000) - sent;
      for (let k = 0; k < due; k += 1) {
        const packet = Buffer.from(tpl.packet);
        packet.writeUInt32BE(sent, seqAt);
        packet.writeBigUInt64BE(process.hrtime.bigint(), stampAt);
        pub.socket.write(packet);
        sent += 1;
      }
      setTimeout(tick, 1);
    };
    tick();
    await sleep(warmupMs);
    measuring = true;
    const cpu = new CpuWindow(brokerPid);
    await sleep(measureMs);
    measuring = false;
    const window = cpu.end();
    running = false;
    await waitQuiet(() => received, 300, 10_000);
    const sorted = samples.subarray(0, count).sort();
    const ms = (/** @type {number} */ x) => Number(x.toFixed(3));
    return {
      p50Ms: ms(percentile(sorted, 50)),
      p90Ms: ms(percentile(sorted, 90)),
      p99Ms: ms(percentile(sorted, 99)),
      p999Ms: ms(percentile(sorted, 99.9)),
      maxMs: ms(percentile(sorted, 100)),
      rate,
      samples: count,
      sent,
      droppedQos0: sent - received,
      brokerCpuPct: window.brokerCpuPct,
      loadgenCpuPct: window.loadgenCpuPct,
    };
  },
};
