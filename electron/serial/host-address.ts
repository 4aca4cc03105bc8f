/** The address a board on the bench should use to reach our broker: this PC's first non-internal IPv4. */
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';

export function hostIPv4(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces()): string | null {
  for (const list of Object.values(interfaces)) {
    for (const a of list ?? []) {
      // link-local 169.254.x.x is what a machine gets without DHCP; no board will reach it
      if (a.family === 'IPv4' && !a.internal && !a.address.startsWith('169.254.')) return a.address;
    }
  }
  return null;
}
