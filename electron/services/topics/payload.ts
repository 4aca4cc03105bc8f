/**
 * Payload previews: a bounded private copy of the published bytes, and the short inline
 * text the tree shows.
 *
 * The copy is kept as a one-byte ("latin1") string holding exactly the bytes, not as a
 * Uint8Array: every typed array drags an ArrayBuffer object and a separately allocated
 * backing store along, which measured ~450 bytes per small payload against ~20 for a string
 * header. A copy (never a view) also means a stored preview cannot pin the socket chunk the
 * message arrived in.
 */

import type { ValueKind } from '../../contract/topics.js';

export interface StoredPayload {
  /** the first (at most previewBytes) bytes, one char per byte */
  data: string;
  /** size as published */
  size: number;
}

export function copyPreview(payload: Uint8Array, previewBytes: number): StoredPayload {
  const kept = Math.min(payload.byteLength, previewBytes);
  return { data: Buffer.from(payload.buffer, payload.byteOffset, kept).toString('latin1'), size: payload.byteLength };
}

export function storedBytes(stored: StoredPayload): Buffer {
  return Buffer.from(stored.data, 'latin1');
}

export function isTruncated(stored: StoredPayload): boolean {
  return stored.data.length < stored.size;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const lenient = new TextDecoder('utf-8', { fatal: false });

/**
 * Whether bytes read as text: valid UTF-8 without control characters other than
 * tab/CR/LF. A preview cut in the middle of a multi-byte character is still text.
 */
export function decodeText(bytes: Uint8Array, truncated: boolean): string | null {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    if (!truncated) return null;
    // The cut may split the last character (at most 3 trailing bytes of a 4-byte sequence).
    const trimmed = trimPartialUtf8(bytes);
    try {
      text = utf8.decode(trimmed);
    } catch {
      return null;
    }
  }
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text)) return null;
  return text;
}

function trimPartialUtf8(bytes: Uint8Array): Uint8Array {
  for (let back = 1; back <= 3 && back <= bytes.length; back++) {
    const b = bytes[bytes.length - back] ?? 0;
    if ((b & 0xc0) !== 0x80) return (b & 0x80) === 0 ? bytes : bytes.subarray(0, bytes.length - back);
  }
  return bytes;
}

/** Text for substring search: lenient (binary payloads just rarely match). */
export function searchableText(stored: StoredPayload): string {
  return lenient.decode(storedBytes(stored));
}

export interface InlineValue {
  value: string;
  kind: ValueKind;
  cut: boolean;
}

/** The tree's one-line view of a payload: folded text, or hex for binary. */
export function inlineValue(stored: StoredPayload | null, valueChars: number): InlineValue {
  if (stored === null) return { value: '', kind: 'shed', cut: false };
  if (stored.size === 0) return { value: '', kind: 'empty', cut: false };
  const bytes = storedBytes(stored);
  const truncated = isTruncated(stored);
  const text = decodeText(bytes, truncated);
  if (text !== null) {
    const folded = text.replace(/\s+/g, ' ');
    const cut = truncated || folded.length > valueChars;
    return { value: folded.slice(0, valueChars), kind: 'text', cut };
  }
  // Two hex digits and a space per byte.
  const maxBytes = Math.floor((valueChars + 1) / 3);
  const shown = bytes.subarray(0, maxBytes);
  const hex = Array.from(shown, (b) => b.toString(16).padStart(2, '0')).join(' ');
  return { value: hex, kind: 'binary', cut: stored.size > shown.byteLength };
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
