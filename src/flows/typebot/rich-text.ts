import { isRecord, string, type RawRecord } from './source-readers';

/**
 * Converts Typebot's rich text (a Plate/Slate tree, docs/typebot-format.md §7.1) to the markdown Parley text
 * bubbles hold: one line per paragraph, `**bold**`, `_italic_`, `` `code` ``, `[text](url)`,
 * list items and headings. `{{variables}}` in the text pass through unchanged.
 */
export function richTextToMarkdown(nodes: unknown): string {
  return Array.isArray(nodes) ? nodes.filter(isRecord).map(blockElement).join('\n') : '';
}

const MARKS: [key: string, marker: string][] = [
  ['code', '`'],
  ['bold', '**'],
  ['italic', '_'],
];

/** Wraps text in a markdown marker, keeping surrounding spaces outside ("** a **" is not bold). */
function wrap(text: string, marker: string): string {
  const match = /^(\s*)(.*?)(\s*)$/s.exec(text);
  const [, before = '', core = '', after = ''] = match ?? [];
  return core === '' ? text : `${before}${marker}${core}${marker}${after}`;
}

function leaf(node: RawRecord): string {
  const value = string(node, 'text') ?? '';
  return MARKS.reduce((text, [key, marker]) => (node[key] === true ? wrap(text, marker) : text), value);
}

function inline(node: RawRecord): string {
  if (typeof node.text === 'string') return leaf(node);
  const children = Array.isArray(node.children) ? node.children.filter(isRecord).map(inline).join('') : '';
  const url = string(node, 'url');
  return node.type === 'a' && url !== undefined ? `[${children}](${url})` : children;
}

const HEADINGS: Record<string, string> = { h1: '# ', h2: '## ', h3: '### ', h4: '#### ', h5: '##### ', h6: '###### ' };

function listItems(node: RawRecord, ordered: boolean): string {
  const items = Array.isArray(node.children) ? node.children.filter(isRecord) : [];
  return items.map((item, i) => `${ordered ? `${i + 1}.` : '-'} ${inline(item)}`).join('\n');
}

function blockElement(node: RawRecord): string {
  const type = string(node, 'type') ?? '';
  if (type === 'ul' || type === 'ol') return listItems(node, type === 'ol');
  return `${HEADINGS[type] ?? ''}${inline(node)}`;
}

/** Text of a Typebot text bubble: its rich text, else the plain text of very old exports. */
export function textBubbleMarkdown(content: RawRecord | null | undefined): string {
  const richText = content?.richText;
  if (Array.isArray(richText) && richText.length > 0) return richTextToMarkdown(richText);
  return string(content, 'plainText') ?? '';
}
