import type { BlockOf } from '@/flows';
import type { ReplyPayload } from '../engine-types';
import { compileSafeRegex, testSafeRegex } from '../safe-regex';
import { invalid, requiredText, valid, type ParseEnv, type ParsedReply } from './input-types';

/** Any text within the length bounds that matches the pattern (when it is safe to run). */
export function parseTextReply(block: BlockOf<'textInput'>, reply: ReplyPayload, env: ParseEnv): ParsedReply {
  const read = requiredText(reply, env.limits);
  if ('reason' in read) return invalid(read.reason);
  const { text } = read;
  const { minLength, maxLength, pattern, patternFlags } = block.options;
  const length = [...text].length;
  if (minLength !== undefined && length < minLength) return invalid(`shorter than ${minLength} characters`);
  if (maxLength !== undefined && length > maxLength) return invalid(`longer than ${maxLength} characters`);
  if (pattern === undefined) return valid(text);
  const compiled = compileSafeRegex(pattern, patternFlags ?? '');
  if (!compiled.ok) return valid(text, { warning: `pattern not checked: ${compiled.error}` });
  const test = testSafeRegex(compiled, text, env.limits.maxRegexInputLength);
  if (!test.ok) return invalid(test.error);
  return test.matches ? valid(text) : invalid('does not match the expected pattern');
}
