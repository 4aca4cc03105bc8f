// @ts-check
/** The machine and software a run came from, recorded with every results file. */
import os from 'node:os';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { mosquittoVersion } from '../brokers/mosquitto.js';
import { aedesVersion } from '../brokers/aedes.js';

/** @param {string} path @param {RegExp} pattern */
function grepFile(path, pattern) {
  try {
    return pattern.exec(readFileSync(path, 'utf8'))?.[1]?.trim() ?? null;
  } catch (_err) {
    return null;
  }
}

/** @param {string} cwd */
function gitDescribe(cwd) {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return commit;
  } catch (_err) {
    return null;
  }
}

/** Newest modification time of the .js files under `dir` (tsc -b rewrites only what changed). @param {string} dir */
function builtAt(dir) {
  try {
    const files = /** @type {string[]} */ (readdirSync(dir, { recursive: true, encoding: 'utf8' })).filter((f) => f.endsWith('.js'));
    const newest = Math.max(...files.map((f) => statSync(join(dir, f)).mtimeMs));
    return Number.isFinite(newest) ? new Date(newest).toISOString() : null;
  } catch (_err) {
    return null;
  }
}

/** @param {string} repoRoot */
export function machineInfo(repoRoot) {
  return {
    cpuModel: grepFile('/proc/cpuinfo', /^model name\s*:\s*(.+)$/m) ?? os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    ramGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
    os: grepFile('/etc/os-release', /^PRETTY_NAME="?([^"\n]+)"?$/m) ?? `${os.type()} ${os.release()}`,
    kernel: os.release(),
    node: process.version,
    mosquitto: mosquittoVersion(),
    aedes: aedesVersion(),
    fleetwatchCommit: gitDescribe(repoRoot),
    // dist/ may be built from a tree with uncommitted changes: when it was built says more.
    fleetwatchBuiltAt: builtAt(join(repoRoot, 'dist', 'broker-core')),
  };
}

/** One-minute load average: other work on the machine makes figures noisy; the results say so. */
export const loadAverage = () => Number((os.loadavg()[0] ?? 0).toFixed(2));
