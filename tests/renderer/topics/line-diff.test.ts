import { describe, expect, it } from 'vitest';
import { diffLines, MAX_DIFF_LINES } from '../../../renderer/src/topics/line-diff.js';
import { hexDump, prettyJson } from '../../../renderer/src/topics/payload-format.js';

describe('payload diff and formats', () => {
  it('marks changed lines of two pretty JSON values', () => {
    const before = prettyJson('{"temp":20.5,"hum":40,"unit":"C"}')!;
    const after = prettyJson('{"temp":21,"hum":40,"unit":"C"}')!;
    const { lines, exact } = diffLines(before, after);
    expect(exact).toBe(true);
    expect(lines.filter((l) => l.kind === 'removed').map((l) => l.text.trim())).toEqual(['"temp": 20.5,']);
    expect(lines.filter((l) => l.kind === 'added').map((l) => l.text.trim())).toEqual(['"temp": 21,']);
    expect(lines.filter((l) => l.kind === 'same')).toHaveLength(4);
  });

  it('reports huge texts as replaced instead of diffing them line by line', () => {
    const big = Array.from({ length: MAX_DIFF_LINES + 1 }, (_, i) => String(i)).join('\n');
    expect(diffLines(big, `${big}\nx`).exact).toBe(false);
  });

  it('dumps bytes as offset, hex and ASCII', () => {
    expect(hexDump(new Uint8Array([0x48, 0x69, 0x00, 0xff]))).toBe(`00000000  48 69 00 ff${' '.repeat(36)}  Hi..`);
    expect(prettyJson('not json')).toBeNull();
  });
});
