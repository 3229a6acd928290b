import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The bundled widget, read once at boot. */
export interface WidgetAsset {
  readonly body: Buffer;
  /** A strong ETag of the body (quoted). */
  readonly etag: string;
}

/**
 * Where `npm run build` writes the bundle, from this file: compiled it is dist/src/widget/, so the
 * bundle is ../../widget/widget.js; run from the sources (tests) it is src/widget/, so
 * ../../dist/widget/widget.js.
 */
export const widgetBundleCandidates = (dir: string = __dirname): string[] => [
  join(dir, '..', '..', 'widget', 'widget.js'),
  join(dir, '..', '..', 'dist', 'widget', 'widget.js'),
];

export function loadWidgetAsset(candidates: readonly string[] = widgetBundleCandidates()): WidgetAsset | undefined {
  const file = candidates.find((candidate) => candidate.endsWith('.js') && existsSync(candidate));
  if (!file) return undefined;
  const body = readFileSync(file);
  return { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
}

/** True when an If-None-Match header names `etag` (weak comparison, RFC 9110 §13.1.2). */
export function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === '*' || tag === etag);
}

const htmlEscapes: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => htmlEscapes[c] ?? c);

/** The demo page of a bot: the widget, opened, on an otherwise empty page. No inline script. */
export function demoPage(publicId: string): string {
  const id = escapeHtml(publicId);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Chat with ${id}</title>
<style>body{margin:0;min-height:100vh;font:16px/1.5 system-ui,sans-serif;background:#f3f4f6;color:#1f2328}main{max-width:40rem;margin:0 auto;padding:3rem 1.5rem}code{background:#e5e7eb;padding:0 .3em;border-radius:4px}</style>
</head>
<body>
<main>
<h1>Parley web widget</h1>
<p>This page embeds the chat of bot <code>${id}</code>. Put the same tag on your site:</p>
<pre><code>&lt;script src="https://&lt;your Parley host&gt;/widget.js" data-bot="${id}" async&gt;&lt;/script&gt;</code></pre>
</main>
<script src="/widget.js" data-bot="${id}" data-open="true" async></script>
</body>
</html>
`;
}

/**
 * The demo page's Content-Security-Policy: scripts only from this origin (the page has no inline
 * script), bot images and media from https sites, the API and its socket on this origin.
 */
export const DEMO_PAGE_CSP = [
  `default-src 'self'`,
  `script-src 'self'`,
  `style-src 'self' 'unsafe-inline'`,
  `img-src 'self' data: https:`,
  `media-src 'self' https:`,
  `connect-src 'self'`,
  `frame-src https:`,
  `object-src 'none'`,
  `base-uri 'none'`,
  `form-action 'self'`,
  `frame-ancestors 'self'`,
].join('; ');
