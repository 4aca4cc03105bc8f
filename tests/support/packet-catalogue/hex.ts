/** Byte-writing helpers for catalogue entries (see ../packet-catalogue.ts). */

/**
 * Tagged template for commented hex rows: pairs of hex digits separated by whitespace, `//`
 * comments to the end of the line, and ${…} interpolations of byte arrays (for long runs).
 */
export function hex(strings: TemplateStringsArray, ...values: Uint8Array[]): Buffer {
  const parts: Buffer[] = [];
  strings.forEach((text, i) => {
    const digits = text
      .split('\n')
      .map((line) => line.replace(/\/\/.*$/, ''))
      .join(' ')
      .split(/\s+/)
      .filter((token) => token.length > 0);
    for (const token of digits) {
      if (!/^[0-9a-fA-F]{2}$/.test(token)) throw new Error(`packet catalogue: bad hex token ${JSON.stringify(token)}`);
    }
    parts.push(Buffer.from(digits.join(''), 'hex'));
    const value = values[i];
    if (value !== undefined) parts.push(Buffer.from(value));
  });
  return Buffer.concat(parts);
}

/** `count` copies of one byte (long payloads). */
export function repeat(byte: number, count: number): Buffer {
  return Buffer.alloc(count, byte);
}

/** Bytes of a text, for the decoded side of an entry. */
export function text(s: string): Buffer {
  return Buffer.from(s, 'utf8');
}

