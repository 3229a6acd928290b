import type { Block, BlockOf } from '../model/block';
import { REGEX_OPERATORS, type Condition } from '../model/conditions';
import type { BlockProblem } from './flow-problem';
import { hasNestedUnboundedRepeat, parseRegexLiteral, regexSyntaxError, type RegexSpec } from './regex-safety';

const missing = (field: string, message: string): BlockProblem => ({
  code: 'option.missing',
  severity: 'error',
  message,
  field,
});

const invalidRange = (field: string, message: string): BlockProblem => ({
  code: 'option.invalid_range',
  severity: 'error',
  message,
  field,
});

const isBlank = (value: string | undefined): boolean => value === undefined || value.trim() === '';

const requireText = (value: string | undefined, field: string, message: string): BlockProblem[] =>
  isBlank(value) ? [missing(field, message)] : [];

function checkRange(min: number | undefined, max: number | undefined, what: string): BlockProblem[] {
  return min !== undefined && max !== undefined && min > max
    ? [invalidRange('options.min', `${what}: min (${min}) is greater than max (${max})`)]
    : [];
}

/** Parses an ISO date (or date-time) or `HH:mm`; templates and other text give undefined. */
function comparableTime(value: string | undefined): number | undefined {
  if (value === undefined || value.includes('{{')) return undefined;
  const time = /^(\d{2}):(\d{2})$/.exec(value);
  if (time) return Number(time[1]) * 60 + Number(time[2]);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

function checkTimeRange(min: string | undefined, max: string | undefined, what: string): BlockProblem[] {
  const [from, to] = [comparableTime(min), comparableTime(max)];
  return from !== undefined && to !== undefined && from > to
    ? [invalidRange('options.min', `${what}: min (${min}) is after max (${max})`)]
    : [];
}

/** Problems of one regular expression: invalid syntax (error) or backtracking risk (warning). */
export function regexProblems(spec: RegexSpec, field: string): BlockProblem[] {
  const syntaxError = regexSyntaxError(spec);
  if (syntaxError !== undefined) {
    return [{ code: 'regex.invalid', severity: 'error', message: `invalid regular expression: ${syntaxError}`, field }];
  }
  return hasNestedUnboundedRepeat(spec.source)
    ? [
        {
          code: 'regex.backtracking',
          severity: 'warning',
          message: `/${spec.source}/ nests unbounded repeats and can take exponential time on some replies`,
          field,
        },
      ]
    : [];
}

function conditionRegexProblems(condition: Condition | undefined, field: string): BlockProblem[] {
  return (condition?.comparisons ?? []).flatMap((c, i) =>
    REGEX_OPERATORS.includes(c.operator) && c.value !== undefined && !c.value.includes('{{')
      ? regexProblems(parseRegexLiteral(c.value), `${field}.comparisons.${i}.value`)
      : [],
  );
}

function textInputProblems(block: BlockOf<'textInput'>): BlockProblem[] {
  const { minLength, maxLength, pattern, patternFlags } = block.options;
  return [
    ...(minLength !== undefined && maxLength !== undefined && minLength > maxLength
      ? [invalidRange('options.minLength', `minLength (${minLength}) is greater than maxLength (${maxLength})`)]
      : []),
    ...(pattern === undefined ? [] : regexProblems({ source: pattern, flags: patternFlags ?? '' }, 'options.pattern')),
  ];
}

function choiceProblems(block: BlockOf<'choiceInput'>): BlockProblem[] {
  return [
    ...(block.items.length === 0 && !block.options.dynamicItems
      ? [missing('items', 'a choice needs at least one item or a list variable to build its buttons from')]
      : []),
    ...block.items.flatMap((item, i) => [
      ...requireText(item.label, `items.${i}.label`, `choice item ${i + 1} has no label`),
      ...conditionRegexProblems(item.displayCondition, `items.${i}.displayCondition`),
    ]),
  ];
}

function pictureChoiceProblems(block: BlockOf<'pictureChoiceInput'>): BlockProblem[] {
  return [
    ...(block.items.length === 0 && !block.options.dynamicItems
      ? [missing('items', 'a picture choice needs at least one item or list variables to build its items from')]
      : []),
    ...block.items.flatMap((item, i) => [
      ...requireText(item.pictureUrl, `items.${i}.pictureUrl`, `picture item ${i + 1} has no picture URL`),
      ...conditionRegexProblems(item.displayCondition, `items.${i}.displayCondition`),
    ]),
  ];
}

function conditionProblems(block: BlockOf<'condition'>): BlockProblem[] {
  return [
    ...(block.items.length === 0 ? [missing('items', 'a condition needs at least one branch')] : []),
    ...block.items.flatMap((item, i): BlockProblem[] => [
      ...(item.condition.comparisons.length === 0
        ? [
            {
              code: 'condition.never_true',
              severity: 'warning',
              message: `branch ${i + 1} has no comparisons and is never taken`,
              field: `items.${i}.condition`,
            } satisfies BlockProblem,
          ]
        : []),
      ...conditionRegexProblems(item.condition, `items.${i}.condition`),
    ]),
  ];
}

function setVariableProblems(block: BlockOf<'setVariable'>): BlockProblem[] {
  const { variableId, operation } = block.options;
  return [
    ...(variableId === undefined ? [missing('options.variableId', 'choose the variable to set')] : []),
    ...('expression' in operation
      ? requireText(operation.expression, 'options.operation.expression', 'the expression is empty')
      : []),
  ];
}

function httpRequestProblems(block: BlockOf<'httpRequest'>): BlockProblem[] {
  return [
    ...requireText(block.options.url, 'options.url', 'the HTTP request has no URL'),
    ...block.options.responseMapping.flatMap((m, i) =>
      requireText(m.path, `options.responseMapping.${i}.path`, `response mapping ${i + 1} has no path`),
    ),
  ];
}

/**
 * What a block lacks or gets wrong in its own options: required settings left empty, impossible
 * ranges, invalid regular expressions, and blocks Parley cannot run. Pure and local to the block,
 * so the importer uses it too.
 */
export function blockOptionProblems(block: Block): BlockProblem[] {
  switch (block.type) {
    case 'text':
    case 'emailInput':
    case 'phoneInput':
    case 'urlInput':
    case 'ratingInput':
    case 'fileInput':
    case 'return':
    case 'wait':
    case 'abSplit':
    case 'handoff':
    case 'end':
      return [];
    case 'image':
    case 'video':
    case 'audio':
    case 'embed':
      return requireText(block.options.url, 'options.url', `the ${block.type} has no URL`);
    case 'redirect':
      return requireText(block.options.url, 'options.url', 'the redirect has no URL');
    case 'textInput':
      return textInputProblems(block);
    case 'numberInput':
      return checkRange(block.options.min, block.options.max, 'number input');
    case 'dateInput':
      return checkTimeRange(block.options.min, block.options.max, 'date input');
    case 'timeInput':
      return checkTimeRange(block.options.min, block.options.max, 'time input');
    case 'choiceInput':
      return choiceProblems(block);
    case 'pictureChoiceInput':
      return pictureChoiceProblems(block);
    case 'condition':
      return conditionProblems(block);
    case 'setVariable':
      return setVariableProblems(block);
    case 'jump':
      return block.options.groupId === undefined ? [missing('options.groupId', 'choose the group to jump to')] : [];
    case 'linkBot':
      return requireText(block.options.chatbotPublicId, 'options.chatbotPublicId', 'choose the chatbot to link to');
    case 'httpRequest':
      return httpRequestProblems(block);
    case 'openAiChat':
      return block.options.messages.length === 0 ? [missing('options.messages', 'the completion has no messages')] : [];
    case 'openAiTranscription':
      return [
        ...requireText(block.options.url, 'options.url', 'give the URL of the audio to transcribe'),
        ...(block.options.variableId === undefined
          ? [missing('options.variableId', 'choose the variable that receives the text')]
          : []),
      ];
    case 'openAiSpeech':
      return [
        ...requireText(block.options.input, 'options.input', 'give the text to speak'),
        ...(!block.options.sendAudio && block.options.urlVariableId === undefined
          ? [missing('options.urlVariableId', 'send the audio, or choose a variable for its link')]
          : []),
      ];
    case 'sendEmail':
      return [
        ...(block.options.to.length === 0 ? [missing('options.to', 'the email has no recipient')] : []),
        ...requireText(block.options.subject, 'options.subject', 'the email has no subject'),
      ];
    case 'updateContact':
      return [
        ...(block.options.fields.length === 0 ? [missing('options.fields', 'choose the contact fields to set')] : []),
        ...block.options.fields.flatMap((f, i) =>
          f.field === 'attribute' && !f.attributeKey?.trim()
            ? [missing(`options.fields.${i}.attributeKey`, 'choose the contact attribute to set')]
            : [],
        ),
      ];
    case 'unsupported':
      return [
        {
          code: 'block.unsupported',
          severity: 'error',
          message: `"${block.options.originalType}" blocks cannot run in Parley: ${block.options.reason}`,
        },
      ];
  }
}
