import type { ReplyPayload } from '../engine-types';
import { invalid, requiredText, valid, type ParseEnv, type ParsedReply } from './input-types';

const HOST_WITHOUT_SCHEME = /^[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?([/?#]\S*)?$/i;

/** An absolute http(s) URL with a dotted host (or localhost); `example.com/x` gets `https://`. */
export function readHttpUrl(text: string): string | undefined {
  const candidate = HOST_WITHOUT_SCHEME.test(text) ? `https://${text}` : text;
  if (/\s/.test(candidate)) return undefined;
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (!url.hostname.includes('.') && url.hostname !== 'localhost') return undefined;
  return candidate;
}

export function parseUrlReply(reply: ReplyPayload, env: ParseEnv): ParsedReply {
  const read = requiredText(reply, env.limits);
  if ('reason' in read) return invalid(read.reason);
  const url = readHttpUrl(read.text);
  return url === undefined ? invalid('not a web address') : valid(url);
}
