import { copyValue, csvLine } from './copy-text';

describe('COPY text values', () => {
  it('escapes backslash, tab, newline and carriage return; null is \\N', () => {
    expect(copyValue('plain')).toBe('plain');
    expect(copyValue('a\\b\tc\nd\re')).toBe('a\\\\b\\tc\\nd\\re');
    expect(copyValue(null)).toBe('\\N');
    expect(copyValue(42)).toBe('42');
  });
});

describe('csvLine', () => {
  it('quotes fields with commas, quotes, line breaks or outer spaces', () => {
    expect(csvLine(['a', 'b,c', 'say "hi"', 'x\ny', ' pad', ''])).toBe('a,"b,c","say ""hi""","x\ny"," pad",');
  });
});
