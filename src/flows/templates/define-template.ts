import type { Edge, EdgeSource, FlowDocument, FlowDocumentInput } from '../model/flow-document';
import { flowDocumentSchema } from '../model/flow-document';

export const TEMPLATE_CATEGORIES = ['lead-generation', 'support', 'feedback'] as const;
export type TemplateCategory = (typeof TEMPLATE_CATEGORIES)[number];

export interface FlowTemplate {
  id: string;
  name: string;
  description: string;
  category: TemplateCategory;
  flow: FlowDocument;
}

/** Parses the template's flow once, filling in defaults (and failing fast on a typo). */
export function defineTemplate(template: Omit<FlowTemplate, 'flow'> & { flow: FlowDocumentInput }): FlowTemplate {
  return { ...template, flow: flowDocumentSchema.parse(template.flow) };
}

/** An edge from a block, an item (`[blockId, itemId]`) or an event (`{ eventId }`) to a group. */
export function edge(id: string, from: string | [string, string] | { eventId: string }, toGroupId: string): Edge {
  const source: EdgeSource =
    typeof from === 'string' ? { blockId: from } : Array.isArray(from) ? { blockId: from[0], itemId: from[1] } : from;
  return { id, from: source, to: { groupId: toGroupId } };
}
