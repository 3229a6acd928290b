import type { Block } from '@/flows';
import { assertNever } from '../assert-never';
import type { Awaiting, AwaitingOptions } from '../engine-types';
import { renderOptional, renderTemplate } from '../templating';
import { isReplyBlock, type ParseEnv } from './input-types';
import { dateBounds } from './parse-date';
import { visibleChoices, visiblePictureChoices } from './visible-choices';

const defined = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** Type-specific options of the awaited input, with templates resolved and buttons listed. */
function awaitingOptions(block: Block, env: ParseEnv): AwaitingOptions | undefined {
  const r = (t: string | undefined) => renderOptional(t, env.scope);
  if (!isReplyBlock(block)) return undefined;
  switch (block.type) {
    case 'textInput': {
      const { multiline, minLength, maxLength } = block.options;
      return defined({ type: block.type, multiline, minLength, maxLength });
    }
    case 'numberInput': {
      const { min, max, step } = block.options;
      return defined({ type: block.type, min, max, step });
    }
    case 'emailInput':
    case 'urlInput':
      return { type: block.type };
    case 'phoneInput':
      return defined({ type: block.type, defaultCountryCode: block.options.defaultCountryCode });
    case 'dateInput': {
      const o = block.options;
      return defined({
        type: block.type,
        hasTime: o.hasTime,
        isRange: o.isRange,
        ...dateBounds(block, env),
        format: o.format,
        fromLabel: r(o.fromLabel),
        toLabel: r(o.toLabel),
        rangeSeparator: o.rangeSeparator,
      });
    }
    case 'timeInput': {
      const { format, min, max } = block.options;
      return defined({ type: block.type, format, min, max });
    }
    case 'ratingInput': {
      const o = block.options;
      return defined({
        type: block.type,
        length: o.length,
        startsAt: o.startsAt,
        style: o.style,
        leftLabel: r(o.leftLabel),
        rightLabel: r(o.rightLabel),
        oneClickSubmit: o.oneClickSubmit,
      });
    }
    case 'choiceInput':
      return {
        type: block.type,
        multiple: block.options.multiple,
        searchable: block.options.searchable,
        choices: visibleChoices(block, env).map(({ id, label }) => ({ id, label })),
      };
    case 'pictureChoiceInput':
      return {
        type: block.type,
        multiple: block.options.multiple,
        searchable: block.options.searchable,
        choices: visiblePictureChoices(block, env).map((c) =>
          defined({ id: c.id, pictureUrl: c.pictureUrl ?? '', title: c.label, description: c.description }),
        ),
      };
    case 'fileInput': {
      const { required, multiple, allowedTypes, maxSizeMb } = block.options;
      return defined({ type: block.type, required, multiple, allowedTypes, maxSizeMb });
    }
    case 'embed':
      return block.options.waitForEvent ? { type: 'embedEvent', name: block.options.waitForEvent.name } : undefined;
    default:
      return assertNever(block, 'reply block');
  }
}

export interface AwaitingPlace {
  groupId: string;
  isRetry: boolean;
  idleTimeoutSeconds?: number;
  outgoingEdgeId?: string;
}

/** What the bot waits for at `block`, or null when the block takes no reply. */
export function describeInput(block: Block, place: AwaitingPlace, env: ParseEnv): Awaiting | null {
  const options = awaitingOptions(block, env);
  if (!options) return null;
  const common =
    'retryMessage' in block.options
      ? {
          variableId: block.options.variableId,
          placeholder: renderOptional(block.options.placeholder, env.scope),
          buttonLabel: renderOptional(block.options.buttonLabel, env.scope),
          retryMessage: renderTemplate(block.options.retryMessage, env.scope),
        }
      : {};
  return defined({
    ...options,
    ...common,
    blockId: block.id,
    groupId: place.groupId,
    isRetry: place.isRetry,
    idleTimeoutSeconds: place.idleTimeoutSeconds,
    outgoingEdgeId: place.outgoingEdgeId,
  });
}
