/**
 * Flashing throughput through the simulator with the wire paced at the baud rate (a bare pty moves bytes
 * instantly, so unpaced figures mean nothing). Prints a table: payload rate, wire rate, and both as a share of
 * baud/10 (8N1 = 10 bit times per byte).
 *
 *   node --import tsx tests/support/esp8266-sim/measure-throughput.ts [--nor] [--latency MS]
 *
 * --nor adds modelled NOR timings (30 ms per 4 KB sector erase, 2.8 ms per KB programmed ≈ 0.7 ms per 256-byte
 * page, ESP8266.md §13's assumptions); --latency adds a USB bridge turnaround to every reply. Both are
 * estimates, not silicon measurements.
 */
import { SimBoard } from './harness.js';
import { PortOwner } from '../../../electron/serial/port-owner.js';
import { flash } from '../../../electron/serial/flasher.js';
import { loadStub } from '../../../electron/serial/stub.js';
import { buildImage, firmwareLike, imageOfSize } from '../../fixtures/firmware/make-image.js';

interface Scenario {
  name: string;
  baud: number;
  useStub: boolean;
  kind: 'noise' | 'firmware';
  size: number;
}

const nor = process.argv.includes('--nor');
const latencyArg = process.argv.indexOf('--latency');
const latency = latencyArg >= 0 ? Number(process.argv[latencyArg + 1]) : 0;
const scenarios: Scenario[] = [
  { name: 'ROM only, 1 KB blocks', baud: 115200, useStub: false, kind: 'noise', size: 128 * 1024 },
  { name: 'stub, uncompressed (random data)', baud: 115200, useStub: true, kind: 'noise', size: 128 * 1024 },
  { name: 'stub, deflated (firmware-like, 1.48×)', baud: 115200, useStub: true, kind: 'firmware', size: 128 * 1024 },
  { name: 'stub, uncompressed (random data)', baud: 460800, useStub: true, kind: 'noise', size: 256 * 1024 },
  { name: 'stub, deflated (firmware-like, 1.48×)', baud: 460800, useStub: true, kind: 'firmware', size: 256 * 1024 },
  { name: 'stub, uncompressed (random data)', baud: 921600, useStub: true, kind: 'noise', size: 256 * 1024 },
  { name: 'stub, deflated (firmware-like, 1.48×)', baud: 921600, useStub: true, kind: 'firmware', size: 256 * 1024 },
];

function image(kind: Scenario['kind'], size: number): Buffer {
  const head = buildImage();
  return kind === 'noise' ? imageOfSize(size, 'noise') : Buffer.concat([head, firmwareLike(size - head.length)]);
}

const rows: string[] = [];
for (const s of scenarios) {
  const board = await SimBoard.start({ config: { pace: true, flashSize: 1 << 20, replyLatencyMs: latency, ...(nor ? { eraseMsPerSector: 30, programMsPerKb: 2.8 } : {}) } });
  const owner = new PortOwner();
  try {
    const data = image(s.kind, s.size);
    const result = await flash(
      { path: board.hostPath, files: [{ name: 'fw.bin', address: 0, data }], baudRate: s.baud, useStub: s.useStub },
      { openLink: (p, b) => owner.open(p, b, 'flash'), resetLines: () => board.resetLines(), loadStub: () => loadStub() },
    );
    if (result.state !== 'done') throw new Error(`${s.name}: ${result.state === 'error' ? result.message : result.state}`);
    if (!board.readFlash(0, data.length).equals(data)) throw new Error(`${s.name}: flash differs from the file`);
    const st = result.stats;
    const ceiling = st.baudRate / 10;
    const wireRate = (st.wireBytes * 1000) / st.writeMs;
    rows.push(
      `| ${s.name} | ${st.baudRate} | ${(st.payloadBytes / 1024).toFixed(0)} KB | ${(st.writeMs / 1000).toFixed(2)} s | ${(st.effectiveBytesPerSecond / 1024).toFixed(1)} KB/s | ${Math.round((st.effectiveBytesPerSecond / ceiling) * 100)} % | ${(wireRate / 1024).toFixed(1)} KB/s | ${Math.round((wireRate / ceiling) * 100)} % |`,
    );
    process.stderr.write(`${rows.at(-1)}\n`);
  } finally {
    await owner.closeAll();
    await board.stop();
  }
}
process.stdout.write(
  [
    `Flashing through the simulator, wire paced at the baud rate${nor ? ', NOR erase/program times modelled' : ', instant flash'}, ${latency} ms reply latency; ceiling = baud/10 bytes/s`,
    '',
    '| path | baud | file | write time | file bytes/s | of ceiling | wire bytes/s | of ceiling |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n'),
);
