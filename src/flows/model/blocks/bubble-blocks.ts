import { z } from 'zod';
import { optionalIdSchema, templateSchema } from '../primitives';
import { defineBlock, options } from './define-block';

/** Markdown text; `{{Variable name}}` is substituted (an inserted value is rendered as markdown too). */
export const textBlockSchema = defineBlock('text', options({ text: templateSchema }));

export const imageBlockSchema = defineBlock(
  'image',
  options({
    url: templateSchema.default(''),
    alt: templateSchema.optional(),
    clickLink: z.strictObject({ url: templateSchema, alt: templateSchema.optional() }).optional(),
  }),
);

export const VIDEO_PROVIDERS = ['url', 'youtube', 'vimeo', 'tiktok', 'gumlet'] as const;

export const videoBlockSchema = defineBlock(
  'video',
  options({
    url: templateSchema.default(''),
    provider: z.enum(VIDEO_PROVIDERS).default('url'),
    autoplay: z.boolean().default(false),
    showControls: z.boolean().default(true),
  }),
);

export const audioBlockSchema = defineBlock(
  'audio',
  options({ url: templateSchema.default(''), autoplay: z.boolean().default(true) }),
);

/**
 * An embedded page. With `waitForEvent` the flow pauses until the page posts a message with that
 * name; its data is saved in `saveDataInVariableId`.
 */
export const embedBlockSchema = defineBlock(
  'embed',
  options({
    url: templateSchema.default(''),
    heightPx: z.number().int().min(1).max(10_000).optional(),
    waitForEvent: z
      .strictObject({ name: z.string().min(1).max(200), saveDataInVariableId: optionalIdSchema })
      .optional(),
  }),
);
