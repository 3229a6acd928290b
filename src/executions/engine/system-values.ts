import type { SystemValue, VariableValue } from '@/flows';
import type { SessionFacts } from './engine-types';

export interface SystemValueEnv {
  now: Date;
  random: () => number;
  facts: SessionFacts;
}

export type SystemValueResult = { ok: true; value: VariableValue | undefined } | { ok: false; error: string };

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The wall-clock time of `date` in `timeZone` (UTC when none). Throws on an unknown zone. */
function wallClock(date: Date, timeZone: string | undefined): WallClock {
  if (timeZone === undefined) {
    return {
      year: date.getUTCFullYear(),
      month: date.getUTCMonth() + 1,
      day: date.getUTCDate(),
      hour: date.getUTCHours(),
      minute: date.getUTCMinutes(),
      second: date.getUTCSeconds(),
    };
  }
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return {
    year: part('year'),
    month: part('month'),
    day: part('day'),
    hour: part('hour'),
    minute: part('minute'),
    second: part('second'),
  };
}

const isoDate = (c: WallClock) => `${c.year}-${pad(c.month)}-${pad(c.day)}`;

/** ISO 8601 with the zone's offset (`2025-03-01T10:00:00+01:00`), or UTC `…Z` without a zone. */
function isoDateTime(date: Date, timeZone: string | undefined): string {
  if (timeZone === undefined) return date.toISOString();
  const c = wallClock(date, timeZone);
  const asUtc = Date.UTC(c.year, c.month - 1, c.day, c.hour, c.minute, c.second);
  const offsetMinutes = Math.round((asUtc - Math.floor(date.getTime() / 1000) * 1000) / 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const offset = `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  return `${isoDate(c)}T${pad(c.hour)}:${pad(c.minute)}:${pad(c.second)}${offset}`;
}

function shiftedDate(date: Date, days: number, timeZone: string | undefined): string {
  const c = wallClock(date, timeZone);
  const shifted = new Date(Date.UTC(c.year, c.month - 1, c.day + days));
  return isoDate(wallClock(shifted, undefined));
}

/** Typebot's moments: morning 4–12h, afternoon 12–18h, evening from 18h, night before 4h. */
function momentOfTheDay(hour: number): string {
  if (hour < 4) return 'night';
  if (hour < 12) return 'morning';
  if (hour < 18) return 'afternoon';
  return 'evening';
}

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A 24-character id from the injected random source. */
export function randomId(random: () => number): string {
  let id = '';
  for (let i = 0; i < 24; i++) id += ID_ALPHABET[Math.floor(random() * ID_ALPHABET.length) % ID_ALPHABET.length];
  return id;
}

type TimedValue = Extract<SystemValue, 'now' | 'today' | 'yesterday' | 'tomorrow' | 'momentOfTheDay'>;

const TIMED: Record<TimedValue, (now: Date, timeZone: string | undefined) => string> = {
  now: isoDateTime,
  today: (now, tz) => shiftedDate(now, 0, tz),
  yesterday: (now, tz) => shiftedDate(now, -1, tz),
  tomorrow: (now, tz) => shiftedDate(now, 1, tz),
  momentOfTheDay: (now, tz) => momentOfTheDay(wallClock(now, tz).hour),
};

/** The value a `system` set-variable operation saves. */
export function systemValue(value: SystemValue, env: SystemValueEnv, timeZone?: string): SystemValueResult {
  switch (value) {
    case 'now':
    case 'today':
    case 'yesterday':
    case 'tomorrow':
    case 'momentOfTheDay':
      try {
        return { ok: true, value: TIMED[value](env.now, timeZone) };
      } catch {
        return { ok: false, error: `unknown time zone "${timeZone ?? ''}"` };
      }
    case 'randomId':
      return { ok: true, value: randomId(env.random) };
    case 'resultId':
      return { ok: true, value: env.facts.resultId };
    case 'userId':
      return { ok: true, value: env.facts.userId };
    case 'transcript':
      return { ok: true, value: env.facts.transcript?.() };
    case 'channel':
      return { ok: true, value: env.facts.channel ?? 'web' };
    case 'deviceType':
      return { ok: true, value: env.facts.deviceType };
    case 'contactName':
      return { ok: true, value: env.facts.contactName };
    case 'contactPhone':
      return { ok: true, value: env.facts.contactPhone };
  }
}
