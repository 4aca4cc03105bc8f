/**
 * Child process for nedb-durability.test.ts: writes to an nedb persistence as fast as it can
 * and prints one line per acknowledged mutation ("put r 17", "del r 16", "put o 3", "del o 2"),
 * and "issue del r 16" before it issues a delete, until the parent kills it with SIGKILL.
 * Hot keys h/0…h/49 are replaced over and over with increasing values ("hot 7 1234": h/7
 * holds 1234), which exercises replace-by-key across a kill. Stdout to a pipe is synchronous on Linux, so a
 * printed line was acknowledged before the kill.
 */
import { createNedbPersistence } from '../../../../electron/persistence/nedb-persistence.js';

const [dir, startArg] = process.argv.slice(2);
if (dir === undefined) throw new Error('usage: crash-writer <dir> <start>');
const start = Number(startArg ?? '0');
// a small churn threshold so that kills also land during compactions
const persistence = createNedbPersistence({ dir, compactMinChurn: 200, compactEveryMs: 0 });
const enc = new TextEncoder();
await persistence.load();
await persistence.putSession({ clientId: 'sub', subscriptions: [{ topicFilter: '#', qos: 1 }], createdAt: 1, lastSeen: 1 });
process.stdout.write('ready\n');

const say = (line: string) => () => void process.stdout.write(`${line}\n`);
for (let i = start + 1; ; i++) {
  const window: Promise<void>[] = [];
  window.push(persistence.putRetained({ topicName: `r/${i}`, payload: enc.encode(`v${i}`.repeat(20)), qos: 1, storedAt: i, publisherId: 'w' }).then(say(`put r ${i}`)));
  if (i % 3 === 0) process.stdout.write(`issue del r ${i - 1}\n`);
  if (i % 3 === 0) window.push(persistence.deleteRetained(`r/${i - 1}`).then(say(`del r ${i - 1}`)));
  const hot = i % 50;
  window.push(persistence.putRetained({ topicName: `h/${hot}`, payload: enc.encode(String(i)), qos: 1, storedAt: i, publisherId: 'w' }).then(say(`hot ${hot} ${i}`)));
  window.push(persistence.putOutbound({ clientId: 'sub', seq: i, state: 'queued', topicName: `o/${i}`, payload: enc.encode(`o${i}`), qos: 2, retain: false }).then(say(`put o ${i}`)));
  if (i % 2 === 0) process.stdout.write(`issue del o ${i - 1}\n`);
  if (i % 2 === 0) window.push(persistence.deleteOutbound('sub', i - 1).then(say(`del o ${i - 1}`)));
  // keep ~64 mutations in flight without awaiting each: the group-commit path under test
  if (i % 16 === 0) await Promise.all(window);
  else void Promise.all(window);
}
