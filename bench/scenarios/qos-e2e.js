// @ts-check
/**
 * QoS 1 / QoS 2 end to end: windowed publishers into one subscriber at the same QoS.
 * At most `endToEnd` messages may be between publishing and the subscriber's receipt (QoS 1) or
 * PUBREL (QoS 2), so this measures the sustainable rate, not how a broker builds a backlog.
 * Zero loss: every message the broker acknowledged (PUBACK, or PUBREC at QoS 2) reaches the
 * subscriber. QoS 2 must also deliver each message exactly once [MQTT-4.3.3].
 */
import { openClient } from '../lib/client.js';
import { WindowedPublisher, makeTemplate } from '../lib/publishers.js';
import { TYPE } from '../lib/mqtt-encode.js';
import { PUB_ID, SEQ } from '../lib/payload.js';
import { SeqLedger } from '../lib/seq-ledger.js';
import { CpuWindow } from '../lib/proc-stats.js';
import { sleep, waitFor } from '../lib/util.js';
import { Credit } from '../lib/credit.js';

/** @param {1 | 2} qos @returns {import('./context.js').Scenario} */
function qosScenario(qos) {
  return {
    name: `qos${qos}`,
    title: `QoS ${qos} end to end`,
    params: {
      full: { publishers: 10, window: 50, endToEnd: 1000, payloadSize: 64, warmupMs: 500, measureMs: 4000, settleMs: 30_000 },
      quick: { publishers: 2, window: 20, endToEnd: 80, payloadSize: 64, warmupMs: 100, measureMs: 500, settleMs: 10_000 },
    },
    timeoutMs: (p) => (p.warmupMs ?? 0) + (p.measureMs ?? 0) + 2 * (p.settleMs ?? 0) + 30_000,
    async run({ port, brokerPid, pool, p }) {
      const payloadSize = p.payloadSize ?? 64;
      const settleMs = p.settleMs ?? 30_000;
      const ledger = new SeqLedger();
      const credit = new Credit(p.endToEnd ?? 1000, 1000);
      const sub = await openClient(port, { clientId: `bench-qos${qos}-sub` }, pool);
      /** QoS 2 receiver state: packet ids awaiting PUBREL (a re-sent PUBLISH is not a new delivery). */
      const awaitingRel = new Uint8Array(65536);
      let resends = 0;
      let wrongQos = 0;
      sub.onPublish = (flags, buf, start, end) => {
        const topicEnd = start + 2 + buf.readUInt16BE(start);
        const packetId = buf.readUInt16BE(topicEnd);
        const got = (flags >> 1) & 3;
        if (got !== qos) wrongQos += 1;
        if (got === 2) {
          sub.queueAck(TYPE.PUBREC, packetId);
          if (awaitingRel[packetId] === 1) {
            resends += 1;
            return;
          }
          awaitingRel[packetId] = 1;
        } else if (got === 1) {
          sub.queueAck(TYPE.PUBACK, packetId);
          credit.delivered();
        }
        const payload = end - payloadSize;
        ledger.markReceived(buf.readUInt32BE(payload + PUB_ID), buf.readUInt32BE(payload + SEQ));
      };
      sub.onAck = (type, packetId) => {
        if (type === TYPE.PUBREL) {
          if (awaitingRel[packetId] === 1) credit.delivered();
          awaitingRel[packetId] = 0;
          sub.queueAck(TYPE.PUBCOMP, packetId);
        }
      };
      sub.onChunkEnd = () => credit.wake();
      await sub.subscribe([{ topicFilter: `bench/qos${qos}/#`, qos }]);
      const clients = await Promise.all(
        Array.from({ length: p.publishers ?? 1 }, (_, i) => openClient(port, { clientId: `bench-qos${qos}-pub-${i}` }, pool)),
      );
      const publishers = clients.map(
        (c, i) =>
          new WindowedPublisher(c, {
            tpl: makeTemplate({ topicName: `bench/qos${qos}/${i}`, payloadSize, qos }),
            qos,
            pubId: i,
            window: p.window ?? 50,
            ledger,
            credit,
          }),
      );
      for (const w of publishers) w.start();
      await sleep(p.warmupMs ?? 0);
      const d0 = ledger.deliveries;
      const a0 = ledger.ackedCount;
      const cpu = new CpuWindow(brokerPid);
      await sleep(p.measureMs ?? 0);
      const d1 = ledger.deliveries;
      const a1 = ledger.ackedCount;
      const window = cpu.end();
      for (const w of publishers) w.stop();
      credit.close();
      const inflight = () => publishers.reduce((sum, w) => sum + w.inflight, 0);
      let settled = true;
      await waitFor(() => inflight() === 0, settleMs, () => `${inflight()} publishes still unacknowledged`).catch(() => {
        settled = false;
      });
      await waitFor(() => ledger.uniqueReceived >= ledger.ackedCount, settleMs, 'deliveries').catch(() => {
        settled = false;
      });
      const lost = ledger.lost();
      return {
        deliveredPerSec: Math.round((d1 - d0) / window.seconds),
        ackedPerSec: Math.round((a1 - a0) / window.seconds),
        sent: publishers.reduce((sum, w) => sum + w.sent, 0),
        acked: ledger.ackedCount,
        delivered: ledger.uniqueReceived,
        unacknowledgedAtEnd: inflight(),
        lost,
        duplicates: ledger.duplicates,
        resends,
        stallWriteOffs: credit.writtenOff,
        wrongQos,
        protocolErrors: publishers.reduce((sum, w) => sum + w.protocolErrors, 0),
        settled,
        zeroLoss: lost === 0 && (qos === 1 || ledger.duplicates === 0),
        brokerCpuPct: window.brokerCpuPct,
        loadgenCpuPct: window.loadgenCpuPct,
      };
    },
  };
}

export const qos1 = qosScenario(1);
export const qos2 = qosScenario(2);
