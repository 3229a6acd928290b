import type { Block } from '@/flows';
import type { ReplyPayload } from '../engine-types';
import { toVariableValue } from '../values/variable-values';
import { invalid, isReplyBlock, replyText, valid, type ParseEnv, type ParsedReply } from './input-types';
import { parseChoiceReply, parsePictureChoiceReply } from './parse-choice';
import { parseDateReply } from './parse-date';
import { parseEmailReply } from './parse-email';
import { parseFileReply } from './parse-file';
import { parseNumberReply } from './parse-number';
import { parsePhoneReply } from './parse-phone';
import { parseRatingReply } from './parse-rating';
import { parseTextReply } from './parse-text';
import { parseTimeReply } from './parse-time';
import { parseUrlReply } from './parse-url';

/** The data an embedded page posted with the awaited event (any JSON). */
function parseEmbedEvent(reply: ReplyPayload): ParsedReply {
  const value = reply.value !== undefined ? toVariableValue(reply.value) : replyText(reply);
  return valid(value);
}

/** Validates a reply for the block that waits for it. */
export function parseReply(block: Block, reply: ReplyPayload, env: ParseEnv): ParsedReply {
  if (!isReplyBlock(block)) return invalid(`a ${block.type} block does not take replies`);
  switch (block.type) {
    case 'textInput':
      return parseTextReply(block, reply, env);
    case 'numberInput':
      return parseNumberReply(block, reply, env);
    case 'emailInput':
      return parseEmailReply(reply, env);
    case 'phoneInput':
      return parsePhoneReply(block, reply, env);
    case 'urlInput':
      return parseUrlReply(reply, env);
    case 'dateInput':
      return parseDateReply(block, reply, env);
    case 'timeInput':
      return parseTimeReply(block, reply, env);
    case 'ratingInput':
      return parseRatingReply(block, reply, env);
    case 'choiceInput':
      return parseChoiceReply(block, reply, env);
    case 'pictureChoiceInput':
      return parsePictureChoiceReply(block, reply, env);
    case 'fileInput':
      return parseFileReply(block, reply, env);
    case 'embed':
      return parseEmbedEvent(reply);
  }
}
