import type { SetVariableOperationInput, SystemValue } from '../model/blocks/logic-blocks';
import { isSingleVariableReference } from '../model/template-refs';
import { CannotMap, type BlockMapContext, type BlockMapper } from './block-mapping';
import { mapCondition } from './map-conditions';
import { boolean, compact, number, record, string, text, type RawRecord } from './source-readers';
import { isPreV6, type TypebotBlock } from './typebot-source';

const options = (block: TypebotBlock): RawRecord => block.options ?? {};

export const mapConditionBlock: BlockMapper = (block, ctx) => ({
  id: block.id,
  type: 'condition',
  items: (block.items ?? []).map((item) => ({
    id: item.id,
    condition: mapCondition(record(item, 'content'), ctx.warn),
  })),
});

/** Typebot "Set variable" types whose value the engine knows, and Parley's names for them. */
const SYSTEM_TYPES: Record<string, SystemValue> = {
  'Environment name': 'channel',
  'Device type': 'deviceType',
  Transcript: 'transcript',
  'User ID': 'userId',
  'Result ID': 'resultId',
  Now: 'now',
  Today: 'today',
  Yesterday: 'yesterday',
  Tomorrow: 'tomorrow',
  'Random ID': 'randomId',
  'Moment of the day': 'momentOfTheDay',
  'Phone number': 'contactPhone',
  'Contact name': 'contactName',
};

/** Code with statements (not a single expression) cannot run in the safe expression evaluator. */
const STATEMENT_SYNTAX = /\breturn\b|;|\bfunction\b|=>|\bawait\b|\b(const|let|var)\s|setVariable\s*\(/;

function customExpression(o: RawRecord, ctx: BlockMapContext): SetVariableOperationInput {
  const expression = string(o, 'expressionToEvaluate') ?? '';
  if (boolean(o, 'isCode') === true && !isSingleVariableReference(expression)) {
    if (STATEMENT_SYNTAX.test(expression)) throw new CannotMap('runs JavaScript code, which Parley never executes');
    ctx.warn(`the JavaScript expression "${expression}" is now a Parley expression; check that it still evaluates`);
  }
  return { kind: 'expression', expression };
}

function itemAtSameIndex(o: RawRecord): SetVariableOperationInput {
  const params = record(o, 'mapListItemParams');
  const [itemVariableId, listVariableId, targetListVariableId] = [
    text(params, 'baseItemVariableId'),
    text(params, 'baseListVariableId'),
    text(params, 'targetListVariableId'),
  ];
  if (itemVariableId === undefined || listVariableId === undefined || targetListVariableId === undefined) {
    throw new CannotMap('"Map item with same index" needs an item, a list and a target list variable');
  }
  return { kind: 'itemAtSameIndex', itemVariableId, listVariableId, targetListVariableId };
}

function setVariableOperation(o: RawRecord, ctx: BlockMapContext): SetVariableOperationInput {
  const type = string(o, 'type') ?? 'Custom';
  switch (type) {
    case 'Custom':
      return customExpression(o, ctx);
    case 'Empty':
      return { kind: 'clear' };
    case 'Append value(s)':
      return { kind: 'append', expression: string(o, 'item') ?? '' };
    case 'Pop':
    case 'Shift':
      return compact({ kind: type === 'Pop' ? 'pop' : 'shift', saveItemInVariableId: text(o, 'saveItemInVariableId') });
    case 'Map item with same index':
      return itemAtSameIndex(o);
  }
  const value = SYSTEM_TYPES[type];
  if (value === undefined) throw new CannotMap(`the "${type}" value is not supported`);
  return compact({ kind: 'system', value, timeZone: text(o, 'timeZone') });
}

export const mapSetVariable: BlockMapper = (block, ctx) => {
  const o = options(block);
  if (boolean(o, 'isExecutedOnClient') === true) ctx.warn('Parley evaluates it on the server, not in the browser');
  if (text(o, 'saveErrorInVariableId') !== undefined)
    ctx.warn('saving evaluation errors in a variable is not supported');
  return {
    id: block.id,
    type: 'setVariable',
    options: compact({ variableId: text(o, 'variableId'), operation: setVariableOperation(o, ctx) }),
  };
};

export const mapRedirect: BlockMapper = (block) => ({
  id: block.id,
  type: 'redirect',
  options: compact({ url: string(options(block), 'url') ?? '', newTab: boolean(options(block), 'isNewTab') }),
});

export const mapJump: BlockMapper = (block) => {
  const groupId = text(options(block), 'groupId');
  if (groupId?.includes('{{'))
    throw new CannotMap('jumps to a group named by a variable, which Parley does not support');
  return { id: block.id, type: 'jump', options: compact({ groupId, blockId: text(options(block), 'blockId') }) };
};

export const mapReturn: BlockMapper = (block) => ({ id: block.id, type: 'return' });

export const mapWait: BlockMapper = (block, ctx) => {
  const o = options(block);
  const seconds = number(o, 'secondsToWaitFor');
  if (seconds === undefined && text(o, 'secondsToWaitFor') !== undefined) {
    throw new CannotMap('waits for a number of seconds read from a variable, which Parley does not support');
  }
  if (boolean(o, 'shouldPause') === true) ctx.warn('pausing until the next client message is not supported');
  return { id: block.id, type: 'wait', options: compact({ seconds }) };
};

/** The A/B items, by their `path` when present, else in order. */
export const mapAbTest: BlockMapper = (block) => ({
  id: block.id,
  type: 'abSplit',
  options: compact({ aPercent: number(options(block), 'aPercent') }),
  items: (block.items ?? []).map((item, i) => ({
    id: item.id,
    path: item.path === 'a' || item.path === 'b' ? item.path : i === 0 ? ('a' as const) : ('b' as const),
  })),
});

/**
 * "current" (or the bot's own id) is a jump inside this flow. Another bot becomes a `linkBot`
 * whose public id must then name a Parley chatbot. Older bots merge results unless told not to.
 */
export const mapTypebotLink: BlockMapper = (block, ctx) => {
  const o = options(block);
  const typebotId = text(o, 'typebotId');
  const groupId = text(o, 'groupId');
  if (typebotId === 'current' || (typebotId !== undefined && typebotId === ctx.typebotId)) {
    if (groupId === undefined) throw new CannotMap('links to the start of the same bot, which Parley does not support');
    return { id: block.id, type: 'jump', options: { groupId } };
  }
  if (typebotId !== undefined)
    ctx.warn(`links to Typebot bot "${typebotId}": import that bot and set its public id here`);
  return {
    id: block.id,
    type: 'linkBot',
    options: compact({
      chatbotPublicId: typebotId ?? '',
      groupId,
      mergeVariables: boolean(o, 'mergeResults') ?? isPreV6(ctx.version),
    }),
  };
};
