import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule, getSchemaPath } from '@nestjs/swagger';
import { PUBLIC_OPERATION_EXTENSION } from '@/access/access.decorators';
import { PROBLEM_CONTENT_TYPE } from '../errors/problem';
import { FieldErrorDto, ProblemDto } from './problem.dto';
import { registeredOpenApiSchemas } from './schema-registry';

const problemContent = { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemDto) } } };
const methods = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'] as const;

/**
 * Public operations get `security: []`. Every operation can answer a 500 problem and a 400 problem
 * (the input-hygiene layer checks every request's path, query and body), and one with path
 * parameters a 414 (a parameter over 100 characters); routes document their other errors with
 * `@ApiProblems`.
 */
export function addCommonResponses(document: OpenAPIObject): OpenAPIObject {
  for (const path of Object.values(document.paths)) {
    for (const method of methods) {
      const operation = path[method];
      if (!operation) continue;
      // `@Public()` routes need no credentials (the document's default is bearer).
      const extensions = operation as unknown as Record<string, unknown>;
      if (extensions[PUBLIC_OPERATION_EXTENSION]) {
        operation.security = [];
        delete extensions[PUBLIC_OPERATION_EXTENSION];
      }
      operation.responses ??= {};
      operation.responses['400'] ??= { description: 'Invalid request', content: problemContent };
      if (operation.parameters?.some((p) => 'in' in p && p.in === 'path')) {
        operation.responses['414'] ??= { description: 'A path parameter is too long', content: problemContent };
      }
      operation.responses['500'] ??= { description: 'Unexpected error (see errorId)', content: problemContent };
    }
  }
  return document;
}

export function buildOpenApiDocument(app: INestApplication, version: string): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Parley API')
    .setDescription(
      'Self-hostable backend for conversational automation. Errors are RFC 9457 `application/problem+json`; ' +
        'every response carries `X-Request-Id`.',
    )
    .setVersion(version)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Api-Key' }, 'apiKey')
    .addSecurityRequirements('bearer')
    .build();
  const document = SwaggerModule.createDocument(app, config, { extraModels: [ProblemDto, FieldErrorDto] });
  document.components ??= {};
  document.components.schemas = { ...document.components.schemas, ...registeredOpenApiSchemas() };
  return addCommonResponses(document);
}

/** Swagger UI at /docs, the document at /docs-json. */
export function setupOpenApi(app: INestApplication, version: string): OpenAPIObject {
  const document = buildOpenApiDocument(app, version);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    yamlDocumentUrl: 'docs-yaml',
    customSiteTitle: 'Parley API',
  });
  return document;
}
