import { blockSchema, type BlockInput, type VariableValue } from '@/flows';
import { DEFAULT_ENGINE_LIMITS } from '../walker/turn';
import type { ReplyPayload } from '../engine-types';
import { idOf, storeWith } from '../testing/engine-harness';
import type { ParseEnv } from './input-types';
import { parseReply } from './parse-reply';

function envWith(values: Record<string, VariableValue> = {}): ParseEnv {
  const scope = storeWith(values);
  return {
    scope,
    conditions: { scope, maxRegexInputLength: 100 },
    limits: { ...DEFAULT_ENGINE_LIMITS, maxReplyLength: 200, maxRegexInputLength: 100 },
  };
}

function parse(block: BlockInput, reply: string | ReplyPayload, env = envWith()) {
  return parseReply(blockSchema.parse(block), typeof reply === 'string' ? { text: reply } : reply, env);
}

const ok = (value: unknown, itemId?: string) => ({ ok: true, value, ...(itemId ? { itemId } : {}) });

describe('text input', () => {
  const block = (options: Record<string, unknown> = {}): BlockInput => ({ id: 't', type: 'textInput', options });

  it('accepts trimmed text within bounds', () => {
    expect(parse(block({ minLength: 2, maxLength: 5 }), '  abc ')).toEqual(ok('abc'));
    expect(parse(block({ minLength: 2 }), 'a').ok).toBe(false);
    expect(parse(block({ maxLength: 2 }), 'abc').ok).toBe(false);
    expect(parse(block(), '   ').ok).toBe(false);
  });

  it('checks the pattern, and caps the input length', () => {
    const zip = block({ pattern: '^\\d{5}$' });
    expect(parse(zip, '75011')).toEqual(ok('75011'));
    expect(parse(zip, '7501').ok).toBe(false);
    expect(parse(block({ pattern: '^\\p{L}+$', patternFlags: 'u' }), 'Élodie')).toEqual(ok('Élodie'));
    expect(parse(block({ pattern: '^a+$' }), 'a'.repeat(150)).ok).toBe(false);
    expect(parse(block(), 'a'.repeat(201)).ok).toBe(false);
  });

  it('does not run a catastrophic pattern (accepts with a warning)', () => {
    const result = parse(block({ pattern: '^(a+)+$' }), 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!');
    expect(result).toMatchObject({ ok: true, warning: expect.stringContaining('not checked') });
  });
});

describe('number input', () => {
  const block: BlockInput = { id: 'n', type: 'numberInput', options: { min: 0, max: 100, step: 0.5 } };
  it.each([
    ['42', 42],
    [' 1,5 ', 1.5],
    ['99.5', 99.5],
  ])('%s → %s', (text, value) => expect(parse(block, text)).toEqual(ok(value)));
  it.each(['abc', '-1', '101', '1.2', '', '1e400'])('rejects %j', (text) => expect(parse(block, text).ok).toBe(false));
  it('accepts a numeric value', () => expect(parse(block, { value: 3 })).toEqual(ok(3)));
});

describe('email input', () => {
  const block: BlockInput = { id: 'e', type: 'emailInput' };
  it('accepts and normalises the domain', () =>
    expect(parse(block, ' Jane@Example.COM ')).toEqual(ok('Jane@example.com')));
  it.each(['not-an-email', 'a@b', 'a b@c.de', '@c.de'])('rejects %j', (text) =>
    expect(parse(block, text).ok).toBe(false),
  );
});

describe('phone input', () => {
  it('reads national numbers in the default country and saves E.164', () => {
    const us: BlockInput = { id: 'p', type: 'phoneInput', options: { defaultCountryCode: 'US' } };
    expect(parse(us, '(213) 373-4253')).toEqual(ok('+12133734253'));
    const fr: BlockInput = { id: 'p', type: 'phoneInput', options: { defaultCountryCode: 'FR' } };
    expect(parse(fr, '06 12 34 56 78')).toEqual(ok('+33612345678'));
    expect(parse(fr, '+1 213 373 4253')).toEqual(ok('+12133734253'));
  });
  it.each(['12', 'hello', '+33 1'])('rejects %j', (text) =>
    expect(parse({ id: 'p', type: 'phoneInput' }, text).ok).toBe(false),
  );
});

describe('url input', () => {
  const block: BlockInput = { id: 'u', type: 'urlInput' };
  it('accepts http(s) URLs, adding https:// to bare hosts', () => {
    expect(parse(block, 'https://parley.dev/x?y=1')).toEqual(ok('https://parley.dev/x?y=1'));
    expect(parse(block, 'example.com/page')).toEqual(ok('https://example.com/page'));
  });
  it.each(['javascript:alert(1)', 'not a url', 'ftp://x.y/z', 'http://intranet'])('rejects %j', (text) =>
    expect(parse(block, text).ok).toBe(false),
  );
});

describe('date input', () => {
  it('reads ISO dates and the block format, within bounds', () => {
    const block: BlockInput = {
      id: 'd',
      type: 'dateInput',
      options: { format: 'dd/MM/yyyy', min: '2025-01-01', max: '{{Max}}' },
    };
    const env = envWith({ Max: '2025-12-31' });
    expect(parse(block, '2025-03-14', env)).toEqual(ok('2025-03-14'));
    expect(parse(block, '14/03/2025', env)).toEqual(ok('2025-03-14'));
    expect(parse(block, '2024-12-31', env).ok).toBe(false);
    expect(parse(block, '2026-01-01', env).ok).toBe(false);
    expect(parse(block, '2025-02-30', env).ok).toBe(false);
    expect(parse(block, 'tomorrow', env).ok).toBe(false);
  });

  it('reads times and ranges', () => {
    const withTime: BlockInput = { id: 'd', type: 'dateInput', options: { hasTime: true, max: '2025-03-14' } };
    expect(parse(withTime, '2025-03-14T18:45')).toEqual(ok('2025-03-14T18:45'));
    expect(parse(withTime, '2025-03-15T00:00').ok).toBe(false);
    const range: BlockInput = { id: 'd', type: 'dateInput', options: { isRange: true } };
    expect(parse(range, '2025-03-01 to 2025-03-05')).toEqual(ok('2025-03-01 to 2025-03-05'));
    expect(parse(range, { value: { from: '2025-03-01', to: '2025-03-02' } })).toEqual(ok('2025-03-01 to 2025-03-02'));
    expect(parse(range, '2025-03-05 to 2025-03-01').ok).toBe(false);
  });
});

describe('time input', () => {
  const block: BlockInput = { id: 'h', type: 'timeInput', options: { min: '09:00', max: '18:00' } };
  it.each([
    ['14:30', '14:30'],
    ['9:05', '09:05'],
    ['2:30 pm', '14:30'],
  ])('%s → %s', (text, value) => expect(parse(block, text)).toEqual(ok(value)));
  it.each(['08:59', '18:01', '25:00', 'noon'])('rejects %j', (text) => expect(parse(block, text).ok).toBe(false));
});

describe('rating input', () => {
  const block: BlockInput = { id: 'r', type: 'ratingInput', options: { startsAt: 1, length: 5 } };
  it('accepts whole numbers in range', () => {
    expect(parse(block, '5')).toEqual(ok(5));
    expect(parse(block, { value: 1 })).toEqual(ok(1));
  });
  it.each(['0', '6', '2.5', 'five'])('rejects %j', (text) => expect(parse(block, text).ok).toBe(false));
});

describe('choice input', () => {
  const items = [
    { id: 'i-yes', label: 'Yes, please', value: 'yes' },
    { id: 'i-no', label: 'No' },
    {
      id: 'i-vip',
      label: 'VIP offer',
      displayCondition: { comparisons: [{ id: 'c', variableId: 'v0', operator: 'equals' as const, value: 'vip' }] },
    },
  ];
  const single: BlockInput = { id: 'c', type: 'choiceInput', items };

  it('matches by item id, by value and by label (case-insensitive)', () => {
    expect(parse(single, { value: 'i-no' })).toEqual(ok('No', 'i-no'));
    expect(parse(single, 'YES')).toEqual(ok('yes', 'i-yes'));
    expect(parse(single, ' yes, PLEASE ')).toEqual(ok('yes', 'i-yes'));
    expect(parse(single, 'Maybe').ok).toBe(false);
  });

  it('hides items whose display condition is false', () => {
    expect(parse(single, 'VIP offer', envWith({ Tier: 'basic' })).ok).toBe(false);
    expect(parse(single, 'VIP offer', envWith({ Tier: 'vip' }))).toEqual(ok('VIP offer', 'i-vip'));
  });

  it('adds buttons from a list variable', () => {
    const env = envWith({ Options: ['Red', 'Green'] });
    const dynamic: BlockInput = {
      id: 'c',
      type: 'choiceInput',
      options: { dynamicItems: { listVariableId: idOf(env.scope as never, 'Options') } },
    };
    expect(parse(dynamic, 'green', env)).toEqual(ok('Green'));
    expect(parse(dynamic, { value: 'c:dyn:0' }, env)).toEqual(ok('Red'));
  });

  it('accepts several choices when multiple', () => {
    const multi: BlockInput = { id: 'c', type: 'choiceInput', options: { multiple: true }, items };
    expect(parse(multi, 'No, yes')).toEqual(ok(['No', 'yes']));
    expect(parse(multi, { value: ['i-no', 'i-yes'] })).toEqual(ok(['No', 'yes']));
    expect(parse(multi, 'Yes, please')).toEqual(ok(['yes']));
    expect(parse(multi, 'No, Maybe').ok).toBe(false);
  });
});

describe('picture choice input', () => {
  const block: BlockInput = {
    id: 'pc',
    type: 'pictureChoiceInput',
    items: [
      { id: 'cat', pictureUrl: 'https://img/cat.png', title: 'Cat' },
      { id: 'dog', pictureUrl: 'https://img/dog.png', title: 'Dog', value: 'canine' },
    ],
  };
  it('matches by id or title', () => {
    expect(parse(block, 'cat')).toEqual(ok('Cat', 'cat'));
    expect(parse(block, 'DOG')).toEqual(ok('canine', 'dog'));
    expect(parse(block, 'Bird').ok).toBe(false);
  });
});

describe('file input', () => {
  const block = (options: Record<string, unknown>): BlockInput => ({ id: 'f', type: 'fileInput', options });
  it('accepts allowed file types by extension', () => {
    const images = block({ allowedTypes: ['image/*', '.pdf'] });
    expect(parse(images, { fileUrls: ['https://cdn.x/a.PNG'] })).toEqual(ok('https://cdn.x/a.PNG'));
    expect(parse(images, { fileUrls: ['https://cdn.x/cv.pdf'] })).toEqual(ok('https://cdn.x/cv.pdf'));
    expect(parse(images, { fileUrls: ['https://cdn.x/run.exe'] }).ok).toBe(false);
  });
  it('checks the count', () => {
    expect(parse(block({}), { fileUrls: ['https://a.b/1', 'https://a.b/2'] }).ok).toBe(false);
    expect(parse(block({ multiple: true }), { fileUrls: ['https://a.b/1', 'https://a.b/2'] })).toEqual(
      ok(['https://a.b/1', 'https://a.b/2']),
    );
    const many = Array.from({ length: 11 }, (_, i) => `https://a.b/${i}`);
    expect(parse(block({ multiple: true }), { fileUrls: many }).ok).toBe(false);
  });
  it('can be skipped only when optional', () => {
    expect(parse(block({}), { fileUrls: [] }).ok).toBe(false);
    expect(parse(block({ required: false }), 'skip')).toEqual(ok(undefined));
    expect(parse(block({}), { fileUrls: ['file:///etc/passwd'] }).ok).toBe(false);
  });
});

describe('blocks that take no reply', () => {
  it('rejects', () => expect(parse({ id: 'x', type: 'text', options: { text: 'hi' } }, 'hello').ok).toBe(false));
});
