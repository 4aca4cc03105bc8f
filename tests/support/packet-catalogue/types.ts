/** Entry types of the shared packet catalogue (see ../packet-catalogue.ts). */

import type { Packet } from '../../../broker-core/codec/packets.js';
import type { DecodeError } from '../../../broker-core/codec/decoder.js';

/** Who sends the packet in a normal exchange. */
export type Sender = 'client' | 'server';

interface EntryBase {
  /** unique, kebab-case, starts with the packet type: 'publish-qos1', 'subscribe-no-filters' */
  name: string;
  /** spec clauses proved by this entry, e.g. ['MQTT-3.3.1-4'] */
  clauses: string[];
  sender: Sender;
  bytes: Buffer;
  /** why the entry exists, when the name does not say it all */
  note?: string;
}

export interface ValidEntry extends EntryBase {
  packet: Packet;
  /** encodePacket(packet) yields exactly `bytes` */
  roundTrip: boolean;
}

export interface InvalidEntry extends EntryBase {
  error: { kind: DecodeError['kind']; clause?: string };
  /** decoder limit to use for this entry (the 'too-large' entries); default CATALOGUE_MAX_PACKET_SIZE */
  maxPacketSize?: number;
}

export type CatalogueEntry = ValidEntry | InvalidEntry;

/** The decoder limit catalogue entries assume unless they say otherwise. */
export const CATALOGUE_MAX_PACKET_SIZE = 1 << 20;

