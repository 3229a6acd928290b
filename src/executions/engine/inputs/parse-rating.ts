import type { BlockOf } from '@/flows';
import type { ReplyPayload } from '../engine-types';
import { invalid, requiredText, valid, type ParseEnv, type ParsedReply } from './input-types';

/** A whole number from `startsAt` to `startsAt + length - 1`, saved as a number. */
export function parseRatingReply(block: BlockOf<'ratingInput'>, reply: ReplyPayload, env: ParseEnv): ParsedReply {
  let n: number | undefined;
  if (typeof reply.value === 'number' && reply.text === undefined) n = reply.value;
  else {
    const read = requiredText(reply, env.limits);
    n = 'text' in read && /^\d+$/.test(read.text) ? Number(read.text) : undefined;
  }
  const { startsAt, length } = block.options;
  const last = startsAt + length - 1;
  if (n === undefined || !Number.isInteger(n)) return invalid('not a whole number');
  if (n < startsAt || n > last) return invalid(`not between ${startsAt} and ${last}`);
  return valid(n);
}
