import { z } from 'zod';
import type { BlockType } from './block-types';
import {
  audioBlockSchema,
  embedBlockSchema,
  imageBlockSchema,
  textBlockSchema,
  videoBlockSchema,
} from './blocks/bubble-blocks';
import { endBlockSchema, handoffBlockSchema, unsupportedBlockSchema } from './blocks/conversation-blocks';
import {
  choiceInputBlockSchema,
  dateInputBlockSchema,
  emailInputBlockSchema,
  fileInputBlockSchema,
  numberInputBlockSchema,
  phoneInputBlockSchema,
  pictureChoiceInputBlockSchema,
  ratingInputBlockSchema,
  textInputBlockSchema,
  timeInputBlockSchema,
  urlInputBlockSchema,
} from './blocks/input-blocks';
import {
  httpRequestBlockSchema,
  openAiChatBlockSchema,
  openAiSpeechBlockSchema,
  openAiTranscriptionBlockSchema,
  sendEmailBlockSchema,
  updateContactBlockSchema,
} from './blocks/integration-blocks';
import {
  abSplitBlockSchema,
  conditionBlockSchema,
  jumpBlockSchema,
  linkBotBlockSchema,
  redirectBlockSchema,
  returnBlockSchema,
  setVariableBlockSchema,
  waitBlockSchema,
} from './blocks/logic-blocks';

/** A block: `{ id, type, options }`, plus `items` for blocks whose items have their own exits. */
export const blockSchema = z.discriminatedUnion('type', [
  textBlockSchema,
  imageBlockSchema,
  videoBlockSchema,
  audioBlockSchema,
  embedBlockSchema,
  textInputBlockSchema,
  numberInputBlockSchema,
  emailInputBlockSchema,
  phoneInputBlockSchema,
  urlInputBlockSchema,
  dateInputBlockSchema,
  timeInputBlockSchema,
  ratingInputBlockSchema,
  choiceInputBlockSchema,
  pictureChoiceInputBlockSchema,
  fileInputBlockSchema,
  conditionBlockSchema,
  setVariableBlockSchema,
  jumpBlockSchema,
  returnBlockSchema,
  waitBlockSchema,
  redirectBlockSchema,
  abSplitBlockSchema,
  linkBotBlockSchema,
  httpRequestBlockSchema,
  openAiChatBlockSchema,
  openAiTranscriptionBlockSchema,
  openAiSpeechBlockSchema,
  sendEmailBlockSchema,
  updateContactBlockSchema,
  handoffBlockSchema,
  endBlockSchema,
  unsupportedBlockSchema,
]);

export type Block = z.output<typeof blockSchema>;
export type BlockInput = z.input<typeof blockSchema>;
export type BlockOf<T extends BlockType> = Extract<Block, { type: T }>;

/** Compile-time check that the union and the `BLOCK_TYPES` constant list the same types. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const blockTypesMatch: Same<Block['type'], BlockType> = true;
void blockTypesMatch;

/** Ids of a block's items, the only sources of `from: { blockId, itemId }` edges. */
export function blockItemIds(block: Block): string[] {
  return 'items' in block ? block.items.map((item) => item.id) : [];
}
