import { randomBytes } from 'node:crypto';

/** `Acme Corp, Inc.` → `acme-corp-inc`; falls back to `org` when nothing URL-safe is left. */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/, '');
  return slug || 'org';
}

/** A slug with a short random suffix, for when the plain one is taken. */
export const slugWithSuffix = (name: string): string => `${slugify(name)}-${randomBytes(3).toString('hex')}`;
