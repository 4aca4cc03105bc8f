// @ts-check
/**
 * Persistent-session drain: a cleanSession=0 subscriber subscribes at QoS 1 and goes away;
 * N QoS 1 messages are published (all acknowledged); it reconnects and we time the drain
 * from CONNECT until every message arrived. Every acknowledged message must arrive
 * [MQTT-3.1.2-5]: the session keeps QoS 1/2 messages while the client is disconnected.
 */
import { openClient } from '../lib/client.js';
import { WindowedPublisher, makeTemplate } from '../lib/publishers.js';
import { TYPE } from '../lib/mqtt-encode.js';
import { PUB_ID, SEQ } from '../lib/payload.js';
import { SeqLedger } from '../lib/seq-ledger.js';
import { CpuWindow } from '../lib/proc-stats.js';
import { nowS, waitFor } from '../lib/util.js';

/** @type {import('./context.js').Scenario} */
export default {
  name: 'drain',
  title: 'Offline persistent session drain',
  params: {
    full: { messages: 10_000, window: 50, payloadSize: 64, publishTimeoutMs: 60_000, drainTimeoutMs: 60_000 },
    quick: { messages: 200, window: 20, payloadSize: 64, publishTimeoutMs: 20_000, drainTimeoutMs: 20_000 },
  },
  timeoutMs: (p) => (p.publishTimeoutMs ?? 0) + (p.drainTimeoutMs ?? 0) + 20_000,
  async run({ port, brokerPid, pool, p }) {
    const messages = p.messages ?? 1;
    const payloadSize = p.payloadSize ?? 64;
    const session = { clientId: 'bench-drain-sub', cleanSession: false };
    const first = await openClient(port, session, pool);
    await first.subscribe([{ topicFilter: 'bench/drain/#', qos: 1 }]);
    await first.disconnect();

    const ledger = new SeqLedger();
    const pub = await openClient(port, { clientId: 'bench-drain-pub' }, pool);
    const publisher = new WindowedPublisher(pub, {
      tpl: makeTemplate({ topicName: 'bench/drain/t', payloadSize, qos: 1 }),
      qos: 1,
      pubId: 0,
      window: p.window ?? 50,
      ledger,
      limit: messages,
    });
    publisher.start();
    await waitFor(() => publisher.completed >= messages, p.publishTimeoutMs ?? 60_000, () => `${publisher.completed} of ${messages} publishes acknowledged`, 10);

    const cpu = new CpuWindow(brokerPid);
    const t0 = nowS();
    /** @type {import('../lib/client.js').RawClient | null} */
    let again = null;
    // The client that acks: set by openClient's setup callback, because the queued messages may
    // arrive in the same chunk as CONNACK, before openClient has resolved (`again` is null then).
    /** @type {import('../lib/client.js').RawClient | null} */
    let acker = null;
    const onPublish = (/** @type {number} */ flags, /** @type {Buffer} */ buf, /** @type {number} */ start, /** @type {number} */ end) => {
      const topicEnd = start + 2 + buf.readUInt16BE(start);
      if (((flags >> 1) & 3) > 0) acker?.queueAck(TYPE.PUBACK, buf.readUInt16BE(topicEnd));
      ledger.markReceived(buf.readUInt32BE(end - payloadSize + PUB_ID), buf.readUInt32BE(end - payloadSize + SEQ));
    };
    again = await openClient(port, session, pool, 15_000, (c) => {
      acker = c;
      c.onPublish = onPublish;
    });
    let complete = true;
    await waitFor(() => ledger.uniqueReceived >= messages, p.drainTimeoutMs ?? 60_000, 'drain', 1).catch(() => {
      complete = false;
    });
    const seconds = nowS() - t0;
    const window = cpu.end();
    const lost = ledger.lost();
    return {
      drainSec: complete ? Number(seconds.toFixed(4)) : null,
      msgPerSec: complete ? Math.round(messages / seconds) : null,
      messages,
      sessionPresent: again.sessionPresent,
      delivered: ledger.uniqueReceived,
      lost,
      duplicates: ledger.duplicates,
      zeroLoss: lost === 0,
      brokerCpuPct: window.brokerCpuPct,
      loadgenCpuPct: window.loadgenCpuPct,
    };
  },
};
