export async function run(_argv: string[]): Promise<number> {
  process.stderr.write('fleetwatch flash: not built yet\n');
  return 1;
}
