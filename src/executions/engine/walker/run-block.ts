import type { Block } from '@/flows';
import { pauseAtInput, type Next } from './navigation';
import { runBubble } from './run-bubble';
import {
  runEnd,
  runHandoff,
  runHttpRequest,
  runOpenAiChat,
  runOpenAiSpeech,
  runOpenAiTranscription,
  runSendEmail,
  runUpdateContact,
  runUnsupported,
} from './run-integration';
import {
  runAbSplit,
  runCondition,
  runJump,
  runLinkBot,
  runRedirect,
  runReturn,
  runSetVariableBlock,
  runWait,
} from './run-logic';
import type { Turn } from './turn';

/** Runs one block and says where the walk goes next. */
export function runBlock(turn: Turn, block: Block, groupId: string): Next {
  switch (block.type) {
    case 'text':
    case 'image':
    case 'video':
    case 'audio':
    case 'embed':
      return runBubble(turn, block, groupId);
    case 'textInput':
    case 'numberInput':
    case 'emailInput':
    case 'phoneInput':
    case 'urlInput':
    case 'dateInput':
    case 'timeInput':
    case 'ratingInput':
    case 'choiceInput':
    case 'pictureChoiceInput':
    case 'fileInput':
      return pauseAtInput(turn, block, groupId, { isRetry: false, idleFired: false });
    case 'condition':
      return runCondition(turn, block, groupId);
    case 'setVariable':
      return runSetVariableBlock(turn, block, groupId);
    case 'jump':
      return runJump(turn, block, groupId);
    case 'return':
      return runReturn(turn, block, groupId);
    case 'wait':
      return runWait(turn, block, groupId);
    case 'redirect':
      return runRedirect(turn, block, groupId);
    case 'abSplit':
      return runAbSplit(turn, block, groupId);
    case 'linkBot':
      return runLinkBot(turn, block, groupId);
    case 'httpRequest':
      return runHttpRequest(turn, block, groupId);
    case 'openAiChat':
      return runOpenAiChat(turn, block, groupId);
    case 'openAiTranscription':
      return runOpenAiTranscription(turn, block, groupId);
    case 'openAiSpeech':
      return runOpenAiSpeech(turn, block, groupId);
    case 'sendEmail':
      return runSendEmail(turn, block, groupId);
    case 'updateContact':
      return runUpdateContact(turn, block, groupId);
    case 'handoff':
      return runHandoff(turn, block, groupId);
    case 'end':
      return runEnd(turn, block, groupId);
    case 'unsupported':
      return runUnsupported(turn, block, groupId);
  }
}
