import { BLOCK_TYPES } from './block-types';
import { EVENT_TYPES } from './events';
import { flowDocumentJsonSchema } from './json-schema';

type Schema = Record<string, unknown>;

const child = (schema: unknown, ...keys: string[]): Schema =>
  keys.reduce<Schema>((node, key) => (node[key] ?? {}) as Schema, schema as Schema);

/** The single `type` value each member of a oneOf fixes. */
function discriminatorValues(oneOf: unknown): unknown[] {
  expect(Array.isArray(oneOf)).toBe(true);
  return (oneOf as Schema[]).map((member) => {
    const type = child(member, 'properties', 'type');
    expect(type.enum).toHaveLength(1);
    expect(member.required).toContain('type');
    return (type.enum as unknown[])[0];
  });
}

function keysAnywhere(node: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => keysAnywhere(n, found));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      found.add(key);
      keysAnywhere(value, found);
    }
  }
  return found;
}

describe('flowDocumentJsonSchema', () => {
  const schema = flowDocumentJsonSchema();
  const blocks = child(schema, 'properties', 'groups', 'items', 'properties', 'blocks', 'items');

  it('describes blocks as a oneOf discriminated by distinct type enums', () => {
    const values = discriminatorValues(blocks.oneOf);
    expect(new Set(values).size).toBe(values.length);
    expect([...values].sort()).toEqual([...BLOCK_TYPES].sort());
  });

  it('describes events the same way', () => {
    const events = child(schema, 'properties', 'events', 'items');
    expect(discriminatorValues(events.oneOf).sort()).toEqual([...EVENT_TYPES].sort());
  });

  it('is a self-contained OpenAPI 3.0 schema object', () => {
    const keys = keysAnywhere(schema);
    expect(keys.has('$ref')).toBe(false);
    expect(keys.has('const')).toBe(false);
    expect(keys.has('$schema')).toBe(false);
    expect(schema.required).toEqual(['schemaVersion']);
  });

  it('marks defaulted options optional for input and required for output', () => {
    const textInputOptions = (io: 'input' | 'output') => {
      const members = child(
        flowDocumentJsonSchema(io),
        'properties',
        'groups',
        'items',
        'properties',
        'blocks',
        'items',
      ).oneOf as Schema[];
      const textInput = members.find((m) => (child(m, 'properties', 'type').enum as unknown[])[0] === 'textInput');
      return child(textInput, 'properties', 'options');
    };
    expect(textInputOptions('input').required ?? []).not.toContain('retryMessage');
    expect(textInputOptions('output').required).toContain('retryMessage');
    expect(textInputOptions('input').additionalProperties).toBe(false);
  });
});
