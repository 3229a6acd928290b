import { isSingleVariableReference, templateVariableNames } from './template-refs';

describe('templateVariableNames', () => {
  it('finds names with spaces and trims them', () => {
    expect(templateVariableNames('Hi {{Name}}, your {{ Recommend rate }} is {{Name}}')).toEqual([
      'Name',
      'Recommend rate',
      'Name',
    ]);
  });

  it('skips inline code and text without references', () => {
    expect(templateVariableNames('{{= 1 + 2 =}} and {{}} and { {x} }')).toEqual([]);
  });

  it('keeps ${{{name}}} working inside template literals', () => {
    expect(templateVariableNames('`${{{Score}}}`')).toEqual(['Score']);
  });
});

describe('isSingleVariableReference', () => {
  it('is true only when the whole text is one reference', () => {
    expect(isSingleVariableReference(' {{platform}} ')).toBe(true);
    expect(isSingleVariableReference('{{a}} + 1')).toBe(false);
    expect(isSingleVariableReference('{{= a =}}')).toBe(false);
  });
});
