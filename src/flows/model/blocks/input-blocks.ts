import { z } from 'zod';
import { conditionSchema } from '../conditions';
import { idSchema, optionalIdSchema, templateSchema } from '../primitives';
import { defineBlock, defineBlockWithItems, options } from './define-block';

/** The retry message sent when a reply fails validation (and no `invalidReply` event handles it). */
export const DEFAULT_RETRY_MESSAGE = 'Invalid message. Please, try again.';
export const DEFAULT_EMAIL_RETRY_MESSAGE = "This email doesn't seem to be valid. Can you type it again?";
export const DEFAULT_PHONE_RETRY_MESSAGE = "This phone number doesn't seem to be valid. Can you type it again?";
export const DEFAULT_URL_RETRY_MESSAGE = "This URL doesn't seem to be valid. Can you type it again?";

/** Every input saves a valid reply into `variableId` (when set) and re-asks with `retryMessage`. */
const inputShape = (retryMessage: string) => ({
  variableId: optionalIdSchema,
  retryMessage: templateSchema.default(retryMessage),
  placeholder: templateSchema.optional(),
  buttonLabel: templateSchema.optional(),
});

const lengthSchema = z.number().int().min(0).max(100_000);

/**
 * `pattern` is a JavaScript regular expression the reply must match (anchor it with `^…$` to
 * match the whole reply); `minLength`/`maxLength` count characters of the trimmed reply.
 */
export const textInputBlockSchema = defineBlock(
  'textInput',
  options({
    ...inputShape(DEFAULT_RETRY_MESSAGE),
    multiline: z.boolean().default(false),
    pattern: z.string().min(1).max(1_000).optional(),
    patternFlags: z
      .string()
      .regex(/^[dimsuv]*$/, 'allowed flags: d, i, m, s, u, v')
      .optional(),
    minLength: lengthSchema.optional(),
    maxLength: lengthSchema.optional(),
  }),
);

export const numberInputBlockSchema = defineBlock(
  'numberInput',
  options({
    ...inputShape(DEFAULT_RETRY_MESSAGE),
    min: z.number().optional(),
    max: z.number().optional(),
    step: z.number().positive().optional(),
  }),
);

export const emailInputBlockSchema = defineBlock('emailInput', options(inputShape(DEFAULT_EMAIL_RETRY_MESSAGE)));

/** A valid reply is stored in international (E.164) form; `defaultCountryCode` is ISO 3166-1 alpha-2. */
export const phoneInputBlockSchema = defineBlock(
  'phoneInput',
  options({
    ...inputShape(DEFAULT_PHONE_RETRY_MESSAGE),
    defaultCountryCode: z
      .string()
      .regex(/^[A-Z]{2}$/, 'expected an ISO 3166-1 alpha-2 country code such as "US"')
      .optional(),
  }),
);

export const urlInputBlockSchema = defineBlock('urlInput', options(inputShape(DEFAULT_URL_RETRY_MESSAGE)));

/**
 * `min`/`max` are ISO 8601 dates (`2025-01-31`, or date-times when `hasTime`) or a `{{variable}}`.
 * A range reply is stored as "<from><rangeSeparator><to>".
 */
export const dateInputBlockSchema = defineBlock(
  'dateInput',
  options({
    ...inputShape(DEFAULT_RETRY_MESSAGE),
    hasTime: z.boolean().default(false),
    isRange: z.boolean().default(false),
    min: templateSchema.optional(),
    max: templateSchema.optional(),
    format: z.string().max(100).optional(),
    fromLabel: templateSchema.optional(),
    toLabel: templateSchema.optional(),
    rangeSeparator: z.string().max(20).default(' to '),
  }),
);

/** `min`/`max` are `HH:mm` times. */
export const timeInputBlockSchema = defineBlock(
  'timeInput',
  options({
    ...inputShape(DEFAULT_RETRY_MESSAGE),
    format: z.string().max(100).default('HH:mm'),
    min: z.string().max(20).optional(),
    max: z.string().max(20).optional(),
  }),
);

/** Accepts a whole number from `startsAt` to `startsAt + length - 1`. */
export const ratingInputBlockSchema = defineBlock(
  'ratingInput',
  options({
    ...inputShape(DEFAULT_RETRY_MESSAGE),
    length: z.number().int().min(2).max(100).default(10),
    startsAt: z.number().int().min(0).max(100).default(0),
    style: z.enum(['numbers', 'icons']).default('numbers'),
    leftLabel: templateSchema.optional(),
    rightLabel: templateSchema.optional(),
    oneClickSubmit: z.boolean().default(false),
  }),
);

/** An item is shown only when its `displayCondition` (if any) is true. */
export const choiceItemSchema = z.strictObject({
  id: idSchema,
  label: templateSchema,
  /** Saved instead of the label when set. */
  value: templateSchema.optional(),
  displayCondition: conditionSchema.optional(),
});

/**
 * Buttons are the static `items` whose display condition holds, then one button per element of
 * the list variable `dynamicItems.listVariableId`. A single-select reply leaves through the chosen
 * item's exit (or the block's exit); a multi-select reply saves the labels joined by ", " and
 * leaves through the block's exit.
 */
export const choiceInputBlockSchema = defineBlockWithItems(
  'choiceInput',
  options({
    ...inputShape(DEFAULT_RETRY_MESSAGE),
    multiple: z.boolean().default(false),
    searchable: z.boolean().default(false),
    dynamicItems: z.strictObject({ listVariableId: idSchema }).optional(),
  }),
  z.array(choiceItemSchema).default([]),
);

export const pictureChoiceItemSchema = z.strictObject({
  id: idSchema,
  pictureUrl: templateSchema,
  title: templateSchema.optional(),
  description: templateSchema.optional(),
  value: templateSchema.optional(),
  displayCondition: conditionSchema.optional(),
});

export const pictureChoiceInputBlockSchema = defineBlockWithItems(
  'pictureChoiceInput',
  options({
    ...inputShape(DEFAULT_RETRY_MESSAGE),
    multiple: z.boolean().default(false),
    searchable: z.boolean().default(false),
    dynamicItems: z
      .strictObject({
        titlesVariableId: idSchema,
        pictureUrlsVariableId: idSchema,
        descriptionsVariableId: optionalIdSchema,
      })
      .optional(),
  }),
  z.array(pictureChoiceItemSchema).default([]),
);

/**
 * Saves the uploaded file URL(s). `allowedTypes` holds MIME types (`image/png`, `image/*`) or
 * extensions (`.pdf`); empty allows any type.
 */
export const fileInputBlockSchema = defineBlock(
  'fileInput',
  options({
    ...inputShape(DEFAULT_RETRY_MESSAGE),
    required: z.boolean().default(true),
    multiple: z.boolean().default(false),
    allowedTypes: z.array(z.string().min(1).max(200)).default([]),
    maxSizeMb: z.number().positive().max(1_000).optional(),
  }),
);
