import { buildTranscript, markdownToPlainText } from './transcript';

describe('transcript', () => {
  it('strips markdown markup', () => {
    expect(markdownToPlainText('Welcome to **AA** (_Awesome_ Agency), see [our site](https://aa.io) `now`')).toBe(
      'Welcome to AA (Awesome Agency), see our site (https://aa.io) now',
    );
    expect(markdownToPlainText('## Title\nsnake_case_name stays')).toBe('Title\nsnake_case_name stays');
  });

  it('builds Bot/User lines', () => {
    expect(
      buildTranscript([
        { role: 'bot', message: { type: 'text', blockId: 'b1', markdown: "What's your **name**?" } },
        { role: 'visitor', text: 'Jane' },
        { role: 'bot', message: { type: 'image', blockId: 'b2', url: 'https://x/y.png', alt: 'Logo' } },
      ]),
    ).toBe("Bot: What's your name?\nUser: Jane\nBot: [image: Logo] https://x/y.png");
  });
});
