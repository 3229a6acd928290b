import type { BlockOf } from '@/flows';
import type { ReplyPayload } from '../engine-types';
import { renderTemplate } from '../templating';
import { invalid, replyText, valid, type ParseEnv, type ParsedReply } from './input-types';

/**
 * Dates are read as ISO 8601 (`2025-01-31`, `2025-01-31T14:30`) or in the block's `format`
 * (`dd/MM/yyyy`, `MM-dd-yyyy HH:mm`…), and saved in ISO form: `YYYY-MM-DD`, or
 * `YYYY-MM-DDTHH:mm` when the block has a time. A range is saved as "<from><separator><to>".
 */
export interface DateParts {
  year: number;
  month: number;
  day: number;
  hour?: number;
  minute?: number;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const TOKENS: Record<string, { re: string; field: keyof DateParts }> = {
  yyyy: { re: '(\\d{4})', field: 'year' },
  yy: { re: '(\\d{2})', field: 'year' },
  MM: { re: '(\\d{1,2})', field: 'month' },
  M: { re: '(\\d{1,2})', field: 'month' },
  dd: { re: '(\\d{1,2})', field: 'day' },
  d: { re: '(\\d{1,2})', field: 'day' },
  HH: { re: '(\\d{1,2})', field: 'hour' },
  H: { re: '(\\d{1,2})', field: 'hour' },
  mm: { re: '(\\d{2})', field: 'minute' },
};
const TOKEN = /yyyy|yy|MM|M|dd|d|HH|H|mm/g;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function validParts(p: DateParts): boolean {
  const date = new Date(Date.UTC(p.year, p.month - 1, p.day));
  const dayOk = date.getUTCFullYear() === p.year && date.getUTCMonth() === p.month - 1 && date.getUTCDate() === p.day;
  const timeOk = (p.hour ?? 0) <= 23 && (p.minute ?? 0) <= 59;
  return dayOk && timeOk;
}

function fromIso(text: string): DateParts | undefined {
  const m = ISO.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi] = m;
  return {
    year: Number(y),
    month: Number(mo),
    day: Number(d),
    ...(h !== undefined ? { hour: Number(h), minute: Number(mi) } : {}),
  };
}

function fromFormat(text: string, format: string): DateParts | undefined {
  const fields: (keyof DateParts)[] = [];
  const escaped = format.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const source = escaped.replace(TOKEN, (token) => {
    const spec = TOKENS[token];
    if (!spec) return token;
    fields.push(spec.field);
    return spec.re;
  });
  const m = new RegExp(`^${source}$`).exec(text);
  if (!m) return undefined;
  const parts: Partial<DateParts> = {};
  fields.forEach((field, i) => {
    const n = Number(m[i + 1]);
    parts[field] = field === 'year' && n < 100 ? 2000 + n : n;
  });
  if (parts.year === undefined || parts.month === undefined || parts.day === undefined) return undefined;
  return { year: parts.year, month: parts.month, day: parts.day, hour: parts.hour, minute: parts.minute };
}

/** Reads one date (with its time when `hasTime`), or undefined. */
export function readDate(text: string, hasTime: boolean, format?: string): DateParts | undefined {
  const trimmed = text.trim();
  if (trimmed.length > 64) return undefined;
  const parts = fromIso(trimmed) ?? (format ? fromFormat(trimmed, format) : undefined);
  if (!parts || !validParts(parts)) return undefined;
  return hasTime
    ? { ...parts, hour: parts.hour ?? 0, minute: parts.minute ?? 0 }
    : { ...parts, hour: undefined, minute: undefined };
}

export function isoOf(parts: DateParts): string {
  const date = `${pad(parts.year, 4)}-${pad(parts.month)}-${pad(parts.day)}`;
  return parts.hour === undefined ? date : `${date}T${pad(parts.hour)}:${pad(parts.minute ?? 0)}`;
}

/** A bound as a comparable ISO text: a date-only bound covers its whole day. */
function bound(template: string | undefined, env: ParseEnv, edge: 'min' | 'max', hasTime: boolean): string | undefined {
  if (template === undefined) return undefined;
  const parts = readDate(renderTemplate(template, env.scope), true);
  if (!parts) return undefined;
  const dateOnly = !/[T ]\d{2}:\d{2}/.test(renderTemplate(template, env.scope));
  if (!hasTime) return isoOf({ ...parts, hour: undefined });
  return dateOnly ? `${isoOf({ ...parts, hour: undefined })}T${edge === 'min' ? '00:00' : '23:59'}` : isoOf(parts);
}

/** The bounds of a date input, resolved (for validation and for the client). */
export function dateBounds(block: BlockOf<'dateInput'>, env: ParseEnv): { min?: string; max?: string } {
  const { min, max, hasTime } = block.options;
  const lo = bound(min, env, 'min', hasTime);
  const hi = bound(max, env, 'max', hasTime);
  return { ...(lo !== undefined ? { min: lo } : {}), ...(hi !== undefined ? { max: hi } : {}) };
}

function rangeTexts(block: BlockOf<'dateInput'>, reply: ReplyPayload): [string, string] | undefined {
  const v = reply.value;
  if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'string'))
    return [v[0] as string, v[1] as string];
  if (typeof v === 'object' && v !== null && 'from' in v && 'to' in v) {
    const { from, to } = v;
    if (typeof from === 'string' && typeof to === 'string') return [from, to];
  }
  const text = replyText(reply);
  if (text === undefined) return undefined;
  const separator = block.options.rangeSeparator.trim() === '' ? ' to ' : block.options.rangeSeparator;
  const at = text.indexOf(separator);
  return at === -1 ? undefined : [text.slice(0, at), text.slice(at + separator.length)];
}

export function parseDateReply(block: BlockOf<'dateInput'>, reply: ReplyPayload, env: ParseEnv): ParsedReply {
  const { hasTime, isRange, format, rangeSeparator } = block.options;
  const texts = isRange ? rangeTexts(block, reply) : [replyText(reply) ?? ''];
  if (!texts) return invalid(`expected a date range written "<from>${rangeSeparator}<to>"`);
  const dates = texts.map((t) => readDate(t, hasTime, format));
  if (dates.some((d) => d === undefined)) return invalid('not a date');
  const isos = (dates as DateParts[]).map(isoOf);
  const { min, max } = dateBounds(block, env);
  if (min !== undefined && isos.some((d) => d < min)) return invalid(`before ${min}`);
  if (max !== undefined && isos.some((d) => d > max)) return invalid(`after ${max}`);
  const [from = '', to = ''] = isos;
  if (isRange && to < from) return invalid('the range ends before it starts');
  return valid(isRange ? `${from}${rangeSeparator}${to}` : from);
}
