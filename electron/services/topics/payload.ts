/**
 * Payload previews: a bounded private copy of the published bytes, and the short inline
 * text the tree shows. Copies are made into their own ArrayBuffer on purpose: a view into
 * the socket's read buffer (or Node's shared Buffer pool) would keep far more memory alive
 * than the estimate counts.
 */

import type { ValueKind } from '../../contract/topics.js';

export interface StoredPayload {
  /** at most previewBytes */
  bytes: Uint8Array;
  /** size as published */
  size: number;
}

export function copyPreview(payload: Uint8Array, previewBytes: number): StoredPayload {
  const kept = Math.min(payload.byteLength, previewBytes);
  const bytes = new Uint8Array(kept);
  bytes.set(payload.subarray(0, kept));
  return { bytes, size: payload.byteLength };
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
export function searchableText(bytes: Uint8Array): string {
  return lenient.decode(bytes);
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
  const truncated = stored.bytes.byteLength < stored.size;
  const text = decodeText(stored.bytes, truncated);
  if (text !== null) {
    const folded = text.replace(/\s+/g, ' ');
    const cut = truncated || folded.length > valueChars;
    return { value: folded.slice(0, valueChars), kind: 'text', cut };
  }
  // Two hex digits and a space per byte.
  const maxBytes = Math.floor((valueChars + 1) / 3);
  const shown = stored.bytes.subarray(0, maxBytes);
  const hex = Array.from(shown, (b) => b.toString(16).padStart(2, '0')).join(' ');
  return { value: hex, kind: 'binary', cut: stored.size > shown.byteLength };
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
