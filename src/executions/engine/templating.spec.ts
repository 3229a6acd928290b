import { storeWith } from './testing/engine-harness';
import { renderJsonTemplate, renderTemplate, resolveTemplateValue } from './templating';

const store = storeWith({ Name: 'Jane "JD" Doe', Age: '25', Score: 7, Tags: ['a', 'b'], 'Full name': 'Jane Doe' });

describe('renderTemplate', () => {
  it('substitutes variables by name, unknown and unset ones as empty', () => {
    expect(renderTemplate('Hi {{Full name}}! {{ Age }} / {{Unknown}}.', store)).toBe('Hi Jane Doe! 25 / .');
  });

  it('prints lists as JSON and keeps the $ of ${{{x}}}', () => {
    expect(renderTemplate('{{Tags}} ${{{Age}}}', store)).toBe('["a","b"] ${25}');
  });

  it('evaluates inline expressions, falling back to plain substitution', () => {
    expect(renderTemplate('Next year: {{= {{Age}} + 1 =}}', store)).toBe('Next year: 26');
    expect(renderTemplate('{{= upper({{Full name}}) =}}', store)).toBe('JANE DOE');
    expect(renderTemplate('{{= {{Age}}.toFixed(2) =}}', store)).toBe('25.toFixed(2)');
  });

  it('gives the raw value of a single reference', () => {
    expect(resolveTemplateValue('{{Tags}}', store)).toEqual(['a', 'b']);
    expect(resolveTemplateValue(' {{Score}} ', store)).toBe(7);
    expect(resolveTemplateValue('{{Score}} points', store)).toBe('7 points');
  });
});

describe('renderJsonTemplate', () => {
  it('escapes inside strings and inserts JSON values outside', () => {
    const body = renderJsonTemplate(
      '{"name": "{{Name}}", "age": {{Age}}, "tags": {{Tags}}, "none": {{Unknown}}}',
      store,
    );
    expect(JSON.parse(body)).toEqual({ name: 'Jane "JD" Doe', age: 25, tags: ['a', 'b'], none: null });
  });

  it('quotes text that is not JSON when inserted outside a string', () => {
    expect(JSON.parse(renderJsonTemplate('{"n": {{Full name}}}', store))).toEqual({ n: 'Jane Doe' });
  });
});
