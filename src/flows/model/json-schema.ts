import { z } from 'zod';
import { flowDocumentSchema } from './flow-document';

export type JsonSchemaObject = Record<string, unknown>;

/**
 * The flow document as an OpenAPI 3.0 schema object, self-contained (no `$ref`). Blocks and
 * events are `oneOf` lists whose members each fix `type` to a one-value enum, so generators such
 * as openapi-typescript produce discriminated unions.
 *
 * `io: 'input'` (the default) describes what the API accepts: fields with defaults are optional.
 * `io: 'output'` describes what it returns after parsing: those fields are required.
 */
export function flowDocumentJsonSchema(io: 'input' | 'output' = 'input'): JsonSchemaObject {
  return z.toJSONSchema(flowDocumentSchema, { target: 'openapi-3.0', io, reused: 'inline' });
}
