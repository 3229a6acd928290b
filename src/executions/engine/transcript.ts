import type { BotMessage } from './engine-types';

/** One line of a conversation, as the service records it. */
export type TranscriptEntry = { role: 'bot'; message: BotMessage } | { role: 'visitor'; text: string };

/** The text of markdown without its markup: `**a**` → `a`, `[site](https://x)` → `site (https://x)`. */
export function markdownToPlainText(markdown: string): string {
  return markdown
    .replace(/\[([^\]]*)\]\(([^)\s]+)\)/g, (_, label: string, url: string) =>
      label === url ? url : `${label} (${url})`,
    )
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/(^|[^\w*])[*_](\S(?:.*?\S)?)[*_](?=[^\w*]|$)/g, '$1$2')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/^#{1,6}\s+/gm, '');
}

/** How a message reads in a transcript. */
export function messageText(message: BotMessage): string {
  switch (message.type) {
    case 'text':
      return markdownToPlainText(message.markdown);
    case 'image':
      return message.alt ? `[image: ${message.alt}] ${message.url}` : `[image] ${message.url}`;
    case 'video':
      return `[video] ${message.url}`;
    case 'audio':
      return `[audio] ${message.url}`;
    case 'embed':
      return `[embed] ${message.url}`;
  }
}

/** "Bot: …" / "User: …" lines, like Typebot's transcript value (for OpenAI prompts, emails, exports). */
export function buildTranscript(entries: readonly TranscriptEntry[]): string {
  return entries
    .map((entry) => (entry.role === 'bot' ? `Bot: ${messageText(entry.message)}` : `User: ${entry.text}`))
    .join('\n');
}
