import { ValidationFailed } from '../errors/domain.exception';
import { findHostileInput, findHostileRequestInput, inputHygieneHook, MAX_JSON_DEPTH } from './input-hygiene';

const nested = (depth: number): unknown => {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = [value];
  return value;
};

describe('findHostileInput', () => {
  it('accepts ordinary JSON, emoji (paired surrogates) included', () => {
    expect(findHostileInput({ name: 'Ada 👩‍💻', tags: ['a', 'b'], n: 1, ok: true, none: null })).toBeUndefined();
  });

  it('names a NUL in a nested string with dotted and bracket paths', () => {
    expect(findHostileInput({ items: [{ label: 'ok' }, { label: 'a\u0000b' }] })).toEqual({
      field: 'items[1].label',
      message: 'items[1].label must not contain NUL (\\u0000) characters',
    });
  });

  it('names lone surrogates, high or low', () => {
    expect(findHostileInput({ text: 'a\ud800' })?.field).toBe('text');
    expect(findHostileInput({ value: { a: '\udc00' } })?.field).toBe('value.a');
  });

  it('refuses hostile keys without echoing them', () => {
    const found = findHostileInput({ variables: { 'bad\u0000key': 1 } });
    expect(found).toEqual({
      field: 'variables',
      message: 'a property name in variables must not contain NUL (\\u0000) characters',
    });
    expect(findHostileInput({ '\ud800': 1 })?.field).toBe('body');
  });

  it('refuses nesting past the limit without recursing (100,000 deep)', () => {
    expect(findHostileInput(nested(MAX_JSON_DEPTH))).toBeUndefined();
    expect(findHostileInput(nested(MAX_JSON_DEPTH + 1))?.message).toMatch(/nests deeper than 64 levels/);
    expect(() => findHostileInput(nested(100_000))).not.toThrow();
  });

  it('checks a bare string body', () => {
    expect(findHostileInput('a\u0000', 'body')).toEqual({
      field: 'body',
      message: 'body must not contain NUL (\\u0000) characters',
    });
  });
});

describe('findHostileRequestInput', () => {
  it('checks path parameters, then the query, then the body', () => {
    expect(findHostileRequestInput({ params: { publicId: '\u0000' } })?.field).toBe('publicId');
    expect(findHostileRequestInput({ query: { from: ['ok', 'x\ud800'] } })?.field).toBe('from[1]');
    expect(findHostileRequestInput({ params: {}, query: {}, body: undefined })).toBeUndefined();
  });
});

describe('inputHygieneHook', () => {
  it('passes a ValidationFailed to Fastify for a hostile request, nothing otherwise', () => {
    const done = jest.fn();
    inputHygieneHook({ body: { name: 'a\u0000' } }, undefined, done);
    const error = done.mock.calls[0][0] as ValidationFailed;
    expect(error).toBeInstanceOf(ValidationFailed);
    expect(error.errors).toEqual([{ field: 'name', message: 'name must not contain NUL (\\u0000) characters' }]);

    const clean = jest.fn();
    inputHygieneHook({ body: { name: 'Ada' } }, undefined, clean);
    expect(clean).toHaveBeenCalledWith(undefined);
  });
});
