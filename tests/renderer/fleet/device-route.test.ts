import { describe, expect, it } from 'vitest';
import { deviceFromHash, deviceHash } from '../../../renderer/src/fleet/device-route.js';

describe('device page address', () => {
  it('round-trips ids with slashes, spaces and colons', () => {
    for (const id of ['DVES_000004', 'homie:lab/7', 'a b#c']) expect(deviceFromHash(deviceHash(id))).toBe(id);
  });

  it('is the list for #fleet, #fleet/, other views and a malformed escape', () => {
    for (const hash of ['#fleet', '#fleet/', '#topics', '', '#fleet/%E0%A4%A']) expect(deviceFromHash(hash)).toBeNull();
  });
});
