import { cleanHeader } from './email.channel';

describe('cleanHeader', () => {
  it.each([
    ['Order 1\r\nBcc: attacker@evil.example', 'Order 1 Bcc: attacker@evil.example'],
    ['a\nb\rc', 'a b c'],
    ['nul\u0000 and del\u007f', 'nul  and del'],
    ['  padded\n', 'padded'],
  ])('%j cannot start a new header line', (input, expected) => {
    const out = cleanHeader(input);
    expect(out).toBe(expected);
    expect(out).not.toMatch(/[\r\n]/);
  });

  it('keeps tabs and unicode', () => expect(cleanHeader('Zoë\t東京 😀')).toBe('Zoë\t東京 😀'));
});
