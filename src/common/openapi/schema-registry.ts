/**
 * Named OpenAPI component schemas that are not DTO classes (e.g. the flow document, described by
 * its zod schema). Modules register them when loaded; `buildOpenApiDocument` adds them.
 */
const schemas = new Map<string, () => Record<string, unknown>>();

export function registerOpenApiSchema(name: string, build: () => Record<string, unknown>): string {
  schemas.set(name, build);
  return `#/components/schemas/${name}`;
}

export const registeredOpenApiSchemas = (): Record<string, Record<string, unknown>> =>
  Object.fromEntries([...schemas].map(([name, build]) => [name, build()]));
