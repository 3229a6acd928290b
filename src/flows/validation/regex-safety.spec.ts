import { hasNestedUnboundedRepeat, parseRegexLiteral, regexSyntaxError } from './regex-safety';

describe('hasNestedUnboundedRepeat', () => {
  it.each(['(a+)+', '^(\\w*\\s?)*$', '(.*,){2,}', '((ab)*c)+', '(?:x+y?)*', '([a-z]+)*@'])('flags %s', (pattern) => {
    expect(hasNestedUnboundedRepeat(pattern)).toBe(true);
  });

  it.each(['^\\d{3}-\\d{4}$', '(ab)+', '(a+){2}', '[(a+)+]', '\\(a+\\)+', '^[^@\\s]+@[^@\\s]+$', '(a|b)*c'])(
    'accepts %s',
    (pattern) => {
      expect(hasNestedUnboundedRepeat(pattern)).toBe(false);
    },
  );
});

describe('parseRegexLiteral', () => {
  it('splits /pattern/flags and keeps bare patterns whole', () => {
    expect(parseRegexLiteral('/^yes$/i')).toEqual({ source: '^yes$', flags: 'i' });
    expect(parseRegexLiteral('^a/b$')).toEqual({ source: '^a/b$', flags: '' });
  });
});

describe('regexSyntaxError', () => {
  it('returns the engine message for invalid patterns and flags', () => {
    expect(regexSyntaxError({ source: '(', flags: '' })).toMatch(/Invalid regular expression/);
    expect(regexSyntaxError({ source: 'a', flags: 'q' })).toMatch(/Invalid flags/);
    expect(regexSyntaxError({ source: 'a', flags: 'i' })).toBeUndefined();
  });
});
