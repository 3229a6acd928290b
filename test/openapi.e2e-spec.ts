import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPIV3 } from 'openapi-types';
import { startTestApp, type TestApp } from './support/test-app';

describe('OpenAPI', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('serves a document that passes the OpenAPI validator', async () => {
    const res = await t.request<OpenAPIV3.Document>('GET', '/docs-json');
    expect(res.status).toBe(200);
    const document = structuredClone(res.body);
    await expect(SwaggerParser.validate(document as never)).resolves.toBeDefined();
    expect(res.body.info.title).toBe('Parley API');
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/health/live', '/health/ready', '/metrics']));
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/billing/costs', '/api/v1/billing/costs.csv', '/api/v1/billing/budget']),
    );
  });

  it('documents a problem+json 500 on every operation and security on each', async () => {
    const { body } = await t.request<OpenAPIV3.Document>('GET', '/docs-json');
    for (const [path, item] of Object.entries(body.paths)) {
      for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
        const operation = item?.[method];
        if (!operation) continue;
        const error = operation.responses['500'] as OpenAPIV3.ResponseObject | undefined;
        expect([path, method, Boolean(error?.content?.['application/problem+json'])]).toEqual([path, method, true]);
      }
    }
    expect(body.components?.schemas?.ProblemDto).toBeDefined();
    expect(body.components?.securitySchemes).toHaveProperty('bearer');
  });

  it('marks public routes as needing no credentials and the others as bearer or API key', async () => {
    const { body } = await t.request<OpenAPIV3.Document>('GET', '/docs-json');
    expect(body.paths['/health/ready']?.get?.security).toEqual([]);
    expect(body.paths['/api/v1/auth/login']?.post?.security).toEqual([]);
    expect(body.paths['/api/v1/members']?.get?.security).toEqual(
      expect.arrayContaining([{ bearer: [] }, { apiKey: [] }]),
    );
    expect(body.paths['/api/v1/members']?.get?.responses['403']).toBeDefined();
    expect(body.paths['/api/v1/auth/me']?.get?.security).toEqual([{ bearer: [] }]);
    // Typebot's widget's clientLogs, at Typebot's path (outside /api/v1) and under /api/v1.
    for (const path of ['/api/v2/sessions/{sessionId}/clientLogs', '/api/v1/sessions/{sessionId}/clientLogs']) {
      expect([path, body.paths[path]?.post?.security]).toEqual([path, []]);
    }
  });

  it('describes flow blocks as a union discriminated by `type` (what client generators turn into a TS union)', async () => {
    const { body } = await t.request<OpenAPIV3.Document>('GET', '/docs-json');
    for (const name of ['FlowDocument', 'FlowDocumentInput']) {
      const flow = body.components!.schemas![name] as OpenAPIV3.SchemaObject;
      const groups = flow.properties!.groups as OpenAPIV3.ArraySchemaObject;
      const blocks = (groups.items as OpenAPIV3.SchemaObject).properties!.blocks as OpenAPIV3.ArraySchemaObject;
      const members = (blocks.items as OpenAPIV3.SchemaObject).oneOf as OpenAPIV3.SchemaObject[];
      const types = members.map((m) => (m.properties!.type as OpenAPIV3.SchemaObject).enum);
      expect(types.every((e) => e?.length === 1)).toBe(true);
      const names = types.map((e) => e![0] as string);
      expect(new Set(names).size).toBe(names.length);
      expect(names).toEqual(
        expect.arrayContaining(['text', 'textInput', 'choiceInput', 'condition', 'httpRequest', 'handoff', 'end']),
      );
      expect(members.every((m) => m.required?.includes('type'))).toBe(true);
    }
    const save = body.components!.schemas!.SaveFlowDto as OpenAPIV3.SchemaObject;
    expect(JSON.stringify(save.properties!.flow)).toContain('#/components/schemas/FlowDocumentInput');
  });

  it('serves Swagger UI at /docs', async () => {
    const res = await t.request('GET', '/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.text).toContain('swagger-ui');
  });
});
