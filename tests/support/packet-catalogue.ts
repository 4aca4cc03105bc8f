/**
 * THE shared catalogue of MQTT 3.1.1 packets as annotated bytes, used by the codec tests and by
 * the broker tests alike (in the spirit of mochi-mqtt's packets/tpackets.go).
 *
 * Each entry is a name, the spec clause(s) it exercises, the wire bytes written as commented hex
 * rows, and either the Packet those bytes decode to or the DecodeError kind (and clause) the
 * decoder must return. `roundTrip` says whether encodePacket(packet) reproduces the bytes exactly
 * (false where the decoder is lenient about a form the encoder never writes, or best effort).
 *
 * The bytes are written by hand from the specification, never produced by our encoder, so they
 * are an independent oracle for both directions.
 *
 *   import { entry, validEntries, invalidEntries } from '../support/packet-catalogue.js';
 *   socket.write(entry('connect-3.1.1-minimal').bytes);
 */

import type { CatalogueEntry, InvalidEntry, ValidEntry } from './packet-catalogue/types.js';
import { connectEntries } from './packet-catalogue/connect.js';
import { publishEntries } from './packet-catalogue/publish.js';
import { ackEntries } from './packet-catalogue/acks.js';
import { subscriptionEntries } from './packet-catalogue/subscriptions.js';
import { framingEntries } from './packet-catalogue/framing.js';

export type { CatalogueEntry, InvalidEntry, ValidEntry, Sender } from './packet-catalogue/types.js';
export { CATALOGUE_MAX_PACKET_SIZE } from './packet-catalogue/types.js';
export { hex, repeat, text } from './packet-catalogue/hex.js';

export const packetCatalogue: readonly CatalogueEntry[] = [
  ...connectEntries,
  ...publishEntries,
  ...ackEntries,
  ...subscriptionEntries,
  ...framingEntries,
];

export function isValidEntry(e: CatalogueEntry): e is ValidEntry {
  return 'packet' in e;
}

export const validEntries: readonly ValidEntry[] = packetCatalogue.filter(isValidEntry);
export const invalidEntries: readonly InvalidEntry[] = packetCatalogue.filter((e): e is InvalidEntry => !isValidEntry(e));

const byName = new Map(packetCatalogue.map((e) => [e.name, e]));
if (byName.size !== packetCatalogue.length) throw new Error('packet catalogue: duplicate entry names');

/** Looks an entry up by name; throws on a typo so a test cannot silently use nothing. */
export function entry(name: string): CatalogueEntry {
  const found = byName.get(name);
  if (found === undefined) throw new Error(`packet catalogue has no entry ${JSON.stringify(name)}`);
  return found;
}

export function validEntry(name: string): ValidEntry {
  const found = entry(name);
  if (!isValidEntry(found)) throw new Error(`packet catalogue entry ${name} is not a valid packet`);
  return found;
}
