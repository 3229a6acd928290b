import type { Awaiting } from '@/executions/engine/engine-types';
import type { ReplyPayload } from '@/executions/engine/engine-types';
import type { ChatMessage } from '@/executions/chat-view';

/**
 * Meta's formats (Cloud API): the webhook notifications we read and the messages we send. Pure
 * functions, unit-tested beside this file.
 */

/** Meta's limits for interactive messages. */
export const LIMITS = {
  buttons: 3,
  buttonTitle: 20,
  rows: 10,
  rowTitle: 24,
  rowDescription: 72,
  rowId: 200,
  buttonId: 256,
  body: 1024,
  text: 4096,
  caption: 1024,
  listButton: 20,
} as const;

// ------------------------------------------------------------------------------------- inbound

/** One message a WhatsApp user sent (what Parley reads of it). */
export interface InboundMessage {
  /** Meta's message id (`wamid.…`). */
  readonly wamid: string;
  /** The user's WhatsApp id (their phone number, digits only). */
  readonly waId: string;
  readonly name: string | null;
  /** The number it was sent to (must be the channel's). */
  readonly phoneNumberId: string;
  readonly type: string;
  readonly text?: string;
  /** The id of the button or list row chosen (an interactive reply). */
  readonly choiceId?: string;
  readonly choiceTitle?: string;
  /** Media: Meta's media id and caption. */
  readonly media?: { readonly id: string; readonly caption?: string; readonly mimeType?: string };
}

/** A delivery status of a message Parley sent. */
export interface InboundStatus {
  readonly wamid: string;
  readonly phoneNumberId: string;
  readonly status: 'sent' | 'delivered' | 'read' | 'failed';
  readonly error?: { readonly code: number | null; readonly title: string };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

const STATUSES = new Set(['sent', 'delivered', 'read', 'failed']);

/** The messages and statuses of a notification (`object: whatsapp_business_account`); others are ignored. */
export function readNotification(body: unknown): { messages: InboundMessage[]; statuses: InboundStatus[] } {
  const messages: InboundMessage[] = [];
  const statuses: InboundStatus[] = [];
  for (const entry of arr(obj(body).entry)) {
    for (const change of arr(obj(entry).changes)) {
      if (obj(change).field !== 'messages') continue;
      const value = obj(obj(change).value);
      const phoneNumberId = str(obj(value.metadata).phone_number_id) ?? '';
      const names = new Map<string, string>();
      for (const contact of arr(value.contacts)) {
        const waId = str(obj(contact).wa_id);
        const name = str(obj(obj(contact).profile).name);
        if (waId && name) names.set(waId, name);
      }
      for (const raw of arr(value.messages)) {
        const m = obj(raw);
        const wamid = str(m.id);
        const waId = str(m.from);
        const type = str(m.type);
        if (!wamid || !waId || !type) continue;
        const base = { wamid, waId, name: names.get(waId) ?? null, phoneNumberId, type };
        const interactive = obj(m.interactive);
        const chosen = obj(interactive.button_reply ?? interactive.list_reply);
        if (type === 'text') messages.push({ ...base, text: str(obj(m.text).body) ?? '' });
        else if (type === 'interactive' && str(chosen.id)) {
          messages.push({ ...base, choiceId: str(chosen.id)!, choiceTitle: str(chosen.title) ?? str(chosen.id)! });
        } else if (type === 'button') {
          // A quick-reply button of a template: its payload (or text) is the answer.
          const button = obj(m.button);
          messages.push({ ...base, text: str(button.payload) ?? str(button.text) ?? '' });
        } else if (['image', 'video', 'audio', 'document', 'sticker'].includes(type) && str(obj(m[type]).id)) {
          const media = obj(m[type]);
          messages.push({
            ...base,
            media: {
              id: str(media.id)!,
              ...(str(media.caption) ? { caption: str(media.caption)! } : {}),
              ...(str(media.mime_type) ? { mimeType: str(media.mime_type)! } : {}),
            },
          });
        } else messages.push(base);
      }
      for (const raw of arr(value.statuses)) {
        const s = obj(raw);
        const wamid = str(s.id);
        const status = str(s.status);
        if (!wamid || !status || !STATUSES.has(status)) continue;
        const [error] = arr(s.errors).map(obj);
        statuses.push({
          wamid,
          phoneNumberId,
          status: status as InboundStatus['status'],
          ...(error
            ? {
                error: {
                  code: typeof error.code === 'number' ? error.code : null,
                  title: str(error.title) ?? str(error.message) ?? 'failed',
                },
              }
            : {}),
        });
      }
    }
  }
  return { messages, statuses };
}

/** What the engine gets from a WhatsApp message: a chosen button or row by its id (the choice's), else the text. */
export function replyOf(message: InboundMessage): ReplyPayload {
  if (message.choiceId !== undefined) return { value: message.choiceId };
  if (message.text !== undefined && message.text.trim() !== '') return { text: message.text };
  if (message.media?.caption) return { text: message.media.caption };
  // Media without a caption and types Parley does not read (location, contacts…): a marker line.
  return { text: `[${message.type}]` };
}

/** The user's phone in E.164 (`wa_id` is the number's digits). */
export const phoneOf = (waId: string): string => `+${waId.replace(/\D/g, '')}`;

// ------------------------------------------------------------------------------------ outbound

/** The type-specific part of a Graph `POST /{phone-number-id}/messages` body (without `to`). */
export type GraphMessage =
  | { type: 'text'; text: { body: string; preview_url: boolean } }
  | { type: 'image' | 'video' | 'audio'; image?: MediaLink; video?: MediaLink; audio?: MediaLink }
  | { type: 'interactive'; interactive: InteractiveButtons | InteractiveList };

interface MediaLink {
  link: string;
  caption?: string;
}

interface InteractiveButtons {
  type: 'button';
  body: { text: string };
  action: { buttons: { type: 'reply'; reply: { id: string; title: string } }[] };
}

interface InteractiveList {
  type: 'list';
  body: { text: string };
  action: {
    button: string;
    sections: { title?: string; rows: { id: string; title: string; description?: string }[] }[];
  };
}

/** One WhatsApp message to send: `key` is unique in its conversation (a retry sends it once). */
export interface OutboundItem {
  readonly key: string;
  /** The Parley message it carries (its delivery status follows Meta's), when there is one. */
  readonly messageId: string | null;
  readonly message: GraphMessage;
}

/** Cuts `text` to `max` characters (an ellipsis marks the cut). */
export const clip = (text: string, max: number): string => {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
};

/**
 * A text bubble's markdown as WhatsApp formats text: `*bold*`, `_italic_`, `~strike~`,
 * ``` `code` ```; links become `label (url)`, headings bold lines, list bullets stay.
 */
export function toWhatsAppText(markdown: string): string {
  return markdown
    .replace(/\r\n/g, '\n')
    .replace(/!\[([^\]]*)\]\(([^)\s]+)[^)]*\)/g, (_m, alt: string, url: string) => (alt ? `${alt} (${url})` : url))
    .replace(/\[([^\]]+)\]\(([^)\s]+)[^)]*\)/g, (_m, label: string, url: string) =>
      label === url ? url : `${label} (${url})`,
    )
    .replace(/^#{1,6}\s+(.+)$/gm, '\uE000$1\uE000')
    .replace(/(\*\*|__)(?=\S)([\s\S]*?\S)\1/g, '\uE000$2\uE000')
    .replace(/(?<![*\w])\*(?=\S)([^*\n]*?\S)\*(?![*\w])/g, '_$1_')
    .replace(/~~(?=\S)([\s\S]*?\S)~~/g, '~$1~')
    .replace(/\uE000/g, '*')
    .replace(/^\s*[-+]\s+/gm, '• ')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const textMessage = (body: string): GraphMessage => ({
  type: 'text',
  text: { body: clip(body, LIMITS.text), preview_url: /https?:\/\//.test(body) },
});

/** A bot bubble as a WhatsApp message (embeds and provider videos as their link). */
export function bubbleOf(message: ChatMessage): GraphMessage | undefined {
  switch (message.type) {
    case 'text': {
      const text = toWhatsAppText(message.markdown);
      return text === '' ? undefined : textMessage(text);
    }
    case 'image':
      return {
        type: 'image',
        image: { link: message.url, ...(message.alt ? { caption: clip(message.alt, 1024) } : {}) },
      };
    case 'video':
      return message.provider === 'url' ? { type: 'video', video: { link: message.url } } : textMessage(message.url);
    case 'audio':
      return { type: 'audio', audio: { link: message.url } };
    case 'embed':
      return textMessage(message.url);
  }
}

interface Choice {
  readonly id: string;
  readonly title: string;
  readonly description?: string;
}

/** The choices an awaited input offers as buttons or rows (single choices only). */
function choicesOf(input: Awaiting): Choice[] | undefined {
  if (input.type === 'choiceInput' && !input.multiple) {
    return input.choices.map((c) => ({ id: c.id, title: c.label }));
  }
  if (input.type === 'pictureChoiceInput' && !input.multiple) {
    return input.choices.map((c) => ({
      id: c.id,
      title: c.title ?? c.id,
      ...(c.description ? { description: c.description } : {}),
    }));
  }
  return undefined;
}

/**
 * A choice input as an interactive message with `body` as its text: up to 3 buttons (titles ≤ 20),
 * else a list (≤ 10 rows, titles ≤ 24, descriptions ≤ 72). More choices, or several to pick: a
 * text listing them (the user answers with a label, or labels separated by commas).
 */
export function interactiveOf(input: Awaiting, body: string): GraphMessage | undefined {
  const choices = choicesOf(input);
  const text = clip(body || input.placeholder || 'Please choose:', LIMITS.body);
  if (!choices) {
    if (input.type !== 'choiceInput' && input.type !== 'pictureChoiceInput') return undefined;
    const labels =
      input.type === 'choiceInput' ? input.choices.map((c) => c.label) : input.choices.map((c) => c.title ?? c.id);
    return textMessage(`${body ? `${body}\n\n` : ''}${labels.map((l) => `• ${l}`).join('\n')}`);
  }
  if (choices.length === 0) return undefined;
  const fitsButtons =
    choices.length <= LIMITS.buttons &&
    choices.every((c) => !c.description && c.id.length <= LIMITS.buttonId) &&
    // Meta refuses two buttons with the same title: titles that collide once cut go to a list.
    new Set(choices.map((c) => clip(c.title, LIMITS.buttonTitle))).size === choices.length;
  if (fitsButtons) {
    return {
      type: 'interactive',
      interactive: {
        type: 'button',
        body: { text },
        action: {
          buttons: choices.map((c) => ({
            type: 'reply',
            reply: { id: c.id, title: clip(c.title, LIMITS.buttonTitle) },
          })),
        },
      },
    };
  }
  if (choices.length <= LIMITS.rows && choices.every((c) => c.id.length <= LIMITS.rowId)) {
    return {
      type: 'interactive',
      interactive: {
        type: 'list',
        body: { text },
        action: {
          button: clip(input.buttonLabel || 'Choose', LIMITS.listButton),
          sections: [
            {
              rows: choices.map((c) => ({
                id: c.id,
                title: clip(c.title, LIMITS.rowTitle),
                ...(c.description ? { description: clip(c.description, LIMITS.rowDescription) } : {}),
              })),
            },
          ],
        },
      },
    };
  }
  return textMessage(`${body ? `${body}\n\n` : ''}${choices.map((c) => `• ${c.title}`).join('\n')}`);
}

/**
 * A bot turn as WhatsApp messages, in order: each bubble, then the awaited choice input as an
 * interactive message. The last text bubble before a choice input becomes the interactive
 * message's body (one message instead of two). `turnKey` makes the input's key unique.
 */
export function outboundOfTurn(
  messages: readonly ChatMessage[],
  input: Awaiting | null,
  turnKey: string,
): OutboundItem[] {
  const items: OutboundItem[] = [];
  const last = messages[messages.length - 1];
  const interactiveBody = input && choicesOf(input) && last?.type === 'text' ? last : undefined;
  for (const message of messages) {
    if (message === interactiveBody) continue;
    const graph = bubbleOf(message);
    if (graph) items.push({ key: `m-${message.id}`, messageId: message.id, message: graph });
  }
  if (input) {
    const body = interactiveBody ? toWhatsAppText(interactiveBody.markdown) : '';
    const graph = interactiveOf(input, body);
    if (graph) {
      items.push({
        key: interactiveBody ? `m-${interactiveBody.id}` : `input-${turnKey}`,
        messageId: interactiveBody?.id ?? null,
        message: graph,
      });
    }
  } else if (interactiveBody) {
    const graph = bubbleOf(interactiveBody);
    if (graph) items.push({ key: `m-${interactiveBody.id}`, messageId: interactiveBody.id, message: graph });
  }
  return items;
}

/** An agent's message (`{ text }`) as a WhatsApp text. */
export const agentItem = (messageId: string, text: string): OutboundItem => ({
  key: `m-${messageId}`,
  messageId,
  message: textMessage(text),
});

// ----------------------------------------------------------------------------------- templates

/** The placeholders (`{{1}}`, `{{name}}`) of each component of a template that has any. */
export function templateVariables(components: readonly unknown[]): { component: string; names: string[] }[] {
  const found: { component: string; names: string[] }[] = [];
  for (const raw of components) {
    const c = obj(raw);
    const texts = [str(c.text), ...arr(c.buttons).map((b) => str(obj(b).url) ?? str(obj(b).text))];
    const names = [
      ...new Set(texts.flatMap((t) => (t ? [...t.matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)].map((m) => m[1]!) : []))),
    ];
    if (names.length > 0) found.push({ component: str(c.type) ?? 'UNKNOWN', names });
  }
  return found;
}

// -------------------------------------------------------------------------------------- errors

/** Meta's error codes Parley names (https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes). */
const GRAPH_REASONS: Readonly<Record<number, string>> = {
  131047: 'whatsapp.reengagement_required',
  131026: 'whatsapp.undeliverable',
  131051: 'whatsapp.unsupported_message',
  190: 'whatsapp.access_token_invalid',
  10: 'whatsapp.permission_denied',
  200: 'whatsapp.permission_denied',
  131056: 'whatsapp.rate_limited',
  130429: 'whatsapp.rate_limited',
  80007: 'whatsapp.rate_limited',
};

export const reasonOfGraphError = (code: number | null): string =>
  (code === null ? undefined : GRAPH_REASONS[code]) ?? 'whatsapp.send_failed';
