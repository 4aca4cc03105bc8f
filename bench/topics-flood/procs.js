// @ts-check
/**
 * Memory of the processes under test, read from /proc: the headless host (a direct child of
 * the bench) and Chromium's renderer processes (descendants of the bench with --type=renderer).
 *
 * Chromium keeps several renderers (spare ones, internal pages) and shares many pages between
 * its processes, so summed RSS overstates it. We report the page's renderer — the renderer with
 * the largest proportional set size (PSS), the blank ones measured 15-40 MiB — with its RSS
 * and PSS, and the PSS of all Chromium processes together.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { processRssBytes } from '../lib/proc-stats.js';

/** pid → parent pid for every process we may read. */
function parentMap() {
  /** @type {Map<number, number>} */
  const parents = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(name), Number(fields[1]));
    } catch (_err) {
      // the process ended while we looked
    }
  }
  return parents;
}

/** @param {number} pid */
function cmdline(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch (_err) {
    return '';
  }
}

/** Descendants of `root` (not root itself). @param {number} root */
export function descendants(root) {
  const parents = parentMap();
  /** @type {number[]} */
  const out = [];
  for (const pid of parents.keys()) {
    for (let p = parents.get(pid); p !== undefined && p > 1; p = parents.get(p)) {
      if (p === root) {
        out.push(pid);
        break;
      }
    }
  }
  return out;
}

/** Rss and Pss in bytes from smaps_rollup (zeros when the process is gone). @param {number} pid */
function rollup(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kb = (/** @type {string} */ key) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0) * 1024;
    return { rss: kb('Rss'), pss: kb('Pss') };
  } catch (_err) {
    return { rss: 0, pss: 0 };
  }
}

/**
 * Memory of the host and of Chromium.
 * @param {number} hostPid
 */
export function sampleMemory(hostPid) {
  let renderer = { rss: 0, pss: 0 };
  let chromiumPss = 0;
  for (const pid of descendants(process.pid)) {
    if (pid === hostPid) continue;
    const cmd = cmdline(pid);
    if (!/chrom/i.test(cmd)) continue;
    const m = rollup(pid);
    chromiumPss += m.pss;
    if (cmd.includes('--type=renderer') && m.pss > renderer.pss) renderer = m;
  }
  return { hostRss: processRssBytes(hostPid) ?? 0, rendererRss: renderer.rss, rendererPss: renderer.pss, chromiumPss };
}
