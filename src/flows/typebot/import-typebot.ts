import { v7 as uuidv7 } from 'uuid';
import type { Block } from '../model/block';
import { blockListVariableIds, blockVariableReferences, eventVariableReferences } from '../model/block-refs';
import { zodFieldErrors, type FieldError } from '../model/field-errors';
import { FLOW_SCHEMA_VERSION, flowDocumentSchema, type FlowDocument, type Group } from '../model/flow-document';
import { blockOptionProblems } from '../validation/block-option-problems';
import type { BlockMapContext } from './block-mapping';
import { linkEdges } from './link-edges';
import { mapBlock } from './map-blocks';
import { mapEvents } from './map-events';
import { declareUndeclaredVariables, mapVariables, type UndeclaredVariable } from './map-variables';
import { normalizeToV6, type TypebotV6 } from './normalize-to-v6';
import { isRecord } from './source-readers';
import {
  TYPEBOT_VERSIONS,
  typebotDocumentSchema,
  typebotEdgeSchema,
  typebotVersion,
  type TypebotDocument,
  type TypebotEdge,
  type TypebotVersion,
} from './typebot-source';

export interface NotRunnableBlock {
  blockId: string;
  /** The Typebot block type. */
  type: string;
  reason: string;
}

export interface TypebotImportReport {
  /** Blocks in the imported flow: every block of the export except the v3–v5 start block. */
  blocksImported: number;
  /** Blocks that must be replaced or completed before the flow can be published. */
  notRunnable: NotRunnableBlock[];
  /**
   * Variable ids blocks or events use that the export does not declare (Typebot runs them as empty
   * variables): Parley declared them, named after their id.
   */
  undeclaredVariables: UndeclaredVariable[];
  warnings: string[];
}

export type TypebotImportResult =
  { ok: true; name: string; flow: FlowDocument; report: TypebotImportReport } | { ok: false; errors: FieldError[] };

export interface TypebotImportOptions {
  /** Ids for what the importer creates (a missing start event or edge). Defaults to UUIDv7. */
  newId?: () => string;
}

const fail = (field: string, message: string): TypebotImportResult => ({ ok: false, errors: [{ field, message }] });

/** Says what is wrong when the input is not a Typebot export this importer reads. */
function rejectNonTypebot(json: unknown): TypebotImportResult | undefined {
  if (!isRecord(json))
    return fail('(root)', 'expected a Typebot export: a JSON object with groups, edges and variables');
  if (json.format === 'parley.flow') return fail('format', 'this is a Parley export, not a Typebot export');
  if (!('groups' in json) && Array.isArray(json.blocks)) {
    return fail('blocks', 'this export is from before mid-2022 (blocks of steps); Typebot no longer reads it either');
  }
  if (!Array.isArray(json.groups)) return fail('groups', 'not a Typebot export: there is no groups array');
  return undefined;
}

function parseEdges(raw: unknown[] | null | undefined, warn: (message: string) => void): TypebotEdge[] {
  return (raw ?? []).flatMap((edge, i) => {
    const parsed = typebotEdgeSchema.safeParse(edge);
    if (!parsed.success) warn(`edge ${i + 1} is malformed and was dropped`);
    return parsed.success ? [parsed.data] : [];
  });
}

function mapGroups(v6: TypebotV6, ctx: Omit<BlockMapContext, 'warn'>, warnings: string[]): Group[] {
  return v6.groups.map((group) => ({
    id: group.id,
    title: group.title ?? '',
    ...(group.graphCoordinates ? { position: { x: group.graphCoordinates.x, y: group.graphCoordinates.y } } : {}),
    blocks: group.blocks.map((block) =>
      mapBlock(block, { ...ctx, warn: (message) => warnings.push(`block "${block.id}" (${block.type}): ${message}`) }),
    ),
  }));
}

function notRunnableBlocks(groups: Group[], sourceTypes: Map<string, string>): NotRunnableBlock[] {
  return groups
    .flatMap((g) => g.blocks)
    .flatMap((block: Block) => {
      const errors = blockOptionProblems(block).filter((p) => p.severity === 'error');
      return errors.length === 0
        ? []
        : [
            {
              blockId: block.id,
              type: sourceTypes.get(block.id) ?? block.type,
              reason: errors.map((e) => e.message).join('; '),
            },
          ];
    });
}

function convert(doc: TypebotDocument, version: TypebotVersion, newId: () => string): TypebotImportResult {
  const warnings: string[] = [];
  const warn = (message: string) => warnings.push(message);
  const v6 = normalizeToV6(doc, parseEdges(doc.edges, warn), { warn, newId });
  const events = mapEvents(v6.events, warn);
  const keptEvents = v6.events.filter((e) => events.some((kept) => kept.id === e.id));
  const sourceVariables = doc.variables ?? [];
  const groups = mapGroups(v6, { version, typebotId: doc.id ?? undefined, variables: sourceVariables }, warnings);
  const listVariableIds = new Set(groups.flatMap((g) => g.blocks.flatMap(blockListVariableIds)));
  const references = [
    ...groups.flatMap((g) =>
      g.blocks.flatMap((block) => blockVariableReferences(block).map((r) => ({ ...r, usedBy: block.id }))),
    ),
    ...events.flatMap((event) => eventVariableReferences(event).map((r) => ({ ...r, usedBy: `event:${event.id}` }))),
  ];
  const { variables, undeclared } = declareUndeclaredVariables(
    mapVariables(sourceVariables, listVariableIds, warn),
    references,
    listVariableIds,
  );
  for (const v of undeclared) {
    warn(`variable id "${v.variableId}" is used (${v.usedBy.join(', ')}) but not declared: declared as "${v.name}"`);
  }
  const flow = flowDocumentSchema.safeParse({
    schemaVersion: FLOW_SCHEMA_VERSION,
    groups,
    edges: linkEdges(v6.groups, keptEvents, v6.edges, warn),
    variables,
    events,
  });
  if (!flow.success) return { ok: false, errors: zodFieldErrors(flow.error) };
  const sourceTypes = new Map(v6.groups.flatMap((g) => g.blocks.map((b) => [b.id, b.type] as const)));
  return {
    ok: true,
    name: doc.name?.trim() || 'Imported Typebot flow',
    flow: flow.data,
    report: {
      blocksImported: groups.reduce((n, g) => n + g.blocks.length, 0),
      notRunnable: notRunnableBlocks(flow.data.groups, sourceTypes),
      undeclaredVariables: undeclared,
      warnings,
    },
  };
}

/**
 * Imports a Typebot export (schema version 3, 4, 5, 6 or 6.1; missing means 3), already
 * `JSON.parse`d. The export is first brought to the v6 shape as Typebot itself does
 * (docs/typebot-format.md §2), then mapped to a Parley flow that keeps the ids of groups, blocks, items, edges
 * and variables. No block is dropped: one Parley cannot run becomes an `unsupported` block, and
 * every block that cannot run as imported is listed in `report.notRunnable`. Pure.
 */
export function importTypebot(json: unknown, options: TypebotImportOptions = {}): TypebotImportResult {
  const rejected = rejectNonTypebot(json);
  if (rejected) return rejected;
  const parsed = typebotDocumentSchema.safeParse(json);
  if (!parsed.success) return { ok: false, errors: zodFieldErrors(parsed.error) };
  const version = typebotVersion(parsed.data.version);
  if (!version) {
    return fail(
      'version',
      `unsupported Typebot schema version "${String(parsed.data.version)}" (expected ${TYPEBOT_VERSIONS.join(', ')})`,
    );
  }
  return convert(parsed.data, version, options.newId ?? uuidv7);
}
