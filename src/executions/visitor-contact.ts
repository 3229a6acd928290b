/** What a visitor told the bot about themselves, for the conversation's contact. */
export interface VisitorContact {
  readonly name: string | null;
  readonly email: string | null;
  readonly phone: string | null;
  /** The session's other saved variables (custom attributes). */
  readonly attributes: Record<string, unknown>;
}

const NAME = new Set(['name', 'fullname', 'full_name', 'contactname', 'yourname']);
const EMAIL = new Set(['email', 'e-mail', 'emailaddress', 'mail']);
const PHONE = new Set(['phone', 'phonenumber', 'mobile', 'telephone', 'tel', 'whatsapp']);

const key = (name: string): string => name.toLowerCase().replace(/[\s_-]+/g, '');

const text = (value: unknown): string | null =>
  typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, 320) : null;

/**
 * The contact fields of a session: variables called like a name, an email or a phone (any case,
 * spaces, dashes or underscores: "Email", "phone number", "Full name"), and the saved variables as
 * attributes. Null when the visitor told nothing.
 */
export function visitorContactOf(
  variables: readonly { readonly id: string; readonly name: string }[],
  values: Readonly<Record<string, unknown>>,
  saved: Readonly<Record<string, unknown>>,
): VisitorContact | null {
  let name: string | null = null;
  let email: string | null = null;
  let phone: string | null = null;
  for (const variable of variables) {
    const k = key(variable.name);
    const value = text(values[variable.id]);
    if (!value) continue;
    if (!name && (NAME.has(k) || k === 'firstname')) name = value.slice(0, 200);
    else if (!email && EMAIL.has(k) && value.includes('@')) email = value;
    else if (!phone && PHONE.has(k)) phone = value.slice(0, 32);
  }
  const attributes: Record<string, unknown> = {};
  for (const [variable, value] of Object.entries(saved)) {
    const k = key(variable);
    if (value !== undefined && value !== null && !NAME.has(k) && !EMAIL.has(k) && !PHONE.has(k)) {
      attributes[variable] = value;
    }
  }
  // Attributes alone make no contact: an anonymous visitor is nobody to match later.
  if (!name && !email && !phone) return null;
  return { name, email, phone, attributes };
}
