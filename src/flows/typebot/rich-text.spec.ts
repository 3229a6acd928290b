import { richTextToMarkdown, textBubbleMarkdown } from './rich-text';

describe('richTextToMarkdown', () => {
  it('writes paragraphs as lines with bold, italic and code marks', () => {
    expect(
      richTextToMarkdown([
        { type: 'p', children: [{ text: 'Hello ' }, { text: '{{Name}}', bold: true }, { text: '!' }] },
        { type: 'p', children: [{ text: '' }] },
        {
          type: 'p',
          children: [
            { text: 'slanted ', italic: true },
            { text: 'x()', code: true },
          ],
        },
      ]),
    ).toBe('Hello **{{Name}}**!\n\n_slanted_ `x()`');
  });

  it('writes links, lists and headings', () => {
    expect(
      richTextToMarkdown([
        { type: 'h2', children: [{ text: 'Title' }] },
        { type: 'p', children: [{ text: 'See ' }, { type: 'a', url: 'https://x.test', children: [{ text: 'docs' }] }] },
        {
          type: 'ul',
          children: [
            { type: 'li', children: [{ text: 'one' }] },
            { type: 'li', children: [{ text: 'two' }] },
          ],
        },
        { type: 'ol', children: [{ type: 'li', children: [{ text: 'first' }] }] },
      ]),
    ).toBe('## Title\nSee [docs](https://x.test)\n- one\n- two\n1. first');
  });

  it('ignores what is not rich text', () => {
    expect(richTextToMarkdown('nope')).toBe('');
    expect(richTextToMarkdown([null, 3, { type: 'p', children: [{ text: 'ok' }] }])).toBe('ok');
  });
});

describe('textBubbleMarkdown', () => {
  it('falls back to the plain text of very old exports', () => {
    expect(textBubbleMarkdown({ html: '<p>Hi</p>', plainText: 'Hi' })).toBe('Hi');
    expect(textBubbleMarkdown({})).toBe('');
  });
});
