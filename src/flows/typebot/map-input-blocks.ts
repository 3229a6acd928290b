import { VIDEO_PROVIDERS } from '../model/blocks/bubble-blocks';
import type { BlockMapper, BlockMapContext } from './block-mapping';
import { mapDisplayCondition } from './map-conditions';
import { textBubbleMarkdown } from './rich-text';
import { boolean, compact, number, record, string, strings, text, type RawRecord } from './source-readers';
import type { TypebotBlock, TypebotItem } from './typebot-source';

const options = (block: TypebotBlock): RawRecord => block.options ?? {};
const content = (block: TypebotBlock): RawRecord => block.content ?? {};
const items = (block: TypebotBlock): TypebotItem[] => block.items ?? [];

export const mapText: BlockMapper = (block) => ({
  id: block.id,
  type: 'text',
  options: { text: textBubbleMarkdown(block.content) },
});

export const mapImage: BlockMapper = (block) => {
  const clickLink = record(content(block), 'clickLink');
  const linkUrl = text(clickLink, 'url');
  return {
    id: block.id,
    type: 'image',
    options: compact({
      url: string(content(block), 'url') ?? '',
      clickLink: linkUrl === undefined ? undefined : compact({ url: linkUrl, alt: string(clickLink, 'alt') }),
    }),
  };
};

export const mapVideo: BlockMapper = (block) => {
  const c = content(block);
  const provider = VIDEO_PROVIDERS.find((p) => p === string(c, 'type'));
  return {
    id: block.id,
    type: 'video',
    options: compact({
      url: string(c, 'url') ?? '',
      provider,
      autoplay: boolean(c, 'isAutoplayEnabled'),
      showControls: boolean(c, 'areControlsDisplayed'),
    }),
  };
};

export const mapAudio: BlockMapper = (block) => ({
  id: block.id,
  type: 'audio',
  options: compact({
    url: string(content(block), 'url') ?? '',
    autoplay: boolean(content(block), 'isAutoplayEnabled'),
  }),
});

export const mapEmbed: BlockMapper = (block) => {
  const c = content(block);
  const wait = record(c, 'waitForEvent');
  const name = text(wait, 'name');
  return {
    id: block.id,
    type: 'embed',
    options: compact({
      url: string(c, 'url') ?? '',
      heightPx: number(c, 'height'),
      waitForEvent:
        wait.isEnabled === true && name !== undefined
          ? compact({ name, saveDataInVariableId: string(wait, 'saveDataInVariableId') })
          : undefined,
    }),
  };
};

/** Options every Typebot input shares. A blank retry message falls back to Parley's default. */
function inputOptions(block: TypebotBlock) {
  const o = options(block);
  const labels = record(o, 'labels');
  return {
    variableId: string(o, 'variableId'),
    retryMessage: text(o, 'retryMessageContent'),
    placeholder: string(labels, 'placeholder'),
    buttonLabel: string(labels, 'button'),
  };
}

export const mapTextInput: BlockMapper = (block, ctx) => {
  const o = options(block);
  if (record(o, 'audioClip').isEnabled === true) ctx.warn('voice clips are not supported; replies are text only');
  if (record(o, 'attachments').isEnabled === true) ctx.warn('attachments are not supported on text inputs');
  return {
    id: block.id,
    type: 'textInput',
    options: compact({ ...inputOptions(block), multiline: boolean(o, 'isLong') }),
  };
};

/** A bound that is a `{{variable}}` cannot be kept: Parley bounds are numbers. */
function numericBound(o: RawRecord, key: string, ctx: BlockMapContext): number | undefined {
  const value = number(o, key);
  if (value === undefined && text(o, key) !== undefined) {
    ctx.warn(`${key} "${string(o, key)}" is not a number and was dropped`);
  }
  return value;
}

export const mapNumberInput: BlockMapper = (block, ctx) => {
  const o = options(block);
  return {
    id: block.id,
    type: 'numberInput',
    options: compact({
      ...inputOptions(block),
      min: numericBound(o, 'min', ctx),
      max: numericBound(o, 'max', ctx),
      step: numericBound(o, 'step', ctx),
    }),
  };
};

export const mapEmailInput: BlockMapper = (block) => ({
  id: block.id,
  type: 'emailInput',
  options: compact(inputOptions(block)),
});

export const mapUrlInput: BlockMapper = (block) => ({
  id: block.id,
  type: 'urlInput',
  options: compact(inputOptions(block)),
});

export const mapPhoneInput: BlockMapper = (block, ctx) => {
  const country = text(options(block), 'defaultCountryCode')?.toUpperCase();
  const valid = country !== undefined && /^[A-Z]{2}$/.test(country);
  if (country !== undefined && !valid) ctx.warn(`default country "${country}" is not an ISO country code; dropped`);
  return {
    id: block.id,
    type: 'phoneInput',
    options: compact({ ...inputOptions(block), defaultCountryCode: valid ? country : undefined }),
  };
};

export const mapDateInput: BlockMapper = (block) => {
  const o = options(block);
  const labels = record(o, 'labels');
  const separator = text(labels, 'separator');
  return {
    id: block.id,
    type: 'dateInput',
    options: compact({
      ...inputOptions(block),
      placeholder: undefined,
      hasTime: boolean(o, 'hasTime'),
      isRange: boolean(o, 'isRange'),
      min: text(o, 'min'),
      max: text(o, 'max'),
      format: text(o, 'format'),
      fromLabel: string(labels, 'from'),
      toLabel: string(labels, 'to'),
      rangeSeparator: separator === undefined ? undefined : ` ${separator.trim()} `,
    }),
  };
};

export const mapTimeInput: BlockMapper = (block) => ({
  id: block.id,
  type: 'timeInput',
  options: compact({ ...inputOptions(block), placeholder: undefined, format: text(options(block), 'format') }),
});

/**
 * Typebot's numbered rating buttons go from `startsAt` to `length` inclusive (default 0–10, an
 * NPS scale: 11 values) and its icons from 1 to `length`; Parley counts `length` values from
 * `startsAt`.
 */
export const mapRatingInput: BlockMapper = (block, ctx) => {
  const o = options(block);
  const labels = record(o, 'labels');
  const icons = string(o, 'buttonType') === 'Icons';
  const startsAt = icons ? 1 : (number(o, 'startsAt') ?? 0);
  const last = number(o, 'length') ?? 10;
  if (record(o, 'customIcon').isEnabled === true) ctx.warn('the custom rating icon is not supported');
  return {
    id: block.id,
    type: 'ratingInput',
    options: compact({
      ...inputOptions(block),
      placeholder: undefined,
      length: Math.max(2, last - startsAt + 1),
      startsAt,
      style: icons ? ('icons' as const) : undefined,
      leftLabel: string(labels, 'left'),
      rightLabel: string(labels, 'right'),
      oneClickSubmit: boolean(o, 'isOneClickSubmitEnabled'),
    }),
  };
};

/**
 * Typebot shows only the dynamic buttons when a list variable feeds them; Parley shows static
 * items too, so static items are dropped then, unless an edge leaves them.
 */
function keptStaticItems(block: TypebotBlock, hasDynamicSource: boolean, ctx: BlockMapContext): TypebotItem[] {
  if (!hasDynamicSource) return items(block);
  const kept = items(block).filter((item) => typeof item.outgoingEdgeId === 'string');
  const dropped = items(block).length - kept.length;
  if (dropped > 0)
    ctx.warn(`${dropped} static item(s) were dropped: Typebot ignores them when buttons come from a variable`);
  return kept;
}

/** What Typebot's button and picture choices have in common. */
const choiceOptions = (block: TypebotBlock, o: RawRecord) => ({
  ...inputOptions(block),
  placeholder: string(o, 'searchInputPlaceholder'),
  buttonLabel: string(o, 'buttonLabel'),
  multiple: boolean(o, 'isMultipleChoice'),
  searchable: boolean(o, 'isSearchable'),
});

export const mapChoiceInput: BlockMapper = (block, ctx) => {
  const o = options(block);
  const listVariableId = text(o, 'dynamicVariableId');
  return {
    id: block.id,
    type: 'choiceInput',
    options: compact({
      ...choiceOptions(block, o),
      dynamicItems: listVariableId === undefined ? undefined : { listVariableId },
    }),
    items: keptStaticItems(block, listVariableId !== undefined, ctx).map((item) =>
      compact({
        id: item.id,
        label: string(item, 'content') ?? '',
        value: text(item, 'value'),
        displayCondition: mapDisplayCondition(item, ctx.warn),
      }),
    ),
  };
};

function pictureDynamicItems(o: RawRecord, ctx: BlockMapContext) {
  const dynamic = record(o, 'dynamicItems');
  if (dynamic.isEnabled !== true) return undefined;
  const titlesVariableId = text(dynamic, 'titlesVariableId');
  const pictureUrlsVariableId = text(dynamic, 'pictureSrcsVariableId');
  if (titlesVariableId === undefined || pictureUrlsVariableId === undefined) {
    ctx.warn('dynamic items need both a titles and a pictures variable; they were dropped');
    return undefined;
  }
  return compact({
    titlesVariableId,
    pictureUrlsVariableId,
    descriptionsVariableId: text(dynamic, 'descriptionsVariableId'),
  });
}

export const mapPictureChoiceInput: BlockMapper = (block, ctx) => {
  const o = options(block);
  const dynamicItems = pictureDynamicItems(o, ctx);
  return {
    id: block.id,
    type: 'pictureChoiceInput',
    options: compact({
      ...choiceOptions(block, o),
      dynamicItems,
    }),
    items: keptStaticItems(block, dynamicItems !== undefined, ctx).map((item) =>
      compact({
        id: item.id,
        pictureUrl: string(item, 'pictureSrc') ?? '',
        title: string(item, 'title'),
        description: string(item, 'description'),
        value: text(item, 'value'),
        displayCondition: mapDisplayCondition(item, ctx.warn),
      }),
    ),
  };
};

export const mapFileInput: BlockMapper = (block) => {
  const o = options(block);
  const allowed = record(o, 'allowedFileTypes');
  return {
    id: block.id,
    type: 'fileInput',
    options: compact({
      ...inputOptions(block),
      required: boolean(o, 'isRequired'),
      multiple: boolean(o, 'isMultipleAllowed'),
      allowedTypes: allowed.isEnabled === true ? strings(allowed, 'types') : undefined,
      maxSizeMb: number(o, 'sizeLimit'),
    }),
  };
};
