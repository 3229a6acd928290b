import { z } from 'zod';
import { zodFieldErrors, type FieldError } from './field-errors';
import { flowDocumentSchema, type FlowDocument } from './flow-document';

export const PARLEY_EXPORT_FORMAT = 'parley.flow';
export const PARLEY_EXPORT_FORMAT_VERSION = 1;

/** Parley's own file format for sharing a flow between installations. */
export const parleyExportSchema = z.strictObject({
  format: z.literal(PARLEY_EXPORT_FORMAT),
  formatVersion: z.literal(PARLEY_EXPORT_FORMAT_VERSION),
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2_000).optional(),
  flow: flowDocumentSchema,
});

export type ParleyExport = z.output<typeof parleyExportSchema>;

export type ParseParleyExportResult = { ok: true; export: ParleyExport } | { ok: false; errors: FieldError[] };

export function createParleyExport(name: string, flow: FlowDocument, description?: string): ParleyExport {
  return {
    format: PARLEY_EXPORT_FORMAT,
    formatVersion: PARLEY_EXPORT_FORMAT_VERSION,
    name,
    ...(description === undefined ? {} : { description }),
    flow,
  };
}

/** Parses an uploaded Parley export (already `JSON.parse`d). */
export function parseParleyExport(json: unknown): ParseParleyExportResult {
  const parsed = parleyExportSchema.safeParse(json);
  return parsed.success ? { ok: true, export: parsed.data } : { ok: false, errors: zodFieldErrors(parsed.error) };
}
