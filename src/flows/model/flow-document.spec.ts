import { blockSchema } from './block';
import { flowDocumentSchema } from './flow-document';
import { variableSchema } from './variables';

describe('flowDocumentSchema', () => {
  it('fills defaults for omitted options and collections', () => {
    const doc = flowDocumentSchema.parse({
      schemaVersion: 1,
      groups: [
        {
          id: 'g',
          blocks: [
            { id: 'b', type: 'emailInput' },
            { id: 'h', type: 'httpRequest' },
          ],
        },
      ],
    });
    expect(doc.edges).toEqual([]);
    expect(doc.events).toEqual([]);
    expect(doc.groups[0]?.title).toBe('');
    expect(doc.groups[0]?.blocks[0]).toEqual({
      id: 'b',
      type: 'emailInput',
      options: { retryMessage: "This email doesn't seem to be valid. Can you type it again?" },
    });
    expect(doc.groups[0]?.blocks[1]).toMatchObject({
      options: { method: 'POST', url: '', timeoutMs: 10_000, retries: 0, headers: [], sendAllVariables: false },
    });
  });

  it('rejects unknown option keys, unknown block types and a wrong schema version', () => {
    const unknownKey = blockSchema.safeParse({ id: 'b', type: 'text', options: { text: 'hi', color: 'red' } });
    expect(unknownKey.success).toBe(false);
    expect(unknownKey.error?.issues[0]).toMatchObject({
      code: 'unrecognized_keys',
      path: ['options'],
      keys: ['color'],
    });

    expect(blockSchema.safeParse({ id: 'b', type: 'carousel' }).success).toBe(false);
    expect(flowDocumentSchema.safeParse({ schemaVersion: 2 }).success).toBe(false);
  });

  it('requires a text on text bubbles and the options an operation needs', () => {
    expect(blockSchema.safeParse({ id: 'b', type: 'text' }).error?.issues[0]?.path).toEqual(['options', 'text']);
    const setVariable = blockSchema.safeParse({
      id: 'b',
      type: 'setVariable',
      options: { variableId: 'v', operation: { kind: 'itemAtSameIndex', itemVariableId: 'a' } },
    });
    expect(setVariable.success).toBe(false);
  });

  it('accepts an A/B split only with one item for path a and one for b', () => {
    const split = (paths: string[]) =>
      blockSchema.safeParse({ id: 'ab', type: 'abSplit', items: paths.map((path, i) => ({ id: `i${i}`, path })) });
    expect(split(['a', 'b']).success).toBe(true);
    expect(split(['a', 'a']).success).toBe(false);
    expect(split(['a']).success).toBe(false);
  });

  it('keeps edge sources either a block (and item) or an event, not both', () => {
    const edge = (from: object) =>
      flowDocumentSchema.safeParse({ schemaVersion: 1, edges: [{ id: 'e', from, to: { groupId: 'g' } }] });
    expect(edge({ blockId: 'b', itemId: 'i' }).success).toBe(true);
    expect(edge({ eventId: 'start' }).success).toBe(true);
    expect(edge({ blockId: 'b', eventId: 'start' }).success).toBe(false);
  });

  it('checks that a default value fits the variable type', () => {
    expect(variableSchema.safeParse({ id: 'v', name: 'Tags', type: 'list', defaultValue: ['a'] }).success).toBe(true);
    const wrong = variableSchema.safeParse({ id: 'v', name: 'Age', type: 'number', defaultValue: 'ten' });
    expect(wrong.error?.issues[0]).toMatchObject({ path: ['defaultValue'] });
    expect(variableSchema.parse({ id: 'v', name: ' Name ' })).toEqual({
      id: 'v',
      name: 'Name',
      type: 'string',
      saveInResults: true,
    });
  });

  it('validates event options', () => {
    const event = (e: object) => flowDocumentSchema.safeParse({ schemaVersion: 1, events: [e] }).success;
    expect(event({ id: 'c', type: 'command', command: 'human' })).toBe(true);
    expect(event({ id: 'c', type: 'command', command: 'talk to us' })).toBe(false);
    expect(event({ id: 'i', type: 'idle', timeoutSeconds: 300 })).toBe(true);
    expect(event({ id: 'i', type: 'idle', timeoutSeconds: 0 })).toBe(false);
    expect(event({ id: 'r', type: 'reply', filter: { operator: 'contains', value: 'help' } })).toBe(true);
  });
});
