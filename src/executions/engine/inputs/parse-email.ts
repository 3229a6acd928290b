import type { ReplyPayload } from '../engine-types';
import { invalid, requiredText, valid, type ParseEnv, type ParsedReply } from './input-types';

/** One @, no spaces, a dotted domain with a 2+ letter top level; at most 254 characters. */
const EMAIL =
  /^[^\s@"(),:;<>[\\\]]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,}$/i;

export function parseEmailReply(reply: ReplyPayload, env: ParseEnv): ParsedReply {
  const read = requiredText(reply, env.limits);
  if ('reason' in read) return invalid(read.reason);
  const email = read.text;
  if (email.length > 254 || !EMAIL.test(email)) return invalid('not an email address');
  const at = email.lastIndexOf('@');
  // The domain is case-insensitive; the local part is kept as typed.
  return valid(`${email.slice(0, at)}@${email.slice(at + 1).toLowerCase()}`);
}
