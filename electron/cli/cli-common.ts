/**
 * What the long-running subcommands (`broker`, `serve`) share: option parsing whose complaints
 * are usage errors, whole-number and port options, the help/usage exit codes, and stopping on
 * SIGINT/SIGTERM.
 */

import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A command line we cannot run: the command prints it with its usage and exits 2. */
export class UsageError extends Error {}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** The options every long-running command takes. */
export const COMMON_OPTIONS = {
  host: { type: 'string' },
  port: { type: 'string' },
  'data-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

/** node:util `parseArgs`, strict and without positionals; an unknown option or a missing value becomes a UsageError. */
export function parseOptions<O extends Options>(args: string[], options: O): ReturnType<typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: false }>>['values'] {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new UsageError(errorText(err));
  }
}

/** The value of `--name` as a whole number from min to max; undefined when the option is absent. */
export function wholeNumber(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}`);
  return n;
}

/** A TCP port option (0 lets the system pick a free one). */
export function portNumber(name: string, value: string | undefined): number | undefined {
  return wholeNumber(name, value, 0, 65_535);
}

/**
 * Parses a command line with `parse`. Returns the arguments, or the exit code when there is
 * nothing to run: 0 after printing the usage for --help, 2 after printing a usage error and
 * the usage on stderr. Anything other than a UsageError is a bug and is thrown on.
 */
export function commandLine<A>(command: string, usage: string, parse: (argv: string[]) => A | 'help', argv: string[]): A | number {
  let args: A | 'help';
  try {
    args = parse(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`fleetwatch ${command}: ${err.message}\n\n${usage}`);
    return 2;
  }
  if (args === 'help') {
    process.stdout.write(usage);
    return 0;
  }
  return args;
}

export interface StopSignals {
  /** resolves with the first SIGINT or SIGTERM */
  readonly stopped: Promise<NodeJS.Signals>;
  /** that signal, once it came */
  readonly signal: NodeJS.Signals | null;
  /** removes the handlers (after the shutdown) */
  dispose(): void;
}

/**
 * Listens for SIGINT/SIGTERM. Install it before anything starts, so that a signal during
 * start-up still leads to a clean shutdown instead of files half-written. The first signal is
 * logged and resolves `stopped`; a second one exits at once without waiting for the shutdown.
 */
export function stopSignals(prefix: string): StopSignals {
  let resolveStopped!: (signal: NodeJS.Signals) => void;
  const stopped = new Promise<NodeJS.Signals>((resolve) => (resolveStopped = resolve));
  let signal: NodeJS.Signals | null = null;
  const onSignal = (received: NodeJS.Signals): void => {
    if (signal) {
      process.stderr.write(`${prefix}: ${received} again, exiting without waiting\n`);
      process.exit(130);
    }
    signal = received;
    process.stderr.write(`${prefix}: ${received}, stopping\n`);
    resolveStopped(received);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    stopped,
    get signal() {
      return signal;
    },
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
