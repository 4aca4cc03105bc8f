import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Runs the whole harness in its --quick configuration against every broker and checks the
 * results file it writes. No timing assertions: the figures of a quick run mean nothing.
 * Our broker takes part too: until `fleetwatch broker` exists its runs are recorded as failed,
 * which is exactly what the harness must do with a broker that does not start.
 */
const SCENARIOS = ['fanin', 'fanout', 'qos1', 'qos2', 'latency', 'connections', 'retained', 'drain'];
const BROKERS = ['fleetwatch', 'mosquitto', 'aedes'];
const LOSS_CHECKED = ['qos1', 'qos2', 'drain'];

let outDir = '';
let results: any;
let stdout = '';

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'fw-bench-smoke-'));
  stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      process.execPath,
      ['bench/run.js', '--quick', '--out', outDir, '--no-readme'],
      { timeout: 240_000, maxBuffer: 16 * 1024 * 1024 },
      (err, out, errOut) => (err ? reject(new Error(`${err.message}\n${out}\n${errOut}`)) : resolve(out)),
    );
  });
  const files = readdirSync(outDir).filter((f) => f.endsWith('.json'));
  expect(files).toHaveLength(1);
  results = JSON.parse(readFileSync(join(outDir, files[0]!), 'utf8'));
}, 300_000);

afterAll(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

describe('bench harness (--quick)', () => {
  it('writes one results file naming the machine, the broker versions and the options', () => {
    expect(results.schema).toBe('fleetwatch-bench/1');
    expect(results.options).toMatchObject({ quick: true, reps: 1, scenarios: SCENARIOS, brokers: BROKERS });
    expect(results.machine.cores).toBeGreaterThan(0);
    expect(typeof results.machine.cpuModel).toBe('string');
    expect(results.machine.mosquitto).toMatch(/^2\.0\./);
    expect(results.machine.aedes).toMatch(/^\d+\.\d+\.\d+$/);
    expect(results.machine.node).toBe(process.version);
  });

  it('records exactly one run per scenario and broker, each either with metrics or with the reason it failed', () => {
    expect(results.runs).toHaveLength(SCENARIOS.length * BROKERS.length);
    for (const scenario of SCENARIOS) {
      for (const broker of BROKERS) {
        const runs = results.runs.filter((r: any) => r.scenario === scenario && r.broker === broker);
        expect(runs, `${scenario}/${broker}`).toHaveLength(1);
        const run = runs[0];
        if (run.ok) {
          expect(typeof run.metrics.brokerCpuPct, `${scenario}/${broker} broker CPU`).toBe('number');
          expect(typeof run.metrics.loadgenCpuPct, `${scenario}/${broker} load generator CPU`).toBe('number');
        } else {
          expect(run.error, `${scenario}/${broker} failure reason`).toMatch(/\S/);
        }
      }
    }
  });

  it('completes every scenario against the reference brokers mosquitto and aedes', () => {
    const failed = results.runs.filter((r: any) => r.broker !== 'fleetwatch' && !r.ok).map((r: any) => `${r.scenario}/${r.broker}: ${r.error}`);
    expect(failed).toEqual([]);
  });

  it('reports the zero-loss check (lost, duplicates) for every completed QoS 1, QoS 2 and drain run', () => {
    for (const run of results.runs.filter((r: any) => r.ok && LOSS_CHECKED.includes(r.scenario))) {
      expect(typeof run.metrics.zeroLoss, `${run.scenario}/${run.broker}`).toBe('boolean');
      expect(Number.isInteger(run.metrics.lost), `${run.scenario}/${run.broker} lost`).toBe(true);
      expect(Number.isInteger(run.metrics.duplicates), `${run.scenario}/${run.broker} duplicates`).toBe(true);
    }
  });

  it('finds zero loss at mosquitto and aedes, and no QoS 2 duplicates', () => {
    for (const run of results.runs.filter((r: any) => r.broker !== 'fleetwatch' && LOSS_CHECKED.includes(r.scenario))) {
      expect(run.metrics, `${run.scenario}/${run.broker}`).toMatchObject({ zeroLoss: true, lost: 0 });
      if (run.scenario === 'qos2') expect(run.metrics.duplicates).toBe(0);
      expect(run.metrics.acked ?? run.metrics.messages).toBeGreaterThan(0);
    }
  });

  it('summarises each scenario with medians per broker and ratios against mosquitto', () => {
    expect(results.summary.map((s: any) => s.scenario)).toEqual(SCENARIOS);
    for (const row of results.summary) {
      expect(Object.keys(row.perBroker).sort()).toEqual([...BROKERS].sort());
      expect(typeof row.perBroker.mosquitto.median, row.scenario).toBe('number');
      expect(typeof row.ratios['aedes/mosquitto'], row.scenario).toBe('number');
      expect('fleetwatch/mosquitto' in row.ratios).toBe(true);
    }
    expect(stdout).toContain('| Scenario | Metric | fleetwatch | mosquitto | aedes |');
  });
});
