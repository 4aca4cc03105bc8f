// @ts-check
/**
 * CPU and memory of the broker under test, read from /proc (Linux), and the load generator's
 * own CPU from process.cpuUsage() (all of its threads). CPU share is in percent of one core.
 */
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

let clockTicks = 0;

/** Kernel clock ticks per second for /proc/<pid>/stat times (normally 100). */
function ticksPerSecond() {
  if (clockTicks === 0) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch (_err) {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** utime + stime of a process (all its threads) in seconds, or null when it is gone. @param {number} pid */
export function processCpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces; fields resume after its closing ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return (utime + stime) / ticksPerSecond();
  } catch (_err) {
    return null;
  }
}

/** Resident set size in bytes (VmRSS), or null when the process is gone. @param {number} pid */
export function processRssBytes(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : null;
  } catch (_err) {
    return null;
  }
}

/** Measures broker and load-generator CPU share over a window. */
export class CpuWindow {
  /** @param {number} brokerPid */
  constructor(brokerPid) {
    this.brokerPid = brokerPid;
    this.wall0 = performance.now();
    this.broker0 = processCpuSeconds(brokerPid) ?? 0;
    this.self0 = process.cpuUsage();
  }

  /** @returns {{ brokerCpuPct: number | null, loadgenCpuPct: number, seconds: number }} */
  end() {
    const seconds = (performance.now() - this.wall0) / 1000;
    const broker1 = processCpuSeconds(this.brokerPid);
    const self = process.cpuUsage(this.self0);
    return {
      seconds,
      brokerCpuPct: broker1 === null ? null : Math.round(((broker1 - this.broker0) / seconds) * 100),
      loadgenCpuPct: Math.round(((self.user + self.system) / 1e6 / seconds) * 100),
    };
  }
}
