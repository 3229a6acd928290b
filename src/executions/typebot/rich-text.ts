/**
 * Markdown (what Parley text bubbles hold) to Typebot's rich text (a Plate/Slate tree), for the
 * Typebot-compatible chat API.
 *
 * The subset is what our bubbles produce: the Typebot importer writes one line per paragraph with
 * `**bold**`, `_italic_`, `` `code` ``, `[text](url)`, `- ` / `1. ` list items and `#` headings;
 * authors and AI answers add `*italic*`, `__bold__`, `***both***`, `<u>underline</u>`, `<br>`,
 * autolinks, block quotes, fenced code and blank lines. Every line is a paragraph (Typebot's own
 * model: an empty paragraph is an empty line), so line breaks survive as they were typed. Anything
 * that does not parse stays literal text: a stray `*` or `_` is never lost.
 */

export interface RichTextLeaf {
  text: string;
  bold?: true;
  italic?: true;
  underline?: true;
  code?: true;
}

export interface RichTextElement {
  /** `p`, `a` (with `url`), `ul`/`ol`/`li`/`lic`, `h1`…`h6`, `blockquote`. */
  type: string;
  url?: string;
  children: RichTextNode[];
}

export type RichTextNode = RichTextLeaf | RichTextElement;

type Marks = Omit<RichTextLeaf, 'text'>;

const MARK_KEYS = ['bold', 'italic', 'underline', 'code'] as const;

export const isLeaf = (node: RichTextNode): node is RichTextLeaf => 'text' in node;

// ---------------------------------------------------------------------------------------------
// Blocks

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const HEADING = /^ {0,3}(#{1,6})[ \t]+(.*)$/;
const BULLET = /^[ \t]*[-*+][ \t]+(.*)$/;
const ORDERED = /^[ \t]*\d{1,9}[.)][ \t]+(.*)$/;
const QUOTE = /^ {0,3}>[ \t]?(.*)$/;
const THEMATIC_BREAK = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const BR_TAG = /<br\s*\/?>/gi;

const paragraph = (children: RichTextNode[]): RichTextElement => ({ type: 'p', children });
const emptyParagraph = (): RichTextElement => paragraph([{ text: '' }]);

/** Converts markdown to Typebot rich text: a list of block elements, never empty. */
export function markdownToRichText(markdown: string): RichTextElement[] {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const blocks: RichTextElement[] = [];
  let list: RichTextElement | undefined;
  let fence: string | undefined;
  let blankBefore = false;

  const emit = (block: RichTextElement) => {
    // A run of blank lines between blocks is one empty line; leading and trailing ones are dropped.
    if (blankBefore && blocks.length > 0) blocks.push(emptyParagraph());
    blankBefore = false;
    blocks.push(block);
  };

  for (const source of lines) {
    const fenceMark = FENCE.exec(source)?.[1];
    if (fence !== undefined) {
      if (fenceMark && fenceMark[0] === fence[0] && fenceMark.length >= fence.length) fence = undefined;
      else emit(source === '' ? emptyParagraph() : paragraph([{ text: source, code: true }]));
      continue;
    }
    if (fenceMark) {
      fence = fenceMark;
      list = undefined;
      continue;
    }
    for (const line of source.split(BR_TAG)) {
      if (line.trim() === '') {
        list = undefined;
        blankBefore = true;
        continue;
      }
      const item = BULLET.exec(line) ?? ORDERED.exec(line);
      if (item && !THEMATIC_BREAK.test(line)) {
        const kind = BULLET.test(line) ? 'ul' : 'ol';
        if (!list || list.type !== kind || blankBefore) {
          list = { type: kind, children: [] };
          emit(list);
        }
        list.children.push({ type: 'li', children: [{ type: 'lic', children: inline(item[1] ?? '') }] });
        continue;
      }
      list = undefined;
      const heading = HEADING.exec(line);
      const quote = QUOTE.exec(line);
      if (THEMATIC_BREAK.test(line)) emit(emptyParagraph());
      else if (heading) emit({ type: `h${heading[1]!.length}`, children: inline(withoutClosingHashes(heading[2]!)) });
      else if (quote) emit({ type: 'blockquote', children: inline(quote[1] ?? '') });
      else emit(paragraph(inline(line)));
    }
  }
  return blocks.length > 0 ? blocks : [emptyParagraph()];
}

/** `Title ##` → `Title` (a heading's optional closing sequence), without a backtracking regex. */
function withoutClosingHashes(text: string): string {
  const trimmed = text.trimEnd();
  let end = trimmed.length;
  while (end > 0 && trimmed[end - 1] === '#') end--;
  if (end === trimmed.length) return trimmed;
  if (end === 0) return '';
  return trimmed[end - 1] === ' ' || trimmed[end - 1] === '\t' ? trimmed.slice(0, end).trimEnd() : trimmed;
}

// ---------------------------------------------------------------------------------------------
// Inline content

/**
 * Lines longer than this are sent as plain text: the inline parser looks ahead for closing markers,
 * which costs up to the square of the line's length on adversarial input (a visitor's long reply
 * inserted into a bubble).
 */
const MAX_INLINE_LENGTH = 3_000;

const ASCII_PUNCTUATION = /^[!-/:-@[-`{-~]$/;
const WHITESPACE = /^\s$/u;
const ALPHANUMERIC = /^[\p{L}\p{N}]$/u;

const isSpace = (c: string | undefined) => c === undefined || WHITESPACE.test(c);
const isAlphanumeric = (c: string | undefined) => c !== undefined && ALPHANUMERIC.test(c);

function runLength(src: string, at: number, char: string): number {
  let end = at;
  while (src[end] === char) end++;
  return end - at;
}

/** `` `code` ``: a backtick run closed by a run of the same length. */
function codeSpanAt(src: string, at: number): { text: string; end: number } | undefined {
  const length = runLength(src, at, '`');
  for (let j = src.indexOf('`', at + length); j !== -1; j = src.indexOf('`', j)) {
    const run = runLength(src, j, '`');
    if (run === length) {
      let text = src.slice(at + length, j);
      if (text.length > 2 && text.startsWith(' ') && text.endsWith(' ')) text = text.slice(1, -1);
      return { text, end: j + run };
    }
    j += run;
  }
  return undefined;
}

/** The index of the bracket that closes the one at `at`, skipping escapes and code spans. */
function closingBracket(src: string, at: number, open: string, close: string): number | undefined {
  let depth = 0;
  for (let j = at; j < src.length; j++) {
    const c = src[j];
    if (c === '\\') j++;
    else if (c === '`') {
      const span = codeSpanAt(src, j);
      if (span) j = span.end - 1;
    } else if (c === open) depth++;
    else if (c === close && --depth === 0) return j;
  }
  return undefined;
}

/** `[label](url "title")` or `[label](<url>)`. */
function linkAt(src: string, at: number): { label: string; url: string; end: number } | undefined {
  const labelEnd = closingBracket(src, at, '[', ']');
  if (labelEnd === undefined || src[labelEnd + 1] !== '(') return undefined;
  const targetEnd = closingBracket(src, labelEnd + 1, '(', ')');
  if (targetEnd === undefined) return undefined;
  const target = src.slice(labelEnd + 2, targetEnd).trim();
  const url = target.startsWith('<') ? target.slice(1, target.indexOf('>')) : (target.split(/\s+/)[0] ?? '');
  if (url === '' || /\s/.test(url)) return undefined;
  return { label: src.slice(at + 1, labelEnd), url, end: targetEnd + 1 };
}

/** Sticky: matched at `lastIndex` only. */
const AUTOLINK = /<((?:https?|mailto|tel):[^\s<>]+)>/iy;

/** `<https://…>` at `at`. */
function autolinkAt(src: string, at: number): RegExpExecArray | null {
  AUTOLINK.lastIndex = at;
  return AUTOLINK.exec(src);
}

/**
 * Where an emphasis opened at `from - n` closes: the next run of `char` that can close (no space
 * before it; for `_`, no letter after it) and is at least `n` long, aligned to the run's end so that
 * `**a *b***` closes the bold after the italic.
 */
function closerOf(src: string, from: number, char: string, n: number): number | undefined {
  for (let j = from; j < src.length;) {
    const c = src[j];
    if (c === '\\') {
      j += 2;
      continue;
    }
    if (c === '`') {
      const span = codeSpanAt(src, j);
      if (span) {
        j = span.end;
        continue;
      }
    }
    if (c !== char) {
      j++;
      continue;
    }
    const run = runLength(src, j, char);
    const canClose = j > from && !isSpace(src[j - 1]) && (char === '*' || !isAlphanumeric(src[j + run]));
    if (canClose && run >= n) return j + run - n;
    j += run;
  }
  return undefined;
}

const EMPHASIS: Record<number, Marks> = { 1: { italic: true }, 2: { bold: true }, 3: { bold: true, italic: true } };

/** `*italic*`, `_italic_`, `**bold**`, `__bold__`, `***both***` opening at `at`. */
function emphasisAt(src: string, at: number): { inner: string; marks: Marks; end: number } | undefined {
  const char = src[at]!;
  const run = runLength(src, at, char);
  const canOpen = !isSpace(src[at + run]) && (char === '*' || !isAlphanumeric(src[at - 1]));
  if (!canOpen) return undefined;
  for (let n = Math.min(run, 3); n >= 1; n--) {
    const close = closerOf(src, at + n, char, n);
    if (close !== undefined) return { inner: src.slice(at + n, close), marks: EMPHASIS[n]!, end: close + n };
  }
  return undefined;
}

function parseInline(src: string, marks: Marks): RichTextNode[] {
  const nodes: RichTextNode[] = [];
  let text = '';
  const flush = () => {
    if (text !== '') nodes.push({ text, ...marks });
    text = '';
  };
  for (let i = 0; i < src.length;) {
    const c = src[i]!;
    if (c === '\\' && i + 1 < src.length && ASCII_PUNCTUATION.test(src[i + 1]!)) {
      text += src[i + 1];
      i += 2;
      continue;
    }
    if (c === '`') {
      const span = codeSpanAt(src, i);
      if (span) {
        flush();
        nodes.push({ text: span.text, ...marks, code: true });
        i = span.end;
      } else {
        const run = runLength(src, i, '`');
        text += src.slice(i, i + run);
        i += run;
      }
      continue;
    }
    const image = c === '!' && src[i + 1] === '[' ? linkAt(src, i + 1) : undefined;
    const link = image ?? (c === '[' ? linkAt(src, i) : undefined);
    if (link) {
      flush();
      const label = image ? link.label || link.url : link.label;
      const children = image ? [{ text: label, ...marks }] : parseInline(label, marks);
      nodes.push({ type: 'a', url: link.url, children: children.length > 0 ? children : [{ text: link.url }] });
      i = link.end;
      continue;
    }
    const autolink = c === '<' ? autolinkAt(src, i) : null;
    if (autolink) {
      flush();
      nodes.push({ type: 'a', url: autolink[1]!, children: [{ text: autolink[1]!, ...marks }] });
      i += autolink[0].length;
      continue;
    }
    if (c === '<' && src.slice(i, i + 3).toLowerCase() === '<u>') {
      const close = src.toLowerCase().indexOf('</u>', i + 3);
      if (close !== -1) {
        flush();
        nodes.push(...parseInline(src.slice(i + 3, close), { ...marks, underline: true }));
        i = close + 4;
        continue;
      }
    }
    if (c === '*' || c === '_') {
      const emphasis = emphasisAt(src, i);
      if (emphasis) {
        flush();
        nodes.push(...parseInline(emphasis.inner, { ...marks, ...emphasis.marks }));
        i = emphasis.end;
      } else {
        const run = runLength(src, i, c);
        text += src.slice(i, i + run);
        i += run;
      }
      continue;
    }
    text += c;
    i++;
  }
  flush();
  return nodes;
}

const sameMarks = (a: RichTextLeaf, b: RichTextLeaf) => MARK_KEYS.every((key) => a[key] === b[key]);

/** Merges neighbouring leaves with the same marks and drops empty ones; never returns no child. */
function tidy(nodes: RichTextNode[]): RichTextNode[] {
  const out: RichTextNode[] = [];
  for (const node of nodes) {
    const last = out[out.length - 1];
    if (isLeaf(node)) {
      if (node.text === '') continue;
      if (last && isLeaf(last) && sameMarks(last, node)) out[out.length - 1] = { ...last, text: last.text + node.text };
      else out.push(node);
    } else {
      out.push({ ...node, children: tidy(node.children) });
    }
  }
  return out.length > 0 ? out : [{ text: '' }];
}

const inline = (src: string): RichTextNode[] =>
  tidy(src.length > MAX_INLINE_LENGTH ? [{ text: src }] : parseInline(src, {}));

// ---------------------------------------------------------------------------------------------

/** The text of rich text, one line per block element (what a reader sees, without formatting). */
export function richTextToPlainText(nodes: readonly RichTextNode[]): string {
  const inlineText = (node: RichTextNode): string =>
    isLeaf(node) ? node.text : node.children.map((child) => inlineText(child)).join('');
  const blockText = (node: RichTextNode): string =>
    !isLeaf(node) && ['ul', 'ol'].includes(node.type)
      ? node.children.map((child) => blockText(child)).join('\n')
      : inlineText(node);
  return nodes.map((node) => blockText(node)).join('\n');
}
