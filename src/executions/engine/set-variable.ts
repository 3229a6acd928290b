import { isSingleVariableReference, type BlockOf, type SetVariableOperation, type VariableValue } from '@/flows';
import { evaluateExpression, looksLikeLiteralText } from './expressions';
import { systemValue, type SystemValueEnv } from './system-values';
import { renderTemplate } from './templating';
import type { VariableStore } from './values/variable-store';
import { asItems, printValue, toVariableValue } from './values/variable-values';

export type SetVariableOutcome = { ok: true; note?: string } | { ok: false; error: string };

/**
 * The value of an `expression` (docs/typebot-format.md §7.3 "Custom"): one `{{var}}` copies its value; text
 * meant literally stays text; otherwise the safe expression's value, or, when it does not
 * evaluate, the text after plain substitution (so `Promoter` or `Hi {{Name}}` work).
 */
export function expressionValue(expression: string, store: VariableStore): VariableValue | undefined {
  if (isSingleVariableReference(expression)) return store.getByName(expression.trim().slice(2, -2));
  if (!looksLikeLiteralText(expression)) {
    const evaluated = evaluateExpression(expression, store);
    if (evaluated.ok) return toVariableValue(evaluated.value);
  }
  return renderTemplate(expression, store);
}

function listOf(store: VariableStore, variableId: string): VariableValue[] {
  const value = store.get(variableId);
  if (Array.isArray(value)) return [...value];
  return asItems(value).filter((item) => item !== '');
}

function appendValue(store: VariableStore, variableId: string, expression: string): SetVariableOutcome {
  const value = expressionValue(expression, store);
  const added = value === undefined ? [] : Array.isArray(value) ? value : asItems(value);
  store.setExact(
    variableId,
    [...listOf(store, variableId), ...added].map((v) => (typeof v === 'object' ? printValue(v) : v)),
  );
  return { ok: true };
}

function removeItem(
  store: VariableStore,
  variableId: string,
  which: 'pop' | 'shift',
  saveIn: string | undefined,
): SetVariableOutcome {
  const items = listOf(store, variableId);
  const removed = which === 'pop' ? items.pop() : items.shift();
  store.setExact(
    variableId,
    items.map((v) => (typeof v === 'object' ? printValue(v) : v)),
  );
  if (saveIn !== undefined) store.set(saveIn, removed);
  return { ok: true, ...(removed === undefined ? { note: 'the list was empty' } : {}) };
}

function itemAtSameIndex(
  store: VariableStore,
  variableId: string,
  op: Extract<SetVariableOperation, { kind: 'itemAtSameIndex' }>,
): SetVariableOutcome {
  const item = printValue(store.get(op.itemVariableId));
  const index = asItems(store.get(op.listVariableId)).findIndex((v) => printValue(v) === item);
  const target = asItems(store.get(op.targetListVariableId));
  if (index === -1 || index >= target.length) {
    store.clear(variableId);
    return { ok: true, note: 'no item at the same index' };
  }
  store.set(variableId, target[index]);
  return { ok: true };
}

/** Runs a `setVariable` block on the store. */
export function runSetVariable(
  block: BlockOf<'setVariable'>,
  store: VariableStore,
  env: SystemValueEnv,
): SetVariableOutcome {
  const { variableId, operation } = block.options;
  if (variableId === undefined || !store.variable(variableId)) {
    return { ok: false, error: 'the block has no (known) variable to set' };
  }
  switch (operation.kind) {
    case 'expression':
      store.set(variableId, expressionValue(operation.expression, store));
      return { ok: true };
    case 'append':
      return appendValue(store, variableId, operation.expression);
    case 'clear':
      store.clear(variableId);
      return { ok: true };
    case 'pop':
    case 'shift':
      return removeItem(store, variableId, operation.kind, operation.saveItemInVariableId);
    case 'itemAtSameIndex':
      return itemAtSameIndex(store, variableId, operation);
    case 'system': {
      const result = systemValue(operation.value, env, operation.timeZone);
      if (!result.ok) return result;
      store.set(variableId, result.value);
      return { ok: true };
    }
  }
}
