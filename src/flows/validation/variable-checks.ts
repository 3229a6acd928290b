import { blockTemplates, blockVariableReferences, eventVariableReferences } from '../model/block-refs';
import { isContactReference, templateVariableNames } from '../model/template-refs';
import { error, warning, type FlowProblem } from './flow-problem';
import type { FlowIndex } from './flow-index';

/** Variable ids that name no variable (error) and `{{names}}` that name none (warning: prints empty). */
export function checkVariables(index: FlowIndex): FlowProblem[] {
  const unknownId = (variableId: string, at: Partial<FlowProblem>) =>
    index.variables.has(variableId)
      ? []
      : [error('variable.unknown', `variable id "${variableId}" does not exist`, at)];

  const fromBlocks = [...index.blocks.values()].flatMap(({ block, group, path }) => {
    const at = { blockId: block.id, groupId: group.id };
    const unknownNames = [...new Set(blockTemplates(block).flatMap(templateVariableNames))].filter(
      (name) => !index.variableNames.has(name) && !isContactReference(name),
    );
    return [
      ...blockVariableReferences(block).flatMap((r) => unknownId(r.variableId, { ...at, path: `${path}.${r.field}` })),
      ...unknownNames.map((name) =>
        warning('variable.unknown_name', `{{${name}}} names no variable and will print as empty text`, { ...at, path }),
      ),
    ];
  });
  const fromEvents = index.doc.events.flatMap((event, i) =>
    eventVariableReferences(event).flatMap((r) =>
      unknownId(r.variableId, { eventId: event.id, path: `events.${i}.${r.field}` }),
    ),
  );
  return [...fromBlocks, ...fromEvents];
}
