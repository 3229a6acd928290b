import { blockItemIds } from '../model/block';
import { REGEX_OPERATORS } from '../model/conditions';
import type { FlowEvent } from '../model/events';
import { regexProblems } from './block-option-problems';
import type { FlowIndex } from './flow-index';
import { error, warning, type FlowProblem } from './flow-problem';
import { parseRegexLiteral } from './regex-safety';

export function checkStartEvent({ doc }: FlowIndex): FlowProblem[] {
  const starts = doc.events.filter((e) => e.type === 'start');
  if (starts.length === 0) return [error('start.missing', 'the flow has no start event', { path: 'events' })];
  return starts
    .slice(1)
    .map((e) => error('start.multiple', 'a flow has exactly one start event', { eventId: e.id, path: 'events' }));
}

function duplicates(ids: string[]): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const id of ids) (seen.has(id) ? repeated : seen).add(id);
  return [...repeated];
}

/** Ids are unique per kind (groups, blocks, items, events, edges, variables); variable names too. */
export function checkUniqueIds({ doc }: FlowIndex): FlowProblem[] {
  const blocks = doc.groups.flatMap((g) => g.blocks);
  const kinds: [string, string[]][] = [
    ['group', doc.groups.map((g) => g.id)],
    ['block', blocks.map((b) => b.id)],
    ['item', blocks.flatMap(blockItemIds)],
    ['event', doc.events.map((e) => e.id)],
    ['edge', doc.edges.map((e) => e.id)],
    ['variable', doc.variables.map((v) => v.id)],
  ];
  return [
    ...kinds.flatMap(([kind, ids]) =>
      duplicates(ids).map((id) => error('id.duplicate', `${kind} id "${id}" is used more than once`)),
    ),
    ...duplicates(doc.variables.map((v) => v.name)).map((name) =>
      error('variable.duplicate_name', `more than one variable is named "${name}"`, { path: 'variables' }),
    ),
  ];
}

/** A reply event's filter pattern, when it is a literal regular expression. */
function replyFilterRegex(event: FlowEvent): string | undefined {
  if (event.type !== 'reply' || !event.filter || !REGEX_OPERATORS.includes(event.filter.operator)) return undefined;
  const value = event.filter.value;
  return value === undefined || value.includes('{{') ? undefined : value;
}

/** Events need an outgoing edge; commands are unique; reply filters hold valid patterns. */
export function checkEvents({ doc }: FlowIndex): FlowProblem[] {
  const withEdge = new Set(doc.edges.flatMap((e) => ('eventId' in e.from ? [e.from.eventId] : [])));
  const commands = duplicates(doc.events.flatMap((e) => (e.type === 'command' ? [e.command] : [])));
  return [
    ...doc.events.flatMap((event, i) => {
      if (withEdge.has(event.id)) return [];
      const at = { eventId: event.id, path: `events.${i}` };
      return event.type === 'start'
        ? [error('event.no_edge', 'the start event is not connected to a group', at)]
        : [warning('event.no_edge', `the ${event.type} event is not connected to a group and does nothing`, at)];
    }),
    ...commands.map((command) =>
      error('event.duplicate_command', `more than one command event handles "${command}"`, { path: 'events' }),
    ),
    ...doc.events.flatMap((event, i) => {
      const pattern = replyFilterRegex(event);
      if (pattern === undefined) return [];
      return regexProblems(parseRegexLiteral(pattern), 'filter.value').map(({ field: _field, ...problem }) => ({
        ...problem,
        eventId: event.id,
        path: `events.${i}.filter.value`,
      }));
    }),
  ];
}
