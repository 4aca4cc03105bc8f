// @ts-check
/**
 * Many devices: N clients each connect and subscribe to their own command topic (as a fleet
 * does at boot), with a bounded number of handshakes in flight. Reports the time until every
 * SUBACK arrived and the broker's resident memory per idle connection (RSS delta / N).
 */
import { openClient } from '../lib/client.js';
import { processRssBytes, CpuWindow } from '../lib/proc-stats.js';
import { nowS, sleep } from '../lib/util.js';

/** @type {import('./context.js').Scenario} */
export default {
  name: 'connections',
  title: 'Connections (connect + subscribe, idle memory)',
  params: {
    full: { clients: 5000, concurrency: 100, settleMs: 1500 },
    quick: { clients: 100, concurrency: 20, settleMs: 300 },
  },
  timeoutMs: (p) => 120_000 + (p.settleMs ?? 0) * 2,
  async run({ port, brokerPid, pool, p }) {
    const clients = p.clients ?? 1;
    const settleMs = p.settleMs ?? 1000;
    await sleep(settleMs);
    const rssBefore = processRssBytes(brokerPid);
    const cpu = new CpuWindow(brokerPid);
    const t0 = nowS();
    let next = 0;
    const worker = async () => {
      while (next < clients) {
        const i = next++;
        const c = await openClient(port, { clientId: `bench-dev-${i}`, keepalive: 600 }, pool);
        await c.subscribe([{ topicFilter: `bench/dev/${i}/cmd/#`, qos: 1 }]);
      }
    };
    await Promise.all(Array.from({ length: Math.min(p.concurrency ?? 50, clients) }, worker));
    const seconds = nowS() - t0;
    const window = cpu.end();
    await sleep(settleMs);
    const rssAfter = processRssBytes(brokerPid);
    const open = [...pool.sockets].filter((s) => !s.destroyed).length;
    if (open < clients) throw new Error(`only ${open} of ${clients} connections still open after settling`);
    const perConn = rssBefore !== null && rssAfter !== null ? (rssAfter - rssBefore) / clients : null;
    return {
      kibPerConnection: perConn === null ? null : Number((perConn / 1024).toFixed(2)),
      connectSubscribeSec: Number(seconds.toFixed(3)),
      connectionsPerSec: Math.round(clients / seconds),
      clients,
      rssBeforeMiB: rssBefore === null ? null : Number((rssBefore / 1048576).toFixed(1)),
      rssAfterMiB: rssAfter === null ? null : Number((rssAfter / 1048576).toFixed(1)),
      brokerCpuPct: window.brokerCpuPct,
      loadgenCpuPct: window.loadgenCpuPct,
    };
  },
};
