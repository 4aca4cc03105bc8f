export async function run(_argv: string[]): Promise<number> {
  process.stderr.write('fleetwatch broker: not built yet\n');
  return 1;
}
