import { richTextToMarkdown } from '@/flows/typebot/rich-text';
import { corpusFiles, corpusFlow, describeCorpus, fixture, fixtureFiles } from '../../../test/support/typebot-corpus';
import { isLeaf, markdownToRichText, richTextToPlainText, type RichTextNode } from './rich-text';

const p = (...children: RichTextNode[]) => ({ type: 'p', children });

describe('markdownToRichText', () => {
  it('makes one paragraph per line, with plain leaves', () => {
    expect(markdownToRichText("What's your name?")).toEqual([p({ text: "What's your name?" })]);
    expect(markdownToRichText('one\ntwo\r\nthree')).toEqual([
      p({ text: 'one' }),
      p({ text: 'two' }),
      p({ text: 'three' }),
    ]);
  });

  it('reads bold, italic, both, underline and code', () => {
    expect(markdownToRichText('Welcome to **AA** (Awesome Agency)')).toEqual([
      p({ text: 'Welcome to ' }, { text: 'AA', bold: true }, { text: ' (Awesome Agency)' }),
    ]);
    expect(markdownToRichText('_a_ *b* __c__ ***d*** <u>e</u> `f*g*`')).toEqual([
      p(
        { text: 'a', italic: true },
        { text: ' ' },
        { text: 'b', italic: true },
        { text: ' ' },
        { text: 'c', bold: true },
        { text: ' ' },
        { text: 'd', bold: true, italic: true },
        { text: ' ' },
        { text: 'e', underline: true },
        { text: ' ' },
        { text: 'f*g*', code: true },
      ),
    ]);
  });

  it('nests marks', () => {
    expect(markdownToRichText('**bold _and italic_ text**')).toEqual([
      p({ text: 'bold ', bold: true }, { text: 'and italic', bold: true, italic: true }, { text: ' text', bold: true }),
    ]);
    expect(markdownToRichText('**a *b***')).toEqual([
      p({ text: 'a ', bold: true }, { text: 'b', bold: true, italic: true }),
    ]);
  });

  it('keeps what is not emphasis as text: lone stars, snake_case, spaced markers, escapes', () => {
    const plain = (text: string) => expect(markdownToRichText(text)).toEqual([p({ text: expect.any(String) })]);
    plain('5 * 3 = 15');
    plain('my_variable_name and file_1.txt');
    plain('a ** b ** c');
    plain('unclosed **bold');
    expect(markdownToRichText('\\*not italic\\* and \\_this\\_')).toEqual([p({ text: '*not italic* and _this_' })]);
    expect(richTextToPlainText(markdownToRichText('my_variable_name, 5 * 3, **x'))).toBe(
      'my_variable_name, 5 * 3, **x',
    );
  });

  it('reads links, autolinks and images as links', () => {
    expect(markdownToRichText('See [our **site**](https://example.com/a_b_(c)) now')).toEqual([
      p(
        { text: 'See ' },
        {
          type: 'a',
          url: 'https://example.com/a_b_(c)',
          children: [{ text: 'our ' }, { text: 'site', bold: true }],
        },
        { text: ' now' },
      ),
    ]);
    expect(markdownToRichText('<https://x.dev> ![logo](https://x.dev/l.png)')).toEqual([
      p(
        { type: 'a', url: 'https://x.dev', children: [{ text: 'https://x.dev' }] },
        { text: ' ' },
        { type: 'a', url: 'https://x.dev/l.png', children: [{ text: 'logo' }] },
      ),
    ]);
    expect(markdownToRichText('[not a link] (x) and [x]()')).toEqual([p({ text: '[not a link] (x) and [x]()' })]);
  });

  it('reads lists, headings, quotes; blank lines and <br> become empty paragraphs', () => {
    expect(markdownToRichText('# Title\nIntro<br>next\n\n\n- one\n- **two**\n1. first\n> quoted')).toEqual([
      { type: 'h1', children: [{ text: 'Title' }] },
      p({ text: 'Intro' }),
      p({ text: 'next' }),
      p({ text: '' }),
      {
        type: 'ul',
        children: [
          { type: 'li', children: [{ type: 'lic', children: [{ text: 'one' }] }] },
          { type: 'li', children: [{ type: 'lic', children: [{ text: 'two', bold: true }] }] },
        ],
      },
      { type: 'ol', children: [{ type: 'li', children: [{ type: 'lic', children: [{ text: 'first' }] }] }] },
      { type: 'blockquote', children: [{ text: 'quoted' }] },
    ]);
  });

  it('drops the closing hashes of a heading, only when they are separate', () => {
    expect(markdownToRichText('## Title ##\n# C#')).toEqual([
      { type: 'h2', children: [{ text: 'Title' }] },
      { type: 'h1', children: [{ text: 'C#' }] },
    ]);
  });

  it('stays fast on adversarial input and sends very long lines as plain text', () => {
    const started = Date.now();
    for (const line of [`# ${' '.repeat(20_000)}x`, '*a '.repeat(1_000), '_a '.repeat(1_000), '[a '.repeat(1_000)]) {
      expect(richTextToPlainText(markdownToRichText(line))).toBe(line.replace(/^# +/, ''));
    }
    expect(richTextToPlainText(markdownToRichText(`x${'`'.repeat(1_000)}a`))).toHaveLength(1_002);
    expect(Date.now() - started).toBeLessThan(1_000);
    const long = `**${'a'.repeat(5_000)}**`;
    expect(markdownToRichText(long)).toEqual([p({ text: long })]);
  });

  it('keeps fenced code verbatim and drops leading/trailing blank lines', () => {
    expect(markdownToRichText('\n\nCode:\n```js\nconst a = **b**;\n```\n\n')).toEqual([
      p({ text: 'Code:' }),
      p({ text: 'const a = **b**;', code: true }),
    ]);
    expect(markdownToRichText('')).toEqual([p({ text: '' })]);
  });
});

interface TypebotExport {
  groups: { blocks: { type: string; content?: { richText?: unknown } }[] }[];
}

/** The rich text of every text bubble of some Typebot exports, named by file and position. */
function textBubbles(files: string[], read: (file: string) => TypebotExport) {
  return files.flatMap((file) =>
    read(file)
      .groups.flatMap((g) => g.blocks)
      .filter((b) => b.type === 'text' && Array.isArray(b.content?.richText))
      .map((b, i) => [`${file} #${i}`, b.content!.richText as RichTextNode[]] as const),
  );
}

/**
 * Text with the marks the importer keeps (bold, italic, code) on each visible character, and link
 * targets; blank lines and marks on spaces do not show, so they are left out.
 */
const visible = (nodes: readonly RichTextNode[]): string =>
  nodes
    .map((node) =>
      isLeaf(node)
        ? [...node.text]
            .map((c) =>
              /\s/.test(c) ? c : `${c}${node.bold ? 'B' : ''}${node.italic ? 'I' : ''}${node.code ? 'C' : ''}`,
            )
            .join('')
        : node.type === 'a'
          ? `[${visible(node.children)}](${node.url ?? ''})`
          : `${visible(node.children)}\n`,
    )
    .join('')
    .replace(/\s*\n\s*/g, '\n')
    .trim();

const changedByRoundTrip = (bubbles: (readonly [string, RichTextNode[]])[]) =>
  bubbles
    .filter(([, richText]) => visible(markdownToRichText(richTextToMarkdown(richText))) !== visible(richText))
    .map(([name]) => name);

/** Every text bubble survives import (rich text → markdown) and the way back to rich text. */
describe('round trip through the Typebot importer', () => {
  it('keeps the text and marks of every text bubble of the project fixtures', () => {
    const bubbles = textBubbles(fixtureFiles(), (file) => fixture<TypebotExport>(file));
    expect(bubbles.length).toBeGreaterThan(50);
    expect(changedByRoundTrip(bubbles)).toEqual([]);
  });

  it('keeps headings, lists, links with marks and nested marks', () => {
    const formatting = textBubbles(['integrations.json'], (file) => fixture<TypebotExport>(file)).filter(([, rt]) =>
      JSON.stringify(rt).match(/"h2"|"ul"|"ol"|"a"|"code"/),
    );
    expect(formatting.length).toBeGreaterThanOrEqual(3);
    expect(changedByRoundTrip(formatting)).toEqual([]);
  });
});

describeCorpus('round trip through the Typebot importer', () => {
  it('keeps the text and marks of every text bubble of the corpus', () => {
    const bubbles = textBubbles(corpusFiles(), (file) => corpusFlow<TypebotExport>(file));
    expect(bubbles.length).toBeGreaterThan(200);
    expect(changedByRoundTrip(bubbles)).toEqual([]);
  });
});
