import type { BlockOf } from '@/flows';
import type { ReplyPayload } from '../engine-types';
import { invalid, replyText, valid, type ParseEnv, type ParsedReply } from './input-types';
import { visibleChoices, visiblePictureChoices, type VisibleChoice } from './visible-choices';

const fold = (s: string) => s.normalize('NFC').trim().toLowerCase();

/** The button a text designates: by id, then by saved value, then by label (case-insensitive). */
export function findChoice(choices: readonly VisibleChoice[], text: string): VisibleChoice | undefined {
  const trimmed = text.trim();
  const key = fold(text);
  return (
    choices.find((c) => c.id === trimmed) ??
    choices.find((c) => fold(c.saved) === key) ??
    choices.find((c) => fold(c.label) === key)
  );
}

function requestedKeys(reply: ReplyPayload, choices: readonly VisibleChoice[]): string[] | undefined {
  if (Array.isArray(reply.value)) {
    return reply.value.every((v) => typeof v === 'string') ? reply.value : undefined;
  }
  const text = replyText(reply);
  if (text === undefined || text.trim() === '') return undefined;
  // A whole label may contain commas: try it first, then split.
  if (findChoice(choices, text)) return [text];
  return text.split(',').filter((part) => part.trim() !== '');
}

function pickMany(reply: ReplyPayload, choices: readonly VisibleChoice[], maxLength: number): ParsedReply {
  const keys = requestedKeys(reply, choices);
  if (!keys || keys.length === 0) return invalid('no choice was selected');
  if (keys.join(',').length > maxLength) return invalid('the reply is too long');
  const picked: VisibleChoice[] = [];
  for (const key of keys) {
    const choice = findChoice(choices, key);
    if (!choice) return invalid(`"${key.trim()}" is not one of the choices`);
    if (!picked.includes(choice)) picked.push(choice);
  }
  return valid(picked.map((c) => c.saved));
}

function pickOne(reply: ReplyPayload, choices: readonly VisibleChoice[], maxLength: number): ParsedReply {
  const text = replyText(reply);
  if (text === undefined || text.trim() === '') return invalid('no choice was selected');
  if (text.length > maxLength) return invalid('the reply is too long');
  const choice = findChoice(choices, text);
  if (!choice) return invalid('not one of the choices');
  return valid(choice.saved, choice.itemId !== undefined ? { itemId: choice.itemId } : {});
}

/**
 * Buttons: a single choice leaves through its item's exit; several choices save the list of
 * saved values (joined by ", " in a text variable) and leave through the block's exit.
 */
export function parseChoiceReply(block: BlockOf<'choiceInput'>, reply: ReplyPayload, env: ParseEnv): ParsedReply {
  const choices = visibleChoices(block, env);
  return block.options.multiple
    ? pickMany(reply, choices, env.limits.maxReplyLength)
    : pickOne(reply, choices, env.limits.maxReplyLength);
}

export function parsePictureChoiceReply(
  block: BlockOf<'pictureChoiceInput'>,
  reply: ReplyPayload,
  env: ParseEnv,
): ParsedReply {
  const choices = visiblePictureChoices(block, env);
  return block.options.multiple
    ? pickMany(reply, choices, env.limits.maxReplyLength)
    : pickOne(reply, choices, env.limits.maxReplyLength);
}
