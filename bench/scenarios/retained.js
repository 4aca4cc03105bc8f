// @ts-check
/**
 * Retained delivery: N retained messages on distinct topics (stored with QoS 1 and a window,
 * so every one is known to be stored), then a new `#` subscriber; rate until all arrived.
 * Topics are fixed width (`bench/ret/d00000/s0`) so each packet is the template with digits patched.
 */
import { openClient } from '../lib/client.js';
import { WindowedPublisher, makeTemplate } from '../lib/publishers.js';
import { SEQ } from '../lib/payload.js';
import { SeqLedger } from '../lib/seq-ledger.js';
import { CpuWindow } from '../lib/proc-stats.js';
import { nowS, waitFor } from '../lib/util.js';

const TOPIC = 'bench/ret/d00000/s0';
const DEVICE_DIGITS_AT = 'bench/ret/d'.length;

/** @type {import('./context.js').Scenario} */
export default {
  name: 'retained',
  title: 'Retained messages to a new # subscriber',
  params: {
    full: { messages: 50_000, window: 100, payloadSize: 64, storeTimeoutMs: 120_000, deliverTimeoutMs: 60_000 },
    quick: { messages: 500, window: 50, payloadSize: 64, storeTimeoutMs: 20_000, deliverTimeoutMs: 20_000 },
  },
  timeoutMs: (p) => (p.storeTimeoutMs ?? 0) + (p.deliverTimeoutMs ?? 0) + 20_000,
  async run({ port, brokerPid, pool, p }) {
    const messages = p.messages ?? 1;
    const payloadSize = p.payloadSize ?? 64;
    const ledger = new SeqLedger();
    const pub = await openClient(port, { clientId: 'bench-retained-pub' }, pool);
    const tpl = makeTemplate({ topicName: TOPIC, payloadSize, qos: 1, retain: true });
    const topicAt = 4; // fixed header (2 bytes for these sizes) + topic length (2)
    if (tpl.packet.length >= 128 + 2) throw new Error('retained template outgrew a 1-byte remaining length');
    const publisher = new WindowedPublisher(pub, {
      tpl,
      qos: 1,
      pubId: 0,
      window: p.window ?? 100,
      ledger,
      limit: messages,
      patch: (buf, at, seq) => {
        buf.write(String(Math.floor(seq / 10)).padStart(5, '0'), at + topicAt + DEVICE_DIGITS_AT, 'latin1');
        buf[at + topicAt + TOPIC.length - 1] = 0x30 + (seq % 10);
      },
    });
    const s0 = nowS();
    publisher.start();
    await waitFor(() => publisher.completed >= messages, p.storeTimeoutMs ?? 60_000, () => `${publisher.completed} of ${messages} retained publishes acknowledged`, 20);
    const storeSeconds = nowS() - s0;

    const received = new SeqLedger();
    let notRetained = 0;
    const sub = await openClient(port, { clientId: 'bench-retained-sub' }, pool);
    sub.onPublish = (flags, buf, _start, end) => {
      if ((flags & 1) === 0) notRetained += 1;
      received.markReceived(0, buf.readUInt32BE(end - payloadSize + SEQ));
    };
    const cpu = new CpuWindow(brokerPid);
    const t0 = nowS();
    await sub.subscribe([{ topicFilter: '#', qos: 0 }]);
    let complete = true;
    await waitFor(() => received.uniqueReceived >= messages, p.deliverTimeoutMs ?? 60_000, 'retained delivery', 1).catch(() => {
      complete = false;
    });
    const seconds = nowS() - t0;
    const window = cpu.end();
    if (!complete) throw new Error(`only ${received.uniqueReceived} of ${messages} retained messages delivered`);
    return {
      msgPerSec: Math.round(messages / seconds),
      deliverSec: Number(seconds.toFixed(3)),
      messages,
      storeMsgPerSec: Math.round(messages / storeSeconds),
      duplicates: received.duplicates,
      notRetained,
      brokerCpuPct: window.brokerCpuPct,
      loadgenCpuPct: window.loadgenCpuPct,
    };
  },
};
