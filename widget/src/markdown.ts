/**
 * A small, safe markdown renderer for bot text bubbles: paragraphs and line breaks, **bold**,
 * *italic* / _italic_, ~~strike~~, `code`, [links](https://…) and bare http(s) links. It builds DOM
 * nodes with textContent only: no string from the server is ever parsed as HTML.
 */

const LINK_PROTOCOLS = new Set(['http:', 'https:', 'mailto:', 'tel:']);

/** The URL when it is absolute and of a protocol a visitor may safely open, else undefined. */
export function safeUrl(raw: string, protocols: ReadonlySet<string> = LINK_PROTOCOLS): string | undefined {
  try {
    const url = new URL(raw.trim());
    return protocols.has(url.protocol) ? url.href : undefined;
  } catch {
    return undefined;
  }
}

export function link(href: string, label: string): HTMLAnchorElement {
  const a = document.createElement('a');
  a.href = href;
  a.textContent = label;
  a.target = '_blank';
  a.rel = 'noopener noreferrer nofollow';
  return a;
}

type Token = { re: RegExp; render: (match: RegExpExecArray) => Node };

const wrap = (tag: string, inner: string): HTMLElement => {
  const element = document.createElement(tag);
  appendInline(element, inner);
  return element;
};

const tokens: Token[] = [
  {
    re: /`([^`\n]+)`/,
    render: (m) => {
      const code = document.createElement('code');
      code.textContent = m[1] ?? '';
      return code;
    },
  },
  {
    re: /\[([^\]\n]+)\]\(([^)\s]+)\)/,
    render: (m) => {
      const href = safeUrl(m[2] ?? '');
      return href ? link(href, m[1] ?? href) : document.createTextNode(m[0]);
    },
  },
  { re: /\*\*([^*\n]+)\*\*|__([^_\n]+)__/, render: (m) => wrap('strong', m[1] ?? m[2] ?? '') },
  { re: /~~([^~\n]+)~~/, render: (m) => wrap('s', m[1] ?? '') },
  { re: /\*([^*\n]+)\*|\b_([^_\n]+)_\b/, render: (m) => wrap('em', m[1] ?? m[2] ?? '') },
  {
    re: /https?:\/\/[^\s<>()]+[^\s<>().,;:!?'"]/,
    render: (m) => {
      const href = safeUrl(m[0]);
      return href ? link(href, m[0]) : document.createTextNode(m[0]);
    },
  },
];

/** Appends `text` to `parent`, turning the inline markdown it contains into elements. */
function appendInline(parent: Node, text: string): void {
  let rest = text;
  while (rest.length > 0) {
    let best: { token: Token; match: RegExpExecArray } | undefined;
    for (const token of tokens) {
      const match = token.re.exec(rest);
      if (match && (!best || match.index < best.match.index)) best = { token, match };
    }
    if (!best) {
      parent.appendChild(document.createTextNode(rest));
      return;
    }
    if (best.match.index > 0) parent.appendChild(document.createTextNode(rest.slice(0, best.match.index)));
    parent.appendChild(best.token.render(best.match));
    rest = rest.slice(best.match.index + best.match[0].length);
  }
}

/** The markdown as a fragment of paragraphs (blank lines) and line breaks. */
export function renderMarkdown(markdown: string): DocumentFragment {
  const fragment = document.createDocumentFragment();
  const paragraphs = markdown.replace(/\r\n?/g, '\n').split(/\n{2,}/);
  for (const paragraph of paragraphs) {
    if (paragraph.trim() === '') continue;
    const p = document.createElement('p');
    paragraph.split('\n').forEach((line, i) => {
      if (i > 0) p.appendChild(document.createElement('br'));
      appendInline(p, line);
    });
    fragment.appendChild(p);
  }
  return fragment;
}
