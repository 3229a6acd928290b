import {
  setVariableBlockSchema,
  type SYSTEM_VALUES,
  type SetVariableOperationInput,
  type VariableType,
  type VariableValue,
} from '@/flows';
import { runSetVariable } from './set-variable';
import type { SystemValueEnv } from './system-values';
import { FIXED_NOW, idOf, scriptedRandom, storeWith } from './testing/engine-harness';

const env: SystemValueEnv = {
  now: FIXED_NOW,
  random: scriptedRandom([0.1, 0.2, 0.3]),
  facts: { resultId: 'res-1', userId: 'user-1', transcript: () => 'Bot: hi', contactName: 'Ann', contactPhone: '+331' },
};

function run(
  values: Record<string, VariableValue>,
  target: string,
  operation: SetVariableOperationInput,
  types: Record<string, VariableType> = {},
) {
  const store = storeWith(values, { [target]: types[target] ?? 'string', ...types });
  const id = (name: string) => idOf(store, name);
  const op = JSON.parse(
    JSON.stringify(operation).replace(/"@([^"]+)"/g, (_, name: string) => JSON.stringify(id(name))),
  ) as SetVariableOperationInput;
  const block = setVariableBlockSchema.parse({
    id: 'b',
    type: 'setVariable',
    options: { variableId: id(target), operation: op },
  });
  const outcome = runSetVariable(block, store, env);
  return { outcome, value: store.getByName(target), store };
}

describe('setVariable', () => {
  describe('expression', () => {
    it('computes with typed variables', () => {
      expect(run({ Score: '10' }, 'Score', { kind: 'expression', expression: '{{Score}} + 5' }).value).toBe('15');
      expect(
        run({ Score: 10 }, 'Score', { kind: 'expression', expression: '{{Score}} + 5' }, { Score: 'number' }).value,
      ).toBe(15);
    });

    it('keeps literal text when it does not evaluate', () => {
      expect(run({}, 'Label', { kind: 'expression', expression: 'Promoter' }).value).toBe('Promoter');
      expect(run({ Name: 'Jane' }, 'Label', { kind: 'expression', expression: 'Hi {{Name}}!' }).value).toBe('Hi Jane!');
      expect(run({}, 'Label', { kind: 'expression', expression: '2025-01-31' }).value).toBe('2025-01-31');
      expect(run({}, 'Label', { kind: 'expression', expression: '007' }).value).toBe('007');
    });

    it('copies a single reference with its type', () => {
      expect(
        run({ Tags: ['a'] }, 'Copy', { kind: 'expression', expression: '{{Tags}}' }, { Tags: 'list', Copy: 'list' })
          .value,
      ).toEqual(['a']);
    });

    it('parses JSON text into an object variable', () => {
      const expression = '{\n  "name": "John",\n  "age": 25\n}';
      expect(run({}, 'Body', { kind: 'expression', expression }, { Body: 'object' }).value).toEqual({
        name: 'John',
        age: 25,
      });
    });
  });

  it('append adds to a list (creating it)', () => {
    expect(run({ Name: 'c' }, 'List', { kind: 'append', expression: '{{Name}}' }).value).toEqual(['c']);
    expect(
      run({ List: ['a', 'b'], Name: 'c' }, 'List', { kind: 'append', expression: '{{Name}}' }, { List: 'list' }).value,
    ).toEqual(['a', 'b', 'c']);
  });

  it('clear unsets the variable', () => {
    expect(run({ Email: 'a@b.c' }, 'Email', { kind: 'clear' }).value).toBeUndefined();
  });

  it('pop and shift remove the last and first items, saving them', () => {
    const popped = run(
      { List: ['a', 'b', 'c'] },
      'List',
      { kind: 'pop', saveItemInVariableId: '@Item' },
      { List: 'list', Item: 'string' },
    );
    expect(popped.value).toEqual(['a', 'b']);
    expect(popped.store.getByName('Item')).toBe('c');
    const shifted = run(
      { List: ['a', 'b', 'c'] },
      'List',
      { kind: 'shift', saveItemInVariableId: '@Item' },
      { List: 'list', Item: 'string' },
    );
    expect(shifted.value).toEqual(['b', 'c']);
    expect(shifted.store.getByName('Item')).toBe('a');
  });

  it('itemAtSameIndex maps an item to the other list', () => {
    const values = { Item: 'fr', Codes: ['en', 'fr'], Names: ['English', 'French'] };
    const operation = {
      kind: 'itemAtSameIndex',
      itemVariableId: '@Item',
      listVariableId: '@Codes',
      targetListVariableId: '@Names',
    } as const;
    expect(run(values, 'Language', operation, { Codes: 'list', Names: 'list' }).value).toBe('French');
    expect(
      run({ ...values, Item: 'de' }, 'Language', operation, { Codes: 'list', Names: 'list' }).value,
    ).toBeUndefined();
  });

  describe('system values', () => {
    const system = (value: (typeof SYSTEM_VALUES)[number], timeZone?: string) =>
      run({}, 'Out', { kind: 'system', value, ...(timeZone ? { timeZone } : {}) }).value;

    it.each([
      ['now', undefined, '2025-03-14T09:30:00.000Z'],
      ['now', 'Asia/Tokyo', '2025-03-14T18:30:00+09:00'],
      ['today', undefined, '2025-03-14'],
      ['yesterday', undefined, '2025-03-13'],
      ['today', 'Pacific/Honolulu', '2025-03-13'],
      ['tomorrow', undefined, '2025-03-15'],
      ['momentOfTheDay', undefined, 'morning'],
      ['momentOfTheDay', 'America/Los_Angeles', 'night'],
      ['resultId', undefined, 'res-1'],
      ['userId', undefined, 'user-1'],
      ['transcript', undefined, 'Bot: hi'],
      ['channel', undefined, 'web'],
      ['contactName', undefined, 'Ann'],
      ['contactPhone', undefined, '+331'],
    ] as const)('%s (%s)', (value, timeZone, expected) => {
      expect(system(value, timeZone)).toBe(expected);
    });

    it('randomId comes from the injected random source', () => {
      const draw = () => {
        const store = storeWith({}, { Out: 'string' });
        const block = setVariableBlockSchema.parse({
          id: 'b',
          type: 'setVariable',
          options: { variableId: idOf(store, 'Out'), operation: { kind: 'system', value: 'randomId' } },
        });
        runSetVariable(block, store, { ...env, random: scriptedRandom([0.1, 0.5, 0.9]) });
        return store.getByName('Out');
      };
      expect(draw()).toMatch(/^[a-z0-9]{24}$/);
      expect(draw()).toBe(draw());
    });

    it('deviceType is unset when the service does not know it', () => {
      expect(system('deviceType')).toBeUndefined();
    });

    it('reports an unknown time zone', () => {
      expect(run({}, 'Out', { kind: 'system', value: 'now', timeZone: 'Mars/Olympus' }).outcome.ok).toBe(false);
    });
  });

  it('fails without a target variable', () => {
    const store = storeWith({});
    const block = setVariableBlockSchema.parse({ id: 'b', type: 'setVariable', options: {} });
    expect(runSetVariable(block, store, env).ok).toBe(false);
  });
});
