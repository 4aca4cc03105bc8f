/**
 * Topic name and topic filter rules [MQTT-4.7]. Used by the decoder (PUBLISH and will topics)
 * and by the broker for SUBSCRIBE filters and the inline client's publishes, whose strings come
 * from JavaScript and so may hold lone surrogates that never crossed a UTF-8 decoder.
 * Each function returns an error message naming the clause, or undefined when the string is valid.
 */

/** MQTT strings carry a two-byte length [MQTT-1.5.3]. */
const MAX_STRING_BYTES = 65535;

export function validateTopicName(name: string): string | undefined {
  // [MQTT-4.7.3-1] at least one character.
  if (name.length === 0) return '[MQTT-4.7.3-1] a topic name must be at least one character long';
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    // [MQTT-3.3.2-2] / [MQTT-4.7.1-1] wildcards are for filters only.
    if (c === 0x2b || c === 0x23) return '[MQTT-3.3.2-2] a topic name must not contain wildcard characters';
    const problem = characterProblem(name, i, c);
    if (problem !== undefined) return problem;
    if (c >= 0xd800 && c <= 0xdbff) i++; // skip the low half of a valid pair
  }
  return lengthProblem(name);
}

export function validateTopicFilter(filter: string): string | undefined {
  // [MQTT-4.7.3-1] at least one character.
  if (filter.length === 0) return '[MQTT-4.7.3-1] a topic filter must be at least one character long';
  let levelStart = 0;
  for (let i = 0; i < filter.length; i++) {
    const c = filter.charCodeAt(i);
    if (c === 0x2f) {
      levelStart = i + 1;
    } else if (c === 0x23) {
      // [MQTT-4.7.1-2] '#' stands alone as the last level.
      if (i !== levelStart || i !== filter.length - 1) {
        return "[MQTT-4.7.1-2] '#' must occupy a whole level and be the last character of a topic filter";
      }
    } else if (c === 0x2b) {
      // [MQTT-4.7.1-3] '+' occupies a whole level.
      const next = i + 1 < filter.length ? filter.charCodeAt(i + 1) : 0x2f;
      if (i !== levelStart || next !== 0x2f) return "[MQTT-4.7.1-3] '+' must occupy an entire level of a topic filter";
    } else {
      const problem = characterProblem(filter, i, c);
      if (problem !== undefined) return problem;
      if (c >= 0xd800 && c <= 0xdbff) i++;
    }
  }
  return lengthProblem(filter);
}

/** U+0000 and lone surrogates cannot be sent as MQTT UTF-8 strings. */
function characterProblem(s: string, i: number, c: number): string | undefined {
  // [MQTT-4.7.3-2] / [MQTT-1.5.3-2] no U+0000.
  if (c === 0) return '[MQTT-4.7.3-2] topics must not contain U+0000';
  if (c >= 0xd800 && c <= 0xdfff) {
    const next = s.charCodeAt(i + 1);
    const pairedHigh = c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff;
    // [MQTT-1.5.3-1] a lone surrogate has no UTF-8 encoding.
    if (!pairedHigh) return '[MQTT-1.5.3-1] topics must not contain unpaired UTF-16 surrogates';
  }
  return undefined;
}

/** [MQTT-4.7.3-3] at most 65535 bytes of UTF-8. */
function lengthProblem(s: string): string | undefined {
  // Every UTF-16 unit encodes to at most 3 bytes, so short strings need no byte count.
  if (s.length * 3 <= MAX_STRING_BYTES) return undefined;
  if (Buffer.byteLength(s, 'utf8') > MAX_STRING_BYTES) return '[MQTT-4.7.3-3] topics must not encode to more than 65535 bytes';
  return undefined;
}
