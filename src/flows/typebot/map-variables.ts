import type { VariableValue } from '../model/primitives';
import type { Variable } from '../model/variables';
import type { TypebotVariable } from './typebot-source';

/** Typebot values are strings or lists of strings; anything else is stored as text. */
function defaultValue(value: unknown, isList: boolean): VariableValue | undefined {
  if (value === null || value === undefined) return undefined;
  const scalar = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));
  if (Array.isArray(value)) return value.map(scalar);
  return isList ? [scalar(value)] : scalar(value);
}

/** A unique, non-blank name: `{{name}}` references must resolve to one variable. */
function uniqueName(raw: string, index: number, taken: Set<string>, warn: (message: string) => void): string {
  const base = raw.trim() === '' ? `Variable ${index + 1}` : raw.trim();
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base} (${n})`;
  if (name !== raw) warn(`variable "${raw}" is now named "${name}"`);
  taken.add(name);
  return name;
}

/**
 * Maps Typebot variables. Parley types them: a variable with a list value, or used as a list by a
 * block (`listVariableIds`), is a `list`; every other one is a `string`, as Typebot stores them.
 * Session variables are kept out of results.
 */
export function mapVariables(
  variables: TypebotVariable[],
  listVariableIds: ReadonlySet<string>,
  warn: (message: string) => void,
): Variable[] {
  const taken = new Set<string>();
  return variables.map((v, i) => {
    const isList = listVariableIds.has(v.id) || Array.isArray(v.value);
    const value = defaultValue(v.value, isList);
    return {
      id: v.id,
      name: uniqueName(v.name, i, taken, warn),
      type: isList ? 'list' : 'string',
      ...(value === undefined ? {} : { defaultValue: value }),
      saveInResults: v.isSessionVariable !== true,
    };
  });
}

/** A variable id blocks or events refer to that the export does not declare. */
export interface UndeclaredVariable {
  variableId: string;
  /** The name Parley gave it. */
  name: string;
  /** The blocks (or `event:<id>`) that refer to it. */
  usedBy: string[];
}

/**
 * Declares the variables blocks refer to but the export does not (Typebot runs such a bot: the
 * value is empty, and nothing is saved in it), named after their id, kept out of results as
 * Typebot keeps them. Without this, the flow could not be published (`variable.unknown`).
 */
export function declareUndeclaredVariables(
  declared: readonly Variable[],
  references: readonly { variableId: string; usedBy: string }[],
  listVariableIds: ReadonlySet<string>,
): { variables: Variable[]; undeclared: UndeclaredVariable[] } {
  const known = new Set(declared.map((v) => v.id));
  const taken = new Set(declared.map((v) => v.name));
  const byId = new Map<string, UndeclaredVariable>();
  for (const { variableId, usedBy } of references) {
    if (known.has(variableId)) continue;
    const found = byId.get(variableId);
    if (found) {
      if (!found.usedBy.includes(usedBy)) found.usedBy.push(usedBy);
      continue;
    }
    const base = variableId.trim() === '' ? 'Undeclared variable' : variableId.trim();
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base} (${n})`;
    taken.add(name);
    byId.set(variableId, { variableId, name, usedBy: [usedBy] });
  }
  const undeclared = [...byId.values()];
  const added: Variable[] = undeclared.map(({ variableId, name }) => ({
    id: variableId,
    name,
    type: listVariableIds.has(variableId) ? 'list' : 'string',
    saveInResults: false,
  }));
  return { variables: [...declared, ...added], undeclared };
}
