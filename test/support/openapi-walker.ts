import { randomUUID } from 'node:crypto';
import type { OpenAPIV3 } from 'openapi-types';

export interface Operation {
  readonly method: string;
  readonly path: string;
  readonly operation: OpenAPIV3.OperationObject;
}

const methods = ['get', 'post', 'put', 'patch', 'delete'] as const;

export function operationsOf(document: OpenAPIV3.Document): Operation[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    methods.flatMap((method) =>
      item?.[method] ? [{ method: method.toUpperCase(), path, operation: item[method] }] : [],
    ),
  );
}

export const pathParams = (path: string): string[] => [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);

const deref = (document: OpenAPIV3.Document, schema: OpenAPIV3.SchemaObject | OpenAPIV3.ReferenceObject) =>
  '$ref' in schema ? (document.components!.schemas![schema.$ref.split('/').pop()!] as OpenAPIV3.SchemaObject) : schema;

/** A minimal valid value for a schema: required properties only, formats and bounds respected. */
export function sampleOf(
  document: OpenAPIV3.Document,
  input: OpenAPIV3.SchemaObject | OpenAPIV3.ReferenceObject,
): unknown {
  const schema = deref(document, input);
  if (schema.allOf?.length) return Object.assign({}, ...schema.allOf.map((s) => sampleOf(document, s)));
  if (schema.oneOf?.length) return sampleOf(document, schema.oneOf[0]!);
  if (schema.enum?.length) return schema.enum[0];
  if (schema.example !== undefined) return schema.example;
  switch (schema.type) {
    case 'object': {
      const result: Record<string, unknown> = {};
      for (const key of schema.required ?? []) result[key] = sampleOf(document, schema.properties![key]!);
      return result;
    }
    case 'array':
      return schema.minItems ? [sampleOf(document, schema.items)] : [];
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return true;
    case 'string':
    case undefined:
      if (schema.format === 'email') return `walker.${randomUUID().slice(0, 8)}@example.com`;
      if (schema.format === 'uuid') return randomUUID();
      if (schema.format === 'date-time') return new Date(Date.now() + 86_400_000).toISOString();
      if (schema.format === 'uri') return 'https://example.com/x';
      return 'w'.repeat(Math.max(schema.minLength ?? 0, 12));
  }
}

export function requestBodyOf(document: OpenAPIV3.Document, operation: OpenAPIV3.OperationObject): unknown {
  const body = operation.requestBody as OpenAPIV3.RequestBodyObject | undefined;
  const schema = body?.content['application/json']?.schema;
  return schema ? sampleOf(document, schema) : undefined;
}
