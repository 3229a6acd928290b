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
  });

  it('serves Swagger UI at /docs', async () => {
    const res = await t.request('GET', '/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.text).toContain('swagger-ui');
  });
});
