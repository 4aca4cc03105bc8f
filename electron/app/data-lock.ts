/**
 * One Fleetwatch per data folder. Two processes sharing the nedb files would rewrite each
 * other's state (loading rewrites a file), so the composition root takes this lock before
 * the broker loads anything. A lock left by a process that no longer runs (crash, SIGKILL,
 * power loss) is taken over; the same pid only counts as alive if this process holds it
 * (containers restart with the same pid).
 */

import { open, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';

export const LOCK_FILE = 'fleetwatch.lock';

export class DataDirInUseError extends Error {
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(`the data folder ${dir} is in use by another Fleetwatch (process ${pid}); stop it or choose another --data-dir`);
    this.name = 'DataDirInUseError';
  }
}

const heldHere = new Set<string>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function ownerPid(text: string): number | null {
  try {
    const data: unknown = JSON.parse(text);
    const pid = typeof data === 'object' && data !== null && 'pid' in data ? data.pid : null;
    return typeof pid === 'number' && Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

export async function lockDataDir(dir: string): Promise<{ release(): Promise<void> }> {
  const key = resolve(dir);
  const file = join(key, LOCK_FILE);
  if (heldHere.has(key)) throw new DataDirInUseError(key, process.pid);
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      const handle = await open(file, 'wx');
      try {
        await handle.writeFile(`${JSON.stringify({ pid: process.pid, since: new Date().toISOString() })}\n`);
      } finally {
        await handle.close();
      }
      heldHere.add(key);
      let released = false;
      return {
        async release() {
          if (released) return;
          released = true;
          heldHere.delete(key);
          await rm(file, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = ownerPid(await readFile(file, 'utf8').catch(() => ''));
      if (pid !== null && pid !== process.pid && isAlive(pid)) throw new DataDirInUseError(key, pid);
      // Stale (its process is gone) or unreadable (a crash mid-write): take it over.
      await rm(file, { force: true });
    }
  }
  throw new Error(`cannot lock the data folder ${key}`);
}
