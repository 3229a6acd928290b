import type { BlockOf } from '@/flows';
import type { ReplyPayload } from '../engine-types';
import { invalid, replyText, valid, type ParseEnv, type ParsedReply } from './input-types';

/** Extensions of common MIME types, to check `allowedTypes` such as `image/*` against file URLs. */
const MIME_EXTENSIONS: Record<string, string[]> = {
  'image/png': ['png'],
  'image/jpeg': ['jpg', 'jpeg'],
  'image/gif': ['gif'],
  'image/webp': ['webp'],
  'image/svg+xml': ['svg'],
  'image/heic': ['heic'],
  'application/pdf': ['pdf'],
  'text/plain': ['txt'],
  'text/csv': ['csv'],
  'application/zip': ['zip'],
  'application/msword': ['doc'],
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': ['docx'],
  'application/vnd.ms-excel': ['xls'],
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': ['xlsx'],
  'audio/mpeg': ['mp3'],
  'audio/wav': ['wav'],
  'audio/ogg': ['ogg'],
  'video/mp4': ['mp4'],
  'video/webm': ['webm'],
  'video/quicktime': ['mov'],
};

function extensionOf(url: URL): string {
  const name = url.pathname.split('/').pop() ?? '';
  const dot = name.lastIndexOf('.');
  return dot === -1 ? '' : name.slice(dot + 1).toLowerCase();
}

function typeAllows(allowed: string, extension: string): boolean {
  const rule = allowed.trim().toLowerCase();
  if (rule.startsWith('.')) return rule.slice(1) === extension;
  if (rule.endsWith('/*')) {
    const family = rule.slice(0, -1);
    return Object.entries(MIME_EXTENSIONS).some(([mime, exts]) => mime.startsWith(family) && exts.includes(extension));
  }
  return (MIME_EXTENSIONS[rule] ?? []).includes(extension);
}

function fileUrls(reply: ReplyPayload): string[] {
  if (reply.fileUrls) return reply.fileUrls;
  if (Array.isArray(reply.value)) return reply.value.filter((v): v is string => typeof v === 'string');
  const text = replyText(reply);
  return text === undefined ? [] : text.split(/[\s,]+/).filter((part) => part !== '');
}

function checkUrl(raw: string, allowedTypes: readonly string[]): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `"${raw.slice(0, 100)}" is not a file URL`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'file URLs must be http(s)';
  if (allowedTypes.length > 0 && !allowedTypes.some((t) => typeAllows(t, extensionOf(url)))) {
    return `this type of file is not accepted (allowed: ${allowedTypes.join(', ')})`;
  }
  return undefined;
}

/**
 * Uploaded file URLs: one (or up to `maxFiles` when `multiple`), http(s), of an allowed type
 * judged by the extension. An optional input is skipped by an empty reply or "skip". The size
 * limit is enforced by the upload endpoint, which knows the files.
 */
export function parseFileReply(block: BlockOf<'fileInput'>, reply: ReplyPayload, env: ParseEnv): ParsedReply {
  const { required, multiple, allowedTypes } = block.options;
  const urls = fileUrls(reply);
  const skipped = urls.length === 0 || (urls.length === 1 && urls[0]?.toLowerCase() === 'skip');
  if (skipped) return required ? invalid('no file was sent') : valid(undefined);
  if (!multiple && urls.length > 1) return invalid('only one file is accepted');
  if (urls.length > env.limits.maxFiles) return invalid(`at most ${env.limits.maxFiles} files are accepted`);
  if (urls.some((u) => u.length > 2_000)) return invalid('a file URL is too long');
  const problem = urls.map((u) => checkUrl(u, allowedTypes)).find((p) => p !== undefined);
  if (problem !== undefined) return invalid(problem);
  return valid(multiple ? urls : urls[0]);
}
