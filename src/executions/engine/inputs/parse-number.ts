import type { BlockOf } from '@/flows';
import type { ReplyPayload } from '../engine-types';
import { invalid, requiredText, valid, type ParseEnv, type ParsedReply } from './input-types';

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;
const STEP_TOLERANCE = 1e-9;

/** `1 000`, `1,5` (a decimal comma) and `-3.2e2` are numbers; anything else is not. */
export function readNumber(text: string): number | undefined {
  let compact = text.replace(/[\s\u00a0\u202f_]/g, '');
  if (!compact.includes('.') && /^[-+]?\d+,\d+$/.test(compact)) compact = compact.replace(',', '.');
  if (!NUMBER.test(compact)) return undefined;
  const n = Number(compact);
  return Number.isFinite(n) ? n : undefined;
}

function onStep(n: number, step: number, base: number): boolean {
  const ratio = (n - base) / step;
  return Math.abs(ratio - Math.round(ratio)) < STEP_TOLERANCE * Math.max(1, Math.abs(ratio));
}

/** A number within `min`/`max`, on the `step` grid counted from `min` (or 0). */
export function parseNumberReply(block: BlockOf<'numberInput'>, reply: ReplyPayload, env: ParseEnv): ParsedReply {
  const n =
    typeof reply.value === 'number' && reply.text === undefined
      ? reply.value
      : (() => {
          const read = requiredText(reply, env.limits);
          return 'text' in read ? readNumber(read.text) : undefined;
        })();
  if (n === undefined || !Number.isFinite(n)) return invalid('not a number');
  const { min, max, step } = block.options;
  if (min !== undefined && n < min) return invalid(`less than ${min}`);
  if (max !== undefined && n > max) return invalid(`greater than ${max}`);
  if (step !== undefined && !onStep(n, step, min ?? 0)) return invalid(`not a multiple of ${step}`);
  return valid(n);
}
