/** Field readers over raw Typebot option objects: a value of the wrong type reads as absent. */
export type RawRecord = Record<string, unknown>;

export const isRecord = (value: unknown): value is RawRecord =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const record = (source: RawRecord | null | undefined, key: string): RawRecord => {
  const value = source?.[key];
  return isRecord(value) ? value : {};
};

export const records = (source: RawRecord | null | undefined, key: string): RawRecord[] => {
  const value = source?.[key];
  return Array.isArray(value) ? value.filter(isRecord) : [];
};

export const string = (source: RawRecord | null | undefined, key: string): string | undefined => {
  const value = source?.[key];
  return typeof value === 'string' ? value : undefined;
};

/** A non-blank string, else undefined. */
export const text = (source: RawRecord | null | undefined, key: string): string | undefined => {
  const value = string(source, key);
  return value === undefined || value.trim() === '' ? undefined : value;
};

export const strings = (source: RawRecord | null | undefined, key: string): string[] => {
  const value = source?.[key];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
};

export const boolean = (source: RawRecord | null | undefined, key: string): boolean | undefined => {
  const value = source?.[key];
  return typeof value === 'boolean' ? value : undefined;
};

/** A number, or a string holding only a number ("10"). Templates (`{{x}}`) read as absent. */
export const number = (source: RawRecord | null | undefined, key: string): number | undefined => {
  const value = source?.[key];
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : undefined;
};

/** Drops keys whose value is undefined, so strict schemas and deep equality see absent keys. */
export function compact<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
