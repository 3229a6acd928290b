import type { Block, BlockOf } from './block';
import type { Condition } from './conditions';
import type { FlowEvent } from './events';

/** A variable id a block or event refers to, with the option that holds it. */
export interface VariableReference {
  variableId: string;
  field: string;
}

const ref = (variableId: string | undefined, field: string): VariableReference[] =>
  variableId === undefined ? [] : [{ variableId, field }];

function conditionReferences(condition: Condition | undefined, field: string): VariableReference[] {
  return (condition?.comparisons ?? []).map((c, i) => ({
    variableId: c.variableId,
    field: `${field}.comparisons.${i}`,
  }));
}

function setVariableReferences(block: BlockOf<'setVariable'>): VariableReference[] {
  const { variableId, operation } = block.options;
  const own = ref(variableId, 'options.variableId');
  switch (operation.kind) {
    case 'pop':
    case 'shift':
      return [...own, ...ref(operation.saveItemInVariableId, 'options.operation.saveItemInVariableId')];
    case 'itemAtSameIndex':
      return [
        ...own,
        ...ref(operation.itemVariableId, 'options.operation.itemVariableId'),
        ...ref(operation.listVariableId, 'options.operation.listVariableId'),
        ...ref(operation.targetListVariableId, 'options.operation.targetListVariableId'),
      ];
    case 'expression':
    case 'append':
    case 'clear':
    case 'system':
      return own;
  }
}

/** Every variable id a block refers to. */
export function blockVariableReferences(block: Block): VariableReference[] {
  switch (block.type) {
    case 'text':
    case 'image':
    case 'video':
    case 'audio':
    case 'jump':
    case 'return':
    case 'wait':
    case 'redirect':
    case 'abSplit':
    case 'linkBot':
    case 'sendEmail':
    case 'updateContact':
    case 'handoff':
    case 'end':
    case 'unsupported':
      return [];
    case 'embed':
      return ref(block.options.waitForEvent?.saveDataInVariableId, 'options.waitForEvent.saveDataInVariableId');
    case 'textInput':
    case 'numberInput':
    case 'emailInput':
    case 'phoneInput':
    case 'urlInput':
    case 'dateInput':
    case 'timeInput':
    case 'ratingInput':
    case 'fileInput':
      return ref(block.options.variableId, 'options.variableId');
    case 'choiceInput':
      return [
        ...ref(block.options.variableId, 'options.variableId'),
        ...ref(block.options.dynamicItems?.listVariableId, 'options.dynamicItems.listVariableId'),
        ...block.items.flatMap((item, i) => conditionReferences(item.displayCondition, `items.${i}.displayCondition`)),
      ];
    case 'pictureChoiceInput': {
      const dynamic = block.options.dynamicItems;
      return [
        ...ref(block.options.variableId, 'options.variableId'),
        ...ref(dynamic?.titlesVariableId, 'options.dynamicItems.titlesVariableId'),
        ...ref(dynamic?.pictureUrlsVariableId, 'options.dynamicItems.pictureUrlsVariableId'),
        ...ref(dynamic?.descriptionsVariableId, 'options.dynamicItems.descriptionsVariableId'),
        ...block.items.flatMap((item, i) => conditionReferences(item.displayCondition, `items.${i}.displayCondition`)),
      ];
    }
    case 'condition':
      return block.items.flatMap((item, i) => conditionReferences(item.condition, `items.${i}.condition`));
    case 'setVariable':
      return setVariableReferences(block);
    case 'httpRequest':
      return block.options.responseMapping.map((m, i) => ({
        variableId: m.variableId,
        field: `options.responseMapping.${i}.variableId`,
      }));
    case 'openAiChat':
      return [
        ...block.options.messages.flatMap((m, i) =>
          m.role === 'dialogue' ? ref(m.variableId, `options.messages.${i}.variableId`) : [],
        ),
        ...block.options.responseMapping.map((m, i) => ({
          variableId: m.variableId,
          field: `options.responseMapping.${i}.variableId`,
        })),
      ];
    case 'openAiTranscription':
      return ref(block.options.variableId, 'options.variableId');
    case 'openAiSpeech':
      return ref(block.options.urlVariableId, 'options.urlVariableId');
  }
}

/** Every variable id an event refers to. */
export function eventVariableReferences(event: FlowEvent): VariableReference[] {
  switch (event.type) {
    case 'reply':
    case 'invalidReply':
      return [
        ...ref(event.contentVariableId, 'contentVariableId'),
        ...ref(event.inputNameVariableId, 'inputNameVariableId'),
        ...ref(event.inputTypeVariableId, 'inputTypeVariableId'),
      ];
    case 'start':
    case 'command':
    case 'idle':
      return [];
  }
}

const present = (values: (string | undefined)[]): string[] => values.filter((v): v is string => v !== undefined);

const conditionTemplates = (condition: Condition | undefined): string[] =>
  present((condition?.comparisons ?? []).map((c) => c.value));

const inputTemplates = (options: { retryMessage: string; placeholder?: string; buttonLabel?: string }) =>
  present([options.retryMessage, options.placeholder, options.buttonLabel]);

/** Every template (text in which `{{name}}` is substituted) a block holds. */
export function blockTemplates(block: Block): string[] {
  switch (block.type) {
    case 'text':
      return [block.options.text];
    case 'image':
      return present([block.options.url, block.options.alt, block.options.clickLink?.url]);
    case 'video':
    case 'audio':
    case 'embed':
    case 'redirect':
      return [block.options.url];
    case 'textInput':
    case 'numberInput':
    case 'emailInput':
    case 'phoneInput':
    case 'urlInput':
    case 'timeInput':
    case 'fileInput':
      return inputTemplates(block.options);
    case 'dateInput':
      return [
        ...inputTemplates(block.options),
        ...present([block.options.min, block.options.max, block.options.fromLabel, block.options.toLabel]),
      ];
    case 'ratingInput':
      return [...inputTemplates(block.options), ...present([block.options.leftLabel, block.options.rightLabel])];
    case 'choiceInput':
      return [
        ...inputTemplates(block.options),
        ...block.items.flatMap((item) => [
          item.label,
          ...present([item.value]),
          ...conditionTemplates(item.displayCondition),
        ]),
      ];
    case 'pictureChoiceInput':
      return [
        ...inputTemplates(block.options),
        ...block.items.flatMap((item) => [
          item.pictureUrl,
          ...present([item.title, item.description, item.value]),
          ...conditionTemplates(item.displayCondition),
        ]),
      ];
    case 'condition':
      return block.items.flatMap((item) => conditionTemplates(item.condition));
    case 'setVariable':
      return 'expression' in block.options.operation ? [block.options.operation.expression] : [];
    case 'httpRequest': {
      const { url, headers, query, body } = block.options;
      return [url, ...headers.map((h) => h.value), ...query.map((q) => q.value), ...present([body])];
    }
    case 'openAiChat':
      return block.options.messages.flatMap((m) => (m.role === 'dialogue' ? [] : [m.content]));
    case 'openAiTranscription':
      return [block.options.url];
    case 'openAiSpeech':
      return [block.options.input];
    case 'sendEmail': {
      const { to, cc, bcc, replyTo, subject, body } = block.options;
      return [...to, ...cc, ...bcc, ...present([replyTo]), subject, body];
    }
    case 'updateContact':
      return block.options.fields.map((f) => f.value);
    case 'handoff':
      return present([block.options.message]);
    case 'jump':
    case 'return':
    case 'wait':
    case 'abSplit':
    case 'linkBot':
    case 'end':
    case 'unsupported':
      return [];
  }
}

function setVariableListIds(block: BlockOf<'setVariable'>): string[] {
  const { variableId, operation } = block.options;
  switch (operation.kind) {
    case 'append':
    case 'pop':
    case 'shift':
      return present([variableId]);
    case 'itemAtSameIndex':
      return [operation.listVariableId, operation.targetListVariableId];
    case 'expression':
    case 'clear':
    case 'system':
      return [];
  }
}

/** Variable ids a block uses as lists (buttons built from them, appended to, indexed into). */
export function blockListVariableIds(block: Block): string[] {
  if (block.type === 'choiceInput') return present([block.options.dynamicItems?.listVariableId]);
  if (block.type === 'pictureChoiceInput') {
    const dynamic = block.options.dynamicItems;
    return present([dynamic?.titlesVariableId, dynamic?.pictureUrlsVariableId, dynamic?.descriptionsVariableId]);
  }
  if (block.type === 'setVariable') return setVariableListIds(block);
  if (block.type === 'openAiChat')
    return block.options.messages.flatMap((m) => (m.role === 'dialogue' ? [m.variableId] : []));
  return [];
}
