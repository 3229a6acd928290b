import { z } from 'zod';

/**
 * The parts of a Typebot export the importer reads, parsed leniently: unknown keys are kept (and
 * ignored), option objects stay raw records read field by field by the block mappers. See
 * docs/typebot-format.md.
 */
export const TYPEBOT_VERSIONS = ['3', '4', '5', '6', '6.1'] as const;
export type TypebotVersion = (typeof TYPEBOT_VERSIONS)[number];

const id = z.string().min(1);
const record = z.record(z.string(), z.unknown());
const edgeId = z.string().nullish();
const coordinates = z.looseObject({ x: z.number(), y: z.number() }).nullish();

export const typebotItemSchema = z.looseObject({
  id,
  outgoingEdgeId: edgeId,
  paths: z.array(z.looseObject({ id, outgoingEdgeId: edgeId })).nullish(),
});

export const typebotBlockSchema = z.looseObject({
  id,
  type: z.string().min(1),
  outgoingEdgeId: edgeId,
  options: record.nullish(),
  content: record.nullish(),
  items: z.array(typebotItemSchema).nullish(),
});

export const typebotGroupSchema = z.looseObject({
  id,
  title: z.string().nullish(),
  graphCoordinates: coordinates,
  blocks: z.array(typebotBlockSchema),
});

export const typebotEdgeSchema = z.looseObject({
  id,
  from: record,
  to: z.looseObject({ groupId: id, blockId: z.string().nullish() }),
});

export const typebotEventSchema = z.looseObject({
  id,
  type: z.string().min(1),
  graphCoordinates: coordinates,
  outgoingEdgeId: edgeId,
  options: record.nullish(),
});

export const typebotVariableSchema = z.looseObject({
  id,
  name: z.string(),
  value: z.unknown().optional(),
  isSessionVariable: z.boolean().nullish(),
});

export const typebotDocumentSchema = z.looseObject({
  id: z.string().nullish(),
  version: z.union([z.string(), z.number()]).nullish(),
  name: z.string().nullish(),
  groups: z.array(typebotGroupSchema),
  /** Parsed edge by edge: Typebot drops invalid edges of old exports instead of failing. */
  edges: z.array(z.unknown()).nullish(),
  events: z.array(typebotEventSchema).nullish(),
  variables: z.array(typebotVariableSchema).nullish(),
});

export type TypebotItem = z.output<typeof typebotItemSchema>;
export type TypebotBlock = z.output<typeof typebotBlockSchema>;
export type TypebotGroup = z.output<typeof typebotGroupSchema>;
export type TypebotEdge = z.output<typeof typebotEdgeSchema>;
export type TypebotEvent = z.output<typeof typebotEventSchema>;
export type TypebotVariable = z.output<typeof typebotVariableSchema>;
export type TypebotDocument = z.output<typeof typebotDocumentSchema>;

/** Typebot reads a missing or null version as "3". */
export function typebotVersion(raw: string | number | null | undefined): TypebotVersion | undefined {
  const version = raw === null || raw === undefined ? '3' : String(raw);
  return TYPEBOT_VERSIONS.find((v) => v === version);
}

export const isPreV6 = (version: TypebotVersion): boolean => version !== '6' && version !== '6.1';
