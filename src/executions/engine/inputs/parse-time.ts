import type { BlockOf } from '@/flows';
import type { ReplyPayload } from '../engine-types';
import { invalid, requiredText, valid, type ParseEnv, type ParsedReply } from './input-types';

const TIME = /^(\d{1,2})[:h.](\d{2})(?::(\d{2}))?\s*([ap]\.?m\.?)?$/i;
const pad = (n: number) => String(n).padStart(2, '0');

/** `14:30`, `9:05`, `2:30 pm`, `14h30` → `HH:mm`; undefined when it is not a time of day. */
export function readTime(text: string): string | undefined {
  const m = TIME.exec(text.trim());
  if (!m) return undefined;
  let hour = Number(m[1]);
  const minute = Number(m[2]);
  const meridiem = m[4]?.toLowerCase().replace(/\./g, '');
  if (meridiem !== undefined) {
    if (hour < 1 || hour > 12) return undefined;
    hour = (hour % 12) + (meridiem === 'pm' ? 12 : 0);
  }
  if (hour > 23 || minute > 59) return undefined;
  return `${pad(hour)}:${pad(minute)}`;
}

/** A time of day within the block's `min`/`max` (`HH:mm`), saved as `HH:mm`. */
export function parseTimeReply(block: BlockOf<'timeInput'>, reply: ReplyPayload, env: ParseEnv): ParsedReply {
  const read = requiredText(reply, env.limits);
  if ('reason' in read) return invalid(read.reason);
  const time = readTime(read.text);
  if (time === undefined) return invalid('not a time of day');
  const min = block.options.min !== undefined ? readTime(block.options.min) : undefined;
  const max = block.options.max !== undefined ? readTime(block.options.max) : undefined;
  if (min !== undefined && time < min) return invalid(`before ${min}`);
  if (max !== undefined && time > max) return invalid(`after ${max}`);
  return valid(time);
}
