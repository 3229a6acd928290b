import { evaluateExpression, looksLikeLiteralText } from './expressions';
import { storeWith } from './testing/engine-harness';

const store = storeWith({ Score: '10', Name: 'jane', 'Lead score': 5, Tags: ['a', 'b'], Profile: { city: 'Paris' } });

describe('evaluateExpression', () => {
  it.each([
    ['{{Score}} + 5', 15],
    ['Score * 2', 20],
    ["'Lead score' + 1", 6],
    ['upper({{Name}})', 'JANE'],
    ['concat({{Name}}, "!")', 'jane!'],
    ['len({{Tags}})', 2],
    ['join({{Tags}}, "-")', 'a-b'],
    ['if {{Score}} > 5 then "high" else "low"', 'high'],
    ['{{Score}} == 10 and not ({{Name}} == "john")', true],
    ['Profile.city', 'Paris'],
    ['round(10 / 3)', 3],
    ['{{Name}} ~= "^j"', true],
  ])('%s → %j', (expression, expected) => {
    expect(evaluateExpression(expression, store)).toEqual({ ok: true, value: expected });
  });

  it('fails instead of throwing on unknown names, syntax and type errors', () => {
    expect(evaluateExpression('Promoter', store).ok).toBe(false);
    expect(evaluateExpression('Kat IA', store).ok).toBe(false);
    expect(evaluateExpression('-{{Name}}', store).ok).toBe(false);
    expect(evaluateExpression('1 / 0', store).ok).toBe(false);
  });

  it('cannot reach outside the data it is given', () => {
    expect(evaluateExpression('constructor', store).ok).toBe(false);
    expect(evaluateExpression("'__proto__'", store).ok).toBe(false);
    expect(evaluateExpression('process', store).ok).toBe(false);
    expect(evaluateExpression('eval("1")', store).ok).toBe(false);
  });

  it('does not run a catastrophic regex with ~=', () => {
    expect(evaluateExpression('"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!" ~= "^(a+)+$"', store)).toEqual({
      ok: true,
      value: false,
    });
  });

  it('recognises text meant literally', () => {
    expect(looksLikeLiteralText('2025-01-31')).toBe(true);
    expect(looksLikeLiteralText('007')).toBe(true);
    expect(looksLikeLiteralText('{{Score}} + 1')).toBe(false);
  });
});
