import { CONTACT_REFERENCE_PREFIX, isContactReference, type Variable, type VariableValue } from '@/flows';
import type { FlowIndex } from '../flow-index';
import { coerceToType, toVariableValue } from './variable-values';

/** Read access to variables, as templates, conditions and expressions need it. */
export interface VariableScope {
  get(variableId: string): VariableValue | undefined;
  getByName(name: string): VariableValue | undefined;
  /** Values of every set variable, by name. */
  named(): Record<string, VariableValue>;
}

/**
 * The running flow's variables over the session state's `variables` record (mutated in place: the
 * engine works on its own copy of the state). Values are coerced to the variable's type.
 */
export class VariableStore implements VariableScope {
  constructor(
    private readonly values: Record<string, VariableValue>,
    private readonly index: FlowIndex,
    /** The session's contact, for `{{contact.<key>}}` names no variable has (none: they are empty). */
    private readonly contact?: Readonly<Record<string, VariableValue>>,
  ) {}

  variable(variableId: string): Variable | undefined {
    return this.index.variables.get(variableId);
  }

  get(variableId: string): VariableValue | undefined {
    return Object.hasOwn(this.values, variableId) ? this.values[variableId] : undefined;
  }

  getByName(name: string): VariableValue | undefined {
    const trimmed = name.trim();
    const variable = this.index.variablesByName.get(trimmed);
    if (variable) return this.get(variable.id);
    if (this.contact && isContactReference(trimmed)) {
      const key = trimmed.slice(CONTACT_REFERENCE_PREFIX.length);
      return Object.hasOwn(this.contact, key) ? this.contact[key] : undefined;
    }
    return undefined;
  }

  named(): Record<string, VariableValue> {
    const out: Record<string, VariableValue> = {};
    for (const variable of this.index.flow.variables) {
      const value = this.get(variable.id);
      if (value !== undefined) out[variable.name] = value;
    }
    return out;
  }

  /** Saves a value coerced to the variable's type; unknown variable ids are ignored (false). */
  set(variableId: string, raw: unknown): boolean {
    const variable = this.variable(variableId);
    if (!variable) return false;
    const value = toVariableValue(raw);
    if (value === undefined) {
      this.clear(variableId);
      return true;
    }
    this.values[variableId] = coerceToType(value, variable.type);
    return true;
  }

  /** Saves a value without coercion (list operations keep lists whatever the declared type). */
  setExact(variableId: string, value: VariableValue | undefined): boolean {
    if (!this.variable(variableId)) return false;
    if (value === undefined) this.clear(variableId);
    else this.values[variableId] = value;
    return true;
  }

  clear(variableId: string): void {
    delete this.values[variableId];
  }
}

/** Initial values of a flow's variables: their defaults. */
export function defaultValues(index: FlowIndex): Record<string, VariableValue> {
  const values: Record<string, VariableValue> = {};
  for (const variable of index.flow.variables) {
    if (variable.defaultValue !== undefined) values[variable.id] = variable.defaultValue;
  }
  return values;
}

/** Finds a variable by name, else by id (prefilled variables may use either). */
export function findVariable(index: FlowIndex, key: string): Variable | undefined {
  return index.variablesByName.get(key.trim()) ?? index.variables.get(key);
}
