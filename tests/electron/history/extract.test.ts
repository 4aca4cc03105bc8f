import { describe, expect, it, vi } from 'vitest';
import { extractNumber, parseNumericText, PayloadReader, valueAt } from '../../../electron/services/history/extract.js';

const reader = (text: string): PayloadReader => new PayloadReader(new TextEncoder().encode(text));

describe('value extraction', () => {
  it('reads a whole payload as a number when it is a decimal number and nothing else', () => {
    expect(extractNumber(reader('23.5'), [])).toBe(23.5);
    expect(extractNumber(reader(' -4\n'), [])).toBe(-4);
    expect(extractNumber(reader('1e3'), [])).toBe(1000);
    expect(extractNumber(reader('.5'), [])).toBe(0.5);
    for (const bad of ['', 'ON', '0x10', 'Infinity', 'NaN', '12abc', '{"a":1}', '1,5']) expect(extractNumber(reader(bad), [])).toBeNull();
  });

  it('reads a numeric field of a Tasmota SENSOR payload by its path', () => {
    const r = reader('{"Time":"2026-01-10T12:00:00","AM2301":{"Temperature":21.7,"Humidity":48.2,"DewPoint":10.3},"TempUnit":"C"}');
    expect(extractNumber(r, ['AM2301', 'Temperature'])).toBe(21.7);
    expect(extractNumber(r, ['AM2301', 'Humidity'])).toBe(48.2);
    expect(extractNumber(r, ['TempUnit'])).toBeNull();
    expect(extractNumber(r, ['AM2301'])).toBeNull();
    expect(extractNumber(r, ['AM2301', 'Missing'])).toBeNull();
    expect(extractNumber(r, ['Time', 'x'])).toBeNull();
  });

  it('indexes arrays by decimal position and accepts numbers written as strings', () => {
    const r = reader('{"Temps":[19.5,"20.25",true,null],"Count":"7"}');
    expect(extractNumber(r, ['Temps', '0'])).toBe(19.5);
    expect(extractNumber(r, ['Temps', '1'])).toBe(20.25);
    expect(extractNumber(r, ['Temps', '2'])).toBeNull();
    expect(extractNumber(r, ['Temps', '3'])).toBeNull();
    expect(extractNumber(r, ['Temps', '01'])).toBeNull();
    expect(extractNumber(r, ['Temps', 'length'])).toBeNull();
    expect(extractNumber(r, ['Count'])).toBe(7);
  });

  it('does not read inherited properties as fields', () => {
    expect(valueAt({ a: 1 }, ['constructor'])).toBeUndefined();
    expect(valueAt({ a: 1 }, ['__proto__'])).toBeUndefined();
  });

  it('parses one payload at most once however many series read it', () => {
    const r = reader('{"A":{"T":1},"B":{"T":2}}');
    const parse = vi.spyOn(JSON, 'parse');
    try {
      expect(extractNumber(r, ['A', 'T'])).toBe(1);
      expect(extractNumber(r, ['B', 'T'])).toBe(2);
      expect(extractNumber(r, ['C'])).toBeNull();
      expect(parse).toHaveBeenCalledTimes(1);
    } finally {
      parse.mockRestore();
    }
  });

  it('treats broken JSON as having no fields instead of throwing', () => {
    expect(extractNumber(reader('{"a":1'), ['a'])).toBeNull();
    expect(parseNumericText('  12.0  ')).toBe(12);
  });
});
