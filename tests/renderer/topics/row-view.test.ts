import { describe, expect, it } from 'vitest';
import { subtreeCountsText } from '../../../renderer/src/topics/row-view.js';

describe('topic detail counts for an intermediate level', () => {
  it('says "1 topic" and "1 message" in the singular', () => {
    expect(subtreeCountsText(1, 1)).toBe('1 topic, 1 message below');
  });

  it('uses the plural and thousands separators otherwise', () => {
    expect(subtreeCountsText(2, 1234)).toBe('2 topics, 1,234 messages below');
    expect(subtreeCountsText(0, 0)).toBe('0 topics, 0 messages below');
  });
});
