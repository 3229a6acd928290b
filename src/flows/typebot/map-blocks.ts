import { blockSchema, type Block } from '../model/block';
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

/** Typebot block types (docs/typebot-format.md §7) that Parley runs, and how each maps. */
const MAPPERS: Record<string, BlockMapper> = {
  text: mapText,
  image: mapImage,
  video: mapVideo,
  audio: mapAudio,
  embed: mapEmbed,
  'text input': mapTextInput,
  'number input': mapNumberInput,
  'email input': mapEmailInput,
  'url input': mapUrlInput,
  'phone number input': mapPhoneInput,
  'date input': mapDateInput,
  'time input': mapTimeInput,
  'rating input': mapRatingInput,
  'choice input': mapChoiceInput,
  'picture choice input': mapPictureChoiceInput,
  'file input': mapFileInput,
  Condition: mapConditionBlock,
  'Set variable': mapSetVariable,
  Redirect: mapRedirect,
  'Typebot link': mapTypebotLink,
  Wait: mapWait,
  'AB test': mapAbTest,
  Jump: mapJump,
  Return: mapReturn,
  Webhook: mapHttpRequest,
  Zapier: mapHttpRequest,
  'Make.com': mapHttpRequest,
  Pabbly: mapHttpRequest,
  Email: mapEmail,
  OpenAI: mapLegacyOpenAi,
  openai: mapForgedOpenAi,
};

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
  const mapper = MAPPERS[block.type];
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
