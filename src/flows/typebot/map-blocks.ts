import { blockSchema, type Block } from '../model/block';
import type { BlockType } from '../model/block-types';
import { CannotMap, type BlockMapContext, type BlockMapper } from './block-mapping';
import {
  mapAudio,
  mapChoiceInput,
  mapDateInput,
  mapEmailInput,
  mapEmbed,
  mapFileInput,
  mapImage,
  mapNumberInput,
  mapPhoneInput,
  mapPictureChoiceInput,
  mapRatingInput,
  mapText,
  mapTextInput,
  mapTimeInput,
  mapUrlInput,
  mapVideo,
} from './map-input-blocks';
import { mapEmail, mapForgedOpenAi, mapHttpRequest, mapLegacyOpenAi } from './map-integration-blocks';
import {
  mapAbTest,
  mapConditionBlock,
  mapJump,
  mapRedirect,
  mapReturn,
  mapSetVariable,
  mapTypebotLink,
  mapWait,
} from './map-logic-blocks';
import type { TypebotBlock } from './typebot-source';

/**
 * For each Parley block type, the Typebot block types (docs/typebot-format.md §7) that become it,
 * and how each maps. Keyed by every Parley type, so a new one cannot be forgotten: it lists its
 * Typebot sources, or none (`{}`) when Typebot has no such block.
 */
const MAPPERS_BY_PARLEY_TYPE = {
  text: { text: mapText },
  image: { image: mapImage },
  video: { video: mapVideo },
  audio: { audio: mapAudio },
  embed: { embed: mapEmbed },
  textInput: { 'text input': mapTextInput },
  numberInput: { 'number input': mapNumberInput },
  emailInput: { 'email input': mapEmailInput },
  urlInput: { 'url input': mapUrlInput },
  phoneInput: { 'phone number input': mapPhoneInput },
  dateInput: { 'date input': mapDateInput },
  timeInput: { 'time input': mapTimeInput },
  ratingInput: { 'rating input': mapRatingInput },
  choiceInput: { 'choice input': mapChoiceInput },
  pictureChoiceInput: { 'picture choice input': mapPictureChoiceInput },
  fileInput: { 'file input': mapFileInput },
  condition: { Condition: mapConditionBlock },
  setVariable: { 'Set variable': mapSetVariable },
  redirect: { Redirect: mapRedirect },
  linkBot: { 'Typebot link': mapTypebotLink },
  wait: { Wait: mapWait },
  abSplit: { 'AB test': mapAbTest },
  jump: { Jump: mapJump },
  return: { Return: mapReturn },
  httpRequest: { Webhook: mapHttpRequest, Zapier: mapHttpRequest, 'Make.com': mapHttpRequest, Pabbly: mapHttpRequest },
  sendEmail: { Email: mapEmail },
  updateContact: {},
  // The forged `openai` block and the legacy `OpenAI` one map by their action (mapForgedOpenAi,
  // mapLegacyOpenAi): chat completions, Ask Model and Ask Assistant become openAiChat blocks.
  openAiChat: { OpenAI: mapLegacyOpenAi, openai: mapForgedOpenAi },
  openAiTranscription: {},
  openAiSpeech: {},
  // Typebot has no handoff block (its Chatwoot widget is kept as unsupported) and no end block.
  handoff: {},
  end: {},
  unsupported: {},
} satisfies Record<BlockType, Record<string, BlockMapper>>;

/** Typebot block type → mapper, for the Typebot blocks Parley runs. */
const MAPPERS: ReadonlyMap<string, BlockMapper> = new Map(
  Object.values<Record<string, BlockMapper>>(MAPPERS_BY_PARLEY_TYPE).flatMap((byTypebotType) =>
    Object.entries(byTypebotType),
  ),
);

/** Why the Typebot blocks Parley knows but cannot run are kept as `unsupported`. */
const UNSUPPORTED_REASONS: Record<string, string> = {
  'payment input': 'payments (Stripe) are not supported',
  cards: 'card carousels are not supported',
  Code: 'it runs custom JavaScript, which Parley never executes',
  webhook: 'waiting for an incoming webhook call is not supported',
  'Google Sheets': 'the Google Sheets integration is not supported',
  Chatwoot: 'the Chatwoot widget is not supported; use a handoff block',
  'Google Analytics': 'client-side tracking is not supported',
  Pixel: 'client-side tracking is not supported',
};

/** Forged (plugin) block ids of Typebot (docs/typebot-format.md §7.5); only `openai` has a Parley equivalent. */
const FORGED_BLOCKS = new Set([
  'mistral',
  'anthropic',
  'groq',
  'together-ai',
  'open-router',
  'perplexity',
  'deepseek',
  'dify-ai',
  'chat-node',
  'elevenlabs',
  'cal-com',
  'qr-code',
  'nocodb',
  'segment',
  'posthog',
  'zendesk',
  'blink',
  'gmail',
]);

function unsupportedReason(type: string): string {
  return (
    UNSUPPORTED_REASONS[type] ??
    (FORGED_BLOCKS.has(type) ? `the "${type}" integration is not supported` : 'unknown Typebot block type')
  );
}

/** The source block's fields other than id, type and exits, kept on unsupported blocks. */
function rawFields(block: TypebotBlock): Record<string, unknown> {
  const { id: _id, type: _type, outgoingEdgeId: _edge, groupId: _group, ...raw } = block;
  return raw;
}

/** Item ids (and card path ids) of the source block, so that edges leaving them still connect. */
export function sourceExitItemIds(block: TypebotBlock): string[] {
  return (block.items ?? []).flatMap((item) => [item.id, ...(item.paths ?? []).map((p) => p.id)]);
}

export function unsupportedBlock(block: TypebotBlock, reason: string): Block {
  return {
    id: block.id,
    type: 'unsupported',
    options: { originalType: block.type, reason, raw: rawFields(block) },
    items: sourceExitItemIds(block).map((id) => ({ id })),
  };
}

const describeIssues = (issues: { path: PropertyKey[]; message: string }[]): string =>
  issues.map((i) => `${i.path.map(String).join('.') || 'block'}: ${i.message}`).join('; ');

/**
 * Maps a Typebot block to a valid Parley block. Whatever Parley cannot run, and whatever does not
 * fit Parley's schema, becomes an `unsupported` block that keeps the source: nothing is dropped.
 */
export function mapBlock(block: TypebotBlock, ctx: BlockMapContext): Block {
  const mapper = MAPPERS.get(block.type);
  if (!mapper) return unsupportedBlock(block, unsupportedReason(block.type));
  try {
    const parsed = blockSchema.safeParse(mapper(block, ctx));
    return parsed.success
      ? parsed.data
      : unsupportedBlock(
          block,
          `its options do not fit Parley's ${block.type} block (${describeIssues(parsed.error.issues)})`,
        );
  } catch (e) {
    if (e instanceof CannotMap) return unsupportedBlock(block, e.message);
    throw e;
  }
}
