import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { spawnBroker } from '../../bench/brokers/spawn-broker.js';
import { runOne } from '../../bench/lib/run-one.js';
import { qos1 } from '../../bench/scenarios/qos-e2e.js';

/**
 * The harness must report a scenario as failed for a broker that does not start, crashes or
 * hangs, stop that broker, remove its directory, and return so the bench carries on.
 */
const fixture = join(import.meta.dirname, 'fixtures', 'misbehaving-broker.mjs');

function misbehaving(mode: string) {
  const started: { pid: number; workDir: string }[] = [];
  const start = async ({ workDir }: { workDir: string }) => {
    const handle = await spawnBroker({
      name: `misbehaving-${mode}`,
      command: process.execPath,
      args: [fixture, mode],
      cwd: workDir,
      logPath: join(workDir, 'broker.log'),
      port: null,
      portPattern: /listening on mqtt:\/\/127\.0\.0\.1:(\d+)/,
      startTimeoutMs: 10_000,
    });
    started.push({ pid: handle.pid, workDir });
    return handle;
  };
  return { start, started };
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const quick = qos1.params.quick;

describe('bench harness failure handling', () => {
  it('reports a broker that exits before listening as a failed run, with its log tail', async () => {
    const { start } = misbehaving('refuse-start');
    const run = await runOne('misbehaving', start, qos1, quick, 1);
    expect(run).toMatchObject({ ok: false, scenario: 'qos1', broker: 'misbehaving', rep: 1 });
    expect(run.error).toMatch(/exited with code 1 before it was ready/);
    expect(run.logTail).toContain('refusing to start');
  });

  it('reports a broker that crashes during a scenario as failed, and leaves no process or directory behind', async () => {
    const { start, started } = misbehaving('crash-on-connect');
    const run = await runOne('misbehaving', start, qos1, quick, 2);
    expect(run.ok).toBe(false);
    expect(run.error).toMatch(/exited with code 3/);
    expect(started).toHaveLength(1);
    expect(isRunning(started[0]!.pid)).toBe(false);
    expect(existsSync(started[0]!.workDir)).toBe(false);
  });

  it('fails a scenario against a broker that never answers once its hard timeout passes, and stops that broker', async () => {
    const { start, started } = misbehaving('hang');
    const bounded = { ...qos1, timeoutMs: () => 2_000 };
    const run = await runOne('misbehaving', start, bounded, quick, 1);
    expect(run.ok).toBe(false);
    expect(run.error).toMatch(/timed out/);
    expect(isRunning(started[0]!.pid)).toBe(false);
  });
});
