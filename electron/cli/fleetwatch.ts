#!/usr/bin/env node
/**
 * The `fleetwatch` command. Each subcommand lives in its own module and is loaded on demand,
 * so `fleetwatch broker` never loads the UI host and `fleetwatch flash` never starts a broker.
 */

type Command = (argv: string[]) => Promise<number>;

const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  broker: { summary: 'run the MQTT broker alone (like mosquitto)', load: async () => (await import('./broker-command.js')).run },
  serve: { summary: 'run the app headless and serve the UI to a browser', load: async () => (await import('./serve-command.js')).run },
  flash: { summary: 'flash firmware onto an ESP8266 over a serial port', load: async () => (await import('./flash-command.js')).run },
  simulate: { summary: 'run simulated Tasmota/ESPHome/Homie devices against a broker', load: async () => (await import('./simulate-command.js')).run },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `usage: fleetwatch <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nRun 'fleetwatch <command> --help' for a command's options.\n`;
}

async function main(): Promise<number> {
  const [name, ...rest] = process.argv.slice(2);
  if (name === undefined || name === '--help' || name === '-h') {
    process.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`fleetwatch: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  const run = await command.load();
  return run(rest);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`fleetwatch: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
