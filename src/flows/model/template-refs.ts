/**
 * `{{Variable name}}` references in a template. Names may contain spaces and are compared after
 * trimming. `{{= … =}}` (inline code in Typebot) is not a variable reference and is skipped.
 */
const TEMPLATE_REFERENCE = /\{\{([^{}]+)\}\}/g;

export function templateVariableNames(template: string): string[] {
  const names: string[] = [];
  for (const match of template.matchAll(TEMPLATE_REFERENCE)) {
    const inner = match[1] ?? '';
    if (inner.startsWith('=')) continue;
    const name = inner.trim();
    if (name !== '') names.push(name);
  }
  return names;
}

/** True when the whole text is one `{{name}}` reference (its value is then used as is). */
export function isSingleVariableReference(template: string): boolean {
  return /^\{\{[^{}=][^{}]*\}\}$/.test(template.trim());
}

/**
 * `{{contact.<field>}}` reads the session's contact (`name`, `email`, `phone`, `lifecycleStage`,
 * `leadScore`, or an attribute key) unless the flow has a variable of that very name.
 */
export const CONTACT_REFERENCE_PREFIX = 'contact.';

export function isContactReference(name: string): boolean {
  return name.startsWith(CONTACT_REFERENCE_PREFIX) && name.length > CONTACT_REFERENCE_PREFIX.length;
}
