import { isSingleVariableReference } from '@/flows';
import { evaluateExpression } from './expressions';
import type { VariableScope } from './values/variable-store';
import { printValue } from './values/variable-values';

/**
 * `{{Name}}` substitution (docs/typebot-format.md §5): the value of the variable with that name, empty when
 * unknown or unset, lists and objects as JSON. `{{= expression =}}` prints a safe expression's
 * value (falling back to plain substitution inside it when it does not evaluate).
 */
const REFERENCE = /\{\{=([\s\S]+?)=\}\}|\{\{([^{}]+)\}\}/g;
const PLAIN_REFERENCE = /\{\{([^{}]+)\}\}/g;

function substitutePlain(template: string, scope: VariableScope): string {
  return template.replace(PLAIN_REFERENCE, (_, name: string) => printValue(scope.getByName(name)));
}

function inlineExpression(expression: string, scope: VariableScope): string {
  const evaluated = evaluateExpression(expression, scope);
  return evaluated.ok ? printValue(evaluated.value) : substitutePlain(expression.trim(), scope);
}

export function renderTemplate(template: string, scope: VariableScope): string {
  if (!template.includes('{{')) return template;
  return template.replace(REFERENCE, (_, expression: string | undefined, name: string | undefined) =>
    expression !== undefined ? inlineExpression(expression, scope) : printValue(scope.getByName(name ?? '')),
  );
}

/** A template's value: the variable's raw value when the template is one `{{Name}}`, else the text. */
export function resolveTemplateValue(template: string, scope: VariableScope): unknown {
  if (isSingleVariableReference(template)) {
    const name = template.trim().slice(2, -2);
    return scope.getByName(name);
  }
  return renderTemplate(template, scope);
}

/** Optional template: undefined stays undefined. */
export function renderOptional(template: string | undefined, scope: VariableScope): string | undefined {
  return template === undefined ? undefined : renderTemplate(template, scope);
}

function isJsonText(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** A value inserted outside a JSON string: JSON text as is (`25`, `{"a":1}`), else as JSON. */
function jsonValue(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'string') return value.trim() !== '' && isJsonText(value) ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? 'null';
}

/** A value inserted inside a JSON string: escaped, without quotes. */
function jsonStringContent(value: unknown): string {
  return JSON.stringify(printValue(value)).slice(1, -1);
}

/**
 * Substitution in a JSON body: inside a string literal the value is JSON-escaped
 * (`"{{Name}}"`), outside it is inserted as a JSON value (`{{Age}}` → `25`, a list → `["a"]`).
 */
export function renderJsonTemplate(template: string, scope: VariableScope): string {
  let out = '';
  let inString = false;
  let i = 0;
  while (i < template.length) {
    const c = template[i] ?? '';
    if (c === '{' && template[i + 1] === '{') {
      const close = template.indexOf('}}', i + 2);
      const inner = close === -1 ? '' : template.slice(i + 2, close);
      if (close !== -1 && !inner.includes('{') && !inner.includes('}')) {
        const value = inner.startsWith('=') ? inlineExpression(inner.slice(1, -1), scope) : scope.getByName(inner);
        out += inString ? jsonStringContent(value) : jsonValue(value);
        i = close + 2;
        continue;
      }
    }
    if (inString && c === '\\') {
      out += template.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (c === '"') inString = !inString;
    out += c;
    i += 1;
  }
  return out;
}
