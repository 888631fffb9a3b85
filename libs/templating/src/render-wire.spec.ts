import { packFields, unpackFields } from './render-wire';

describe('render wire', () => {
  it('round-trips any text, separators and control characters included', () => {
    const fields = ['', 'a:b', '12:34', '\u0000\u0001x', 'ünïcödé ✓ \u2028', 42, '{"a":"1:2"}'];
    const parts: string[] = [];
    packFields(fields, parts);
    expect(unpackFields(parts.join(''))).toEqual(fields.map(String));
  });

  it('refuses a truncated or malformed batch', () => {
    const parts: string[] = [];
    packFields(['hello', 'world'], parts);
    const wire = parts.join('');
    expect(() => unpackFields(wire.slice(0, -1))).toThrow(/malformed/);
    expect(() => unpackFields(`x${wire}`)).toThrow(/malformed/);
  });
});
