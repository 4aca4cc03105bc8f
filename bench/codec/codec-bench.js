#!/usr/bin/env node
/**
 * Codec micro-benchmark: our broker-core codec (from dist/) versus mqtt-packet (the codec of
 * MQTT.js and aedes), parsing and generating representative packets.
 *
 *   npx tsc -b broker-core && node bench/codec/codec-bench.js [--ms 400] [--rounds 5] [--json out.json]
 *
 * Method: for each case and codec, `rounds` timed rounds of about `ms` milliseconds each (after a
 * warm-up round); the median round's ops/s is reported. The two codecs alternate round by round so
 * load from other processes on a shared machine hits both alike. Parsing is measured two ways:
 * "batch" pushes a 64 KiB-ish chunk holding many packets (a busy socket), "single" pushes one
 * packet per chunk (a quiet socket). Every parsed packet is consumed (payload lengths summed) so
 * nothing can be optimised away, and each case is checked for equal results before timing.
 */

import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import mqttPacket from 'mqtt-packet';

const { values: args } = parseArgs({
  options: {
    ms: { type: 'string', default: '400' },
    rounds: { type: 'string', default: '5' },
    json: { type: 'string' },
  },
});
const roundMs = Number(args.ms);
const rounds = Number(args.rounds);

const codec = await import(new URL('../../dist/broker-core/codec/index.js', import.meta.url).href).catch(() => {
  console.error('dist/broker-core is missing: run `npx tsc -b broker-core` (or `npm run build`) first.');
  process.exit(2);
});
const { PacketDecoder, encodePacket, encodePublish } = codec;

const json40 = Buffer.from('{"Time":"2024-05-01T12:00:00","T":21.5,"H":40}');
const kib = Buffer.alloc(1024, 0x61);
const cases = [
  {
    name: 'PUBLISH QoS 0, 46 B payload',
    ours: { type: 'publish', topicName: 'tele/sensor-07/SENSOR', payload: json40, qos: 0, retain: false, dup: false },
    theirs: { cmd: 'publish', topic: 'tele/sensor-07/SENSOR', payload: json40, qos: 0, retain: false, dup: false },
  },
  {
    name: 'PUBLISH QoS 1, 46 B payload',
    ours: { type: 'publish', topicName: 'tele/sensor-07/SENSOR', payload: json40, qos: 1, retain: false, dup: false, packetId: 4242 },
    theirs: { cmd: 'publish', topic: 'tele/sensor-07/SENSOR', payload: json40, qos: 1, retain: false, dup: false, messageId: 4242 },
  },
  {
    name: 'PUBLISH QoS 0, 1 KiB payload',
    ours: { type: 'publish', topicName: 'lab/bench/blob', payload: kib, qos: 0, retain: false, dup: false },
    theirs: { cmd: 'publish', topic: 'lab/bench/blob', payload: kib, qos: 0, retain: false, dup: false },
  },
  {
    name: 'SUBSCRIBE, 3 filters',
    ours: { type: 'subscribe', packetId: 7, subscriptions: [{ topicFilter: 'tele/+/SENSOR', qos: 0 }, { topicFilter: 'stat/#', qos: 1 }, { topicFilter: 'homie/+/$state', qos: 1 }] },
    theirs: { cmd: 'subscribe', messageId: 7, subscriptions: [{ topic: 'tele/+/SENSOR', qos: 0 }, { topic: 'stat/#', qos: 1 }, { topic: 'homie/+/$state', qos: 1 }] },
  },
  {
    name: 'CONNECT, will + user + password',
    ours: {
      type: 'connect', protocolName: 'MQTT', protocolLevel: 4, cleanSession: true, keepalive: 30, clientId: 'DVES_1A2B3C',
      will: { topicName: 'tele/sensor-07/LWT', payload: Buffer.from('Offline'), qos: 1, retain: true }, username: 'lab', password: Buffer.from('s3cret'),
    },
    theirs: {
      cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, keepalive: 30, clientId: 'DVES_1A2B3C',
      will: { topic: 'tele/sensor-07/LWT', payload: Buffer.from('Offline'), qos: 1, retain: true }, username: 'lab', password: Buffer.from('s3cret'),
    },
  },
];

let sink = 0;
function consume(p) {
  sink += p.payload ? p.payload.length : 1;
}

/** Runs fn (which performs `opsPerCall` operations) repeatedly for about roundMs; returns ops/s. */
function timeRound(fn, opsPerCall) {
  const deadline = process.hrtime.bigint() + BigInt(roundMs) * 1_000_000n;
  let calls = 0;
  const start = process.hrtime.bigint();
  let now = start;
  while (now < deadline) {
    for (let i = 0; i < 64; i++) fn();
    calls += 64;
    now = process.hrtime.bigint();
  }
  return (calls * opsPerCall) / (Number(now - start) / 1e9);
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Alternates the two contenders round by round; returns median ops/s of each. */
function compare(oursFn, theirsFn, opsPerCall) {
  timeRound(oursFn, opsPerCall);
  timeRound(theirsFn, opsPerCall);
  const a = [];
  const b = [];
  for (let r = 0; r < rounds; r++) {
    a.push(timeRound(oursFn, opsPerCall));
    b.push(timeRound(theirsFn, opsPerCall));
  }
  return { ours: median(a), theirs: median(b) };
}

function parseFns(bytes, count) {
  const ourDecoder = new PacketDecoder({ maxPacketSize: 1 << 24 });
  const theirParser = mqttPacket.parser({ protocolVersion: 4 });
  let theirCount = 0;
  theirParser.on('packet', (p) => { theirCount++; consume(p); });
  theirParser.on('error', (e) => { throw e; });
  let ourCount = 0;
  const onPacket = (p) => { ourCount++; consume(p); };
  return {
    ours: () => { if (ourDecoder.push(bytes, onPacket)) throw new Error('decode failed'); },
    theirs: () => { theirParser.parse(bytes); },
    check: () => {
      ourCount = 0; theirCount = 0;
      ourDecoder.push(bytes, onPacket);
      theirParser.parse(bytes);
      if (ourCount !== count || theirCount !== count) throw new Error(`parse check: ${ourCount} / ${theirCount} of ${count}`);
    },
  };
}

const rows = [];
function record(kind, name, result) {
  const row = { kind, case: name, oursOpsPerSec: Math.round(result.ours), mqttPacketOpsPerSec: Math.round(result.theirs), ratio: +(result.ours / result.theirs).toFixed(2) };
  rows.push(row);
  const fmt = (n) => Math.round(n).toLocaleString('en-US').padStart(12);
  console.log(`${kind.padEnd(16)} ${name.padEnd(34)} ${fmt(result.ours)} ${fmt(result.theirs)}   ×${row.ratio.toFixed(2)}`);
}

console.log(`node ${process.version}, ${rounds} rounds × ${roundMs} ms, median ops/s (packets per second)`);
console.log(`${'measure'.padEnd(16)} ${'packet'.padEnd(34)} ${'ours'.padStart(12)} ${'mqtt-packet'.padStart(12)}   ratio`);

for (const c of cases) {
  const oursBytes = encodePacket(c.ours);
  const theirBytes = mqttPacket.generate(c.theirs);
  if (!oursBytes.equals(theirBytes)) throw new Error(`${c.name}: the codecs encode differently`);

  const perBatch = Math.max(1, Math.floor(65536 / oursBytes.length));
  const batch = Buffer.concat(Array.from({ length: perBatch }, () => oursBytes));
  const b = parseFns(batch, perBatch);
  b.check();
  record('parse (batch)', c.name, compare(b.ours, b.theirs, perBatch));

  const s = parseFns(oursBytes, 1);
  s.check();
  record('parse (single)', c.name, compare(s.ours, s.theirs, 1));

  record('generate', c.name, compare(() => { sink += encodePacket(c.ours).length; }, () => { sink += mqttPacket.generate(c.theirs).length; }, 1));
  if (c.ours.type === 'publish') {
    const p = c.ours;
    record('generate (fast)', c.name, compare(
      () => { sink += encodePublish(p.topicName, p.payload, p.qos, p.retain, p.dup, p.packetId).length; },
      () => { sink += mqttPacket.generate(c.theirs).length; },
      1,
    ));
  }
}

if (args.json) writeFileSync(args.json, JSON.stringify({ node: process.version, roundMs, rounds, at: new Date().toISOString(), rows }, null, 2));
if (sink === 0) console.log('(sink 0)');
