/**
 * MQTT topic filters in the renderer's filter box (the same rules the broker applies).
 */

export type FilterCheck = { ok: true } | { ok: false; reason: string };

/** [MQTT-4.7.1-2] '#' alone or last after '/'; [MQTT-4.7.1-3] '+' fills a whole level. */
export function checkFilter(filter: string): FilterCheck {
  if (filter.length === 0) return { ok: false, reason: 'empty filter' };
  const levels = filter.split('/');
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i] ?? '';
    if (level.includes('#') && (level !== '#' || i !== levels.length - 1)) {
      return { ok: false, reason: "'#' must be a whole level and the last one" };
    }
    if (level.includes('+') && level !== '+') return { ok: false, reason: "'+' must be a whole level" };
  }
  return { ok: true };
}

/** Splits once so matching many topics against one filter stays cheap. */
export function compileFilter(filter: string): (topicName: string) => boolean {
  const f = filter.split('/');
  return (topicName) => {
    // [MQTT-4.7.2-1] wildcards at the first level do not match topics starting with '$'.
    if (topicName.startsWith('$') && (f[0] === '+' || f[0] === '#')) return false;
    const t = topicName.split('/');
    for (let i = 0; i < f.length; i++) {
      const level = f[i];
      // [MQTT-4.7.1-2] 'a/#' also matches 'a' (the parent level).
      if (level === '#') return true;
      if (i >= t.length) return false;
      if (level !== '+' && level !== t[i]) return false;
    }
    return t.length === f.length;
  };
}
