/** The option helpers `fleetwatch broker` and `fleetwatch serve` share. */
import { describe, expect, it } from 'vitest';
import { parseOptions, portNumber, UsageError, wholeNumber } from '../../electron/cli/cli-common.js';

describe('cli-common', () => {
  it('reads whole numbers within their range and leaves absent options undefined', () => {
    expect(wholeNumber('max-inflight', '100', 1, 65_535)).toBe(100);
    expect(wholeNumber('max-inflight', undefined, 1, 65_535)).toBeUndefined();
    expect(portNumber('port', '0')).toBe(0);
    expect(portNumber('port', '65535')).toBe(65_535);
  });

  it('turns a number out of range or not a whole number into a usage error naming the option', () => {
    for (const bad of ['0', '-1', '1.5', 'ten', '', '70000']) {
      expect(() => wholeNumber('max-inflight', bad, 1, 65_535)).toThrow(new UsageError('--max-inflight must be a whole number from 1 to 65535'));
    }
    expect(() => portNumber('mqtt-port', '70000')).toThrow(UsageError);
  });

  it('turns an unknown option or a missing value into a usage error', () => {
    const options = { port: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;
    expect(parseOptions(['--port', '80', '-h'], options)).toEqual({ port: '80', help: true });
    expect(() => parseOptions(['--bogus'], options)).toThrow(UsageError);
    expect(() => parseOptions(['--port'], options)).toThrow(UsageError);
    expect(() => parseOptions(['stray'], options)).toThrow(UsageError);
  });
});
