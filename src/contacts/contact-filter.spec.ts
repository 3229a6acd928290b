import type { OrganizationId } from '@/access/organization-id';
import { MAX_SCAN_WINDOW, SECOND_LOOK_MIN, secondWindow } from './contacts.repository';
import {
  type AttributeTypes,
  ContactFilterInvalid,
  contactFilterSql,
  contactOrderSql,
  formatContactCursor,
  likePrefix,
  parseContactCursor,
  phonePrefix,
  prefixTsQuery,
  exactTsQuery,
  identifierLike,
} from './contact-filter';

const org = 'org-1' as OrganizationId;
const types: AttributeTypes = new Map([
  ['plan', { type: 'list', options: ['free', 'pro'] }],
  ['seats', { type: 'number', options: [] }],
  ['vip', { type: 'boolean', options: [] }],
  ['renewal', { type: 'date', options: [] }],
]);

describe('contactFilterSql', () => {
  it('is the organization alone without filters', () => {
    expect(contactFilterSql(org, {}, types)).toEqual({ sql: 'c.organization_id = $1', params: [org] });
  });

  it('never splices values into SQL: every value is a parameter', () => {
    const hostile = "x'; DROP TABLE contacts; --";
    const { sql, params } = contactFilterSql(org, { search: hostile, lifecycle: [hostile] }, types);
    expect(sql).not.toContain('DROP');
    expect(params).toContain(hostile.replace(/[\\%_]/g, (c) => `\\${c}`).toLowerCase() + '%');
    expect(params).toContain('x:* & drop:* & table:* & contacts:*');
  });

  it('reads attribute values by type into JSON containment', () => {
    const { sql, params } = contactFilterSql(
      org,
      { attributes: { seats: '5', vip: 'true', plan: 'pro', renewal: '2027-01-31' } },
      types,
    );
    expect(sql.match(/c\.attributes @> \$\d+::jsonb/g)).toHaveLength(4);
    expect(params.slice(1)).toEqual(['{"seats":5}', '{"vip":true}', '{"plan":"pro"}', '{"renewal":"2027-01-31"}']);
  });

  it('names every bad attribute as attributes.<key>', () => {
    let caught: unknown;
    try {
      contactFilterSql(org, { attributes: { seats: 'many', plan: 'gold', nope: 'x', renewal: '2027-02-30' } }, types);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ContactFilterInvalid);
    expect((caught as ContactFilterInvalid).errors.map((e) => e.field).sort()).toEqual([
      'attributes.nope',
      'attributes.plan',
      'attributes.renewal',
      'attributes.seats',
    ]);
  });

  it('numbers parameters from the given start and combines every filter with AND', () => {
    const from = new Date('2026-01-01T00:00:00Z');
    const { sql, params } = contactFilterSql(
      org,
      { tags: ['t1'], tagsAll: ['t1', 't2', 't2'], optIn: 'email', lastSeenFrom: from, blocked: false, ids: ['c1'] },
      types,
      3,
    );
    expect(sql).toBe(
      [
        'c.organization_id = $3',
        'c.id = ANY($4::uuid[])',
        'c.tag_ids && $5::uuid[]',
        'c.tag_ids @> $6::uuid[]',
        'c.consents @> $7::jsonb',
        'c.last_seen_at >= $8',
        'NOT c.blocked',
      ].join(' AND '),
    );
    expect(params).toEqual([org, ['c1'], ['t1'], ['t1', 't2'], '{"email":{"status":"opt_in"}}', from]);
  });
});

describe('search with a number', () => {
  it('asks the full-text index for the whole numbers only and checks every word on the row', () => {
    const { sql, params } = contactFilterSql(org, { search: 'company 4321' }, types);
    expect(sql).toContain(
      "(c.search @@ to_tsquery('simple', $4) AND (c.search || ''::tsvector) @@ to_tsquery('simple', $5))",
    );
    expect(params.slice(3)).toEqual(['4321', 'company:* & 4321']);
    expect(contactFilterSql(org, { search: 'ann' }, types).sql).toContain("c.search @@ to_tsquery('simple', $4)");
  });
});

describe('search helpers', () => {
  it('looks emails and handles up by the prefix indexes only, words by full text too', () => {
    for (const term of ['bob.jones', 'cat@acme', 'ann.smith@example.com', ' j.r.r ']) {
      expect(identifierLike(term)).toBe(true);
      expect(contactFilterSql(org, { search: term }, types).sql).not.toContain('to_tsquery');
    }
    for (const term of ['bob jones', 'bob', 'bob. jones', '.bob', 'bob.', 'a@b c']) {
      expect(identifierLike(term)).toBe(false);
    }
    expect(contactFilterSql(org, { search: 'bob jones' }, types).sql).toContain('to_tsquery');
  });

  it('escapes LIKE wildcards', () => {
    expect(likePrefix('50%_off\\')).toBe('50\\%\\_off\\\\%');
  });

  it('makes a prefix tsquery of letters and digits only', () => {
    expect(prefixTsQuery('Ann  Smi')).toBe('ann:* & smi:*');
    expect(prefixTsQuery("!&|:*()'")).toBeNull();
    expect(prefixTsQuery('José Müller')).toBe('josé:* & müller:*');
    expect(prefixTsQuery('company 4321')).toBe('company:* & 4321');
    expect(exactTsQuery('company:* & 4321 & 7')).toBe('4321 & 7');
    expect(exactTsQuery('ann:* & smi:*')).toBeNull();
    expect(exactTsQuery('4321')).toBe('4321');
  });

  it('reads phone-like searches as +digits', () => {
    expect(phonePrefix('+44 20 7946')).toBe('+44207946');
    expect(phonePrefix('0044 20')).toBe('+4420');
    expect(phonePrefix('ann')).toBeNull();
    expect(phonePrefix('12')).toBeNull();
  });
});

describe('keyset order', () => {
  it('round-trips cursors, null times included, and refuses garbage', () => {
    const id = '01a2345f-dfe0-7460-b053-62b013e58de0';
    expect(parseContactCursor(formatContactCursor('1764633600000000', id))).toEqual({ micros: '1764633600000000', id });
    expect(parseContactCursor(formatContactCursor(null, id))).toEqual({ micros: null, id });
    expect(parseContactCursor('nope')).toBeUndefined();
    expect(parseContactCursor("1_x' OR 1=1")).toBeUndefined();
  });

  it('pages newest first, and by last seen with never-seen contacts last', () => {
    expect(contactOrderSql('createdAt', { micros: '5', id: 'i' }, 4)).toMatchObject({
      after: "(c.created_at, c.id) < (('epoch'::timestamptz + $4::bigint * interval '1 microsecond'), $5::uuid)",
      orderBy: 'c.created_at DESC, c.id DESC',
      params: ['5', 'i'],
    });
    expect(contactOrderSql('lastSeenAt', { micros: null, id: 'i' }, 2)).toMatchObject({
      after: '(c.last_seen_at IS NULL AND c.id < $2::uuid)',
      orderBy: 'c.last_seen_at DESC NULLS LAST, c.id DESC',
      params: ['i'],
    });
    expect(contactOrderSql('createdAt', undefined, 2).after).toBeNull();
  });
});

describe('secondWindow', () => {
  it('reads twice what the density seen predicts for a page, bounded, and not for rare filters', () => {
    expect(secondWindow(50, 51)).toBe(10_200);
    expect(secondWindow(25, 51)).toBe(20_400);
    expect(secondWindow(20, 51)).toBe(MAX_SCAN_WINDOW);
    expect(secondWindow(SECOND_LOOK_MIN - 1, 51)).toBeNull();
    expect(secondWindow(0, 51)).toBeNull();
  });
});
