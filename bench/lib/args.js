// @ts-check
/** Command-line options of `npm run bench`. */
import { SCENARIO_NAMES } from '../scenarios/index.js';
import { BROKER_NAMES } from '../brokers/index.js';

export const USAGE = `usage: npm run bench -- [options]

  --reps N             repetitions per scenario and broker (default 3; --quick: 1)
  --quick              tiny counts and short windows (smoke test; figures are meaningless)
  --only a,b           scenarios: ${SCENARIO_NAMES.join(', ')}
  --brokers a,b        brokers: ${BROKER_NAMES.join(', ')} (default: all, in this rotation order)
  --out DIR            where the results file goes (default bench/results)
  --readme / --no-readme
                       write the summary into bench/README.md (default: only for a full run
                       of every scenario and broker into bench/results)
  --help
`;

/**
 * @typedef {object} Options
 * @property {number} reps
 * @property {boolean} quick
 * @property {string[]} scenarios
 * @property {string[]} brokers
 * @property {string | null} out
 * @property {boolean | null} readme null: decide from the other options
 * @property {boolean} help
 */

/** @param {string} flag @param {string | undefined} value @param {string[]} allowed */
function list(flag, value, allowed) {
  if (!value) throw new Error(`${flag} needs a comma-separated list`);
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = items.filter((i) => !allowed.includes(i));
  if (unknown.length > 0) throw new Error(`${flag}: unknown ${unknown.join(', ')} (known: ${allowed.join(', ')})`);
  return items;
}

/** @param {string[]} argv @returns {Options} */
export function parseArgs(argv) {
  /** @type {Options} */
  const o = { reps: 3, quick: false, scenarios: SCENARIO_NAMES, brokers: BROKER_NAMES, out: null, readme: null, help: false };
  let repsGiven = false;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--reps': {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 1) throw new Error('--reps needs a positive integer');
        o.reps = n;
        repsGiven = true;
        break;
      }
      case '--quick': o.quick = true; break;
      case '--only': o.scenarios = list('--only', value(), SCENARIO_NAMES); break;
      case '--brokers': o.brokers = list('--brokers', value(), BROKER_NAMES); break;
      case '--out': o.out = value() ?? null; break;
      case '--readme': o.readme = true; break;
      case '--no-readme': o.readme = false; break;
      case '--help': case '-h': o.help = true; break;
      default: throw new Error(`unknown option ${flag}\n\n${USAGE}`);
    }
  }
  if (o.quick && !repsGiven) o.reps = 1;
  return o;
}
