import type { BlockOf } from '@/flows';
import {
  buildHttpRequest,
  buildOpenAiChat,
  buildOpenAiSpeech,
  buildOpenAiTranscription,
  buildSendEmail,
  buildUpdateContact,
} from '../effects/build-effects';
import { renderOptional } from '../templating';
import { awaitEffect, continueAfter, endSession, handOff, type Next } from './navigation';
import type { Turn } from './turn';

export function runHttpRequest(turn: Turn, block: BlockOf<'httpRequest'>, groupId: string): Next {
  const built = buildHttpRequest(block, turn.store, turn.effectPlace(block, groupId));
  if (!built.ok) {
    turn.recordBlock(block, groupId, 'error', built.error);
    return continueAfter(turn, block, groupId);
  }
  return awaitEffect(turn, block, groupId, built.effect);
}

export function runOpenAiChat(turn: Turn, block: BlockOf<'openAiChat'>, groupId: string): Next {
  const built = buildOpenAiChat(block, turn.store, turn.effectPlace(block, groupId));
  if (!built.ok) {
    turn.recordBlock(block, groupId, 'error', built.error);
    return continueAfter(turn, block, groupId);
  }
  return awaitEffect(turn, block, groupId, built.effect);
}

export function runOpenAiTranscription(turn: Turn, block: BlockOf<'openAiTranscription'>, groupId: string): Next {
  const built = buildOpenAiTranscription(block, turn.store, turn.effectPlace(block, groupId));
  if (!built.ok) {
    turn.recordBlock(block, groupId, 'error', built.error);
    return continueAfter(turn, block, groupId);
  }
  return awaitEffect(turn, block, groupId, built.effect);
}

/** The audio bubble is sent when the result comes back (`applyEffectResult`). */
export function runOpenAiSpeech(turn: Turn, block: BlockOf<'openAiSpeech'>, groupId: string): Next {
  const built = buildOpenAiSpeech(block, turn.store, turn.effectPlace(block, groupId));
  if (!built.ok) {
    turn.recordBlock(block, groupId, 'error', built.error);
    return continueAfter(turn, block, groupId);
  }
  return awaitEffect(turn, block, groupId, built.effect);
}

/** Sent by the service without waiting: the walk goes on (the service logs delivery). */
export function runSendEmail(turn: Turn, block: BlockOf<'sendEmail'>, groupId: string): Next {
  const built = buildSendEmail(block, turn.store, turn.effectPlace(block, groupId));
  if (!built.ok) turn.recordBlock(block, groupId, 'error', built.error);
  else {
    turn.effects.push(built.effect);
    turn.recordBlock(block, groupId, 'ok');
  }
  return continueAfter(turn, block, groupId);
}

/** Carried out by the service (ok, or an error logged); the next engine call reads the new values. */
export function runUpdateContact(turn: Turn, block: BlockOf<'updateContact'>, groupId: string): Next {
  const built = buildUpdateContact(block, turn.store, turn.effectPlace(block, groupId));
  if (!built.ok) {
    turn.recordBlock(block, groupId, 'error', built.error);
    return continueAfter(turn, block, groupId);
  }
  return awaitEffect(turn, block, groupId, built.effect);
}

/** Sends the message, asks for a human and stops the bot until a hand-back (`resume`). */
export function runHandoff(turn: Turn, block: BlockOf<'handoff'>, groupId: string): Next {
  const message = renderOptional(block.options.message, turn.store);
  if (message !== undefined && message.trim() !== '') turn.say({ type: 'text', blockId: block.id, markdown: message });
  const place = turn.effectPlace(block, groupId);
  turn.effects.push({
    ...place,
    kind: 'handoff',
    awaitsResult: false,
    ...(block.options.departmentId !== undefined ? { departmentId: block.options.departmentId } : {}),
    ...(message !== undefined ? { message } : {}),
  });
  turn.recordBlock(block, groupId, 'ok');
  return handOff(turn, block, groupId);
}

export function runEnd(turn: Turn, block: BlockOf<'end'>, groupId: string): Next {
  turn.recordBlock(block, groupId, 'ok');
  return endSession(turn, 'end');
}

/** Unsupported (imported) blocks are skipped with an error in the log; the walk goes on. */
export function runUnsupported(turn: Turn, block: BlockOf<'unsupported'>, groupId: string): Next {
  turn.recordBlock(block, groupId, 'error', `"${block.options.originalType}" blocks cannot run: skipped`);
  return continueAfter(turn, block, groupId);
}
