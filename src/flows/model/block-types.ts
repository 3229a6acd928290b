/** Every block `type` of a Parley flow, grouped by what the engine does with it. */
export const BUBBLE_BLOCK_TYPES = ['text', 'image', 'video', 'audio', 'embed'] as const;

export const INPUT_BLOCK_TYPES = [
  'textInput',
  'numberInput',
  'emailInput',
  'phoneInput',
  'urlInput',
  'dateInput',
  'timeInput',
  'ratingInput',
  'choiceInput',
  'pictureChoiceInput',
  'fileInput',
] as const;

export const LOGIC_BLOCK_TYPES = [
  'condition',
  'setVariable',
  'jump',
  'return',
  'wait',
  'redirect',
  'abSplit',
  'linkBot',
] as const;

export const INTEGRATION_BLOCK_TYPES = [
  'httpRequest',
  'openAiChat',
  'openAiTranscription',
  'openAiSpeech',
  'sendEmail',
  'updateContact',
] as const;

/** Blocks that end the bot's part of the conversation. */
export const CONVERSATION_BLOCK_TYPES = ['handoff', 'end'] as const;

/** An imported block Parley cannot run; kept so that nothing is lost. */
export const UNSUPPORTED_BLOCK_TYPE = 'unsupported';

export type BubbleBlockType = (typeof BUBBLE_BLOCK_TYPES)[number];
export type InputBlockType = (typeof INPUT_BLOCK_TYPES)[number];
export type LogicBlockType = (typeof LOGIC_BLOCK_TYPES)[number];
export type IntegrationBlockType = (typeof INTEGRATION_BLOCK_TYPES)[number];
export type ConversationBlockType = (typeof CONVERSATION_BLOCK_TYPES)[number];

export const BLOCK_TYPES = [
  ...BUBBLE_BLOCK_TYPES,
  ...INPUT_BLOCK_TYPES,
  ...LOGIC_BLOCK_TYPES,
  ...INTEGRATION_BLOCK_TYPES,
  ...CONVERSATION_BLOCK_TYPES,
  UNSUPPORTED_BLOCK_TYPE,
] as const;
export type BlockType = (typeof BLOCK_TYPES)[number];

export type BlockCategory = 'bubble' | 'input' | 'logic' | 'integration' | 'conversation' | 'unsupported';

const categories = new Map<BlockType, BlockCategory>([
  ...BUBBLE_BLOCK_TYPES.map((t) => [t, 'bubble'] as const),
  ...INPUT_BLOCK_TYPES.map((t) => [t, 'input'] as const),
  ...LOGIC_BLOCK_TYPES.map((t) => [t, 'logic'] as const),
  ...INTEGRATION_BLOCK_TYPES.map((t) => [t, 'integration'] as const),
  ...CONVERSATION_BLOCK_TYPES.map((t) => [t, 'conversation'] as const),
  [UNSUPPORTED_BLOCK_TYPE, 'unsupported'],
]);

export function blockCategory(type: BlockType): BlockCategory {
  const category = categories.get(type);
  if (!category) throw new Error(`unknown block type ${type}`);
  return category;
}

export function isInputType(type: BlockType): type is InputBlockType {
  return blockCategory(type) === 'input';
}

/**
 * Blocks after which the engine never goes on to the next block of the group nor follows the
 * block's own exit: control returns elsewhere (return) or the bot stops (end, handoff). A `jump`
 * is not one of them: a later `return` resumes after it.
 */
export const TERMINAL_BLOCK_TYPES: readonly BlockType[] = ['return', 'end', 'handoff'];

/** Blocks that pause a run until something outside the engine happens (a reply, a timer). */
export const WAITING_BLOCK_TYPES: readonly BlockType[] = [...INPUT_BLOCK_TYPES, 'wait'];
