import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { bodyLimitOf } from '../../../lambdas/api/conventions.js';
import { formatOpenApi, openApiPath } from '../../../lambdas/api/export-openapi.js';
import { openApiDocument } from '../../../lambdas/api/openapi.js';
import { type ApiRoute, apiRoutes, routeKey, routeOf } from '../../../lambdas/api/routes.js';

interface Operation {
  operationId: string;
  parameters?: Array<{ name: string; in: string }>;
  responses: Record<string, { description: string; headers?: Record<string, unknown> }>;
}
const document = openApiDocument() as {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, object> };
};
const operationOf = (route: ApiRoute) => document.paths[route.path]![route.method.toLowerCase()]!;
/** The source of the function that answers `route` on AWS. */
const handlerSource = (route: ApiRoute) =>
  readFileSync(new URL(`../../../lambdas/api/${route.fn}.ts`, import.meta.url), 'utf8');
const operations = () =>
  Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
  );

describe('the OpenAPI document', () => {
  test('docs/openapi.json is the document generated now (npm run openapi:export rewrites it)', () => {
    expect(readFileSync(openApiPath, 'utf8')).toBe(formatOpenApi(openApiDocument()));
  });

  test('every route of the table is an operation of the document, and every operation a route', () => {
    expect(operations().sort()).toEqual((apiRoutes as readonly ApiRoute[]).map(routeKey).sort());
  });

  test('it is OpenAPI 3.1 whose schemas compile as JSON Schema 2020-12 and whose references all resolve', () => {
    expect(document.openapi).toBe('3.1.0');
    // The formats the contracts name (date-time, …) are known, so none is ignored with a warning.
    const ajv = new Ajv2020({ strict: false });
    addFormatsModule.default(ajv);
    for (const [name, schema] of Object.entries(document.components.schemas)) {
      // Throws, naming the keyword, for a schema that is not valid JSON Schema 2020-12.
      expect(typeof ajv.compile(schema)).toBe('function');
      expect(name).toMatch(/^[A-Z]/);
    }
    const refs = [...JSON.stringify(document).matchAll(/"\$ref":"([^"]+)"/g)].map(([, ref]) => ref!);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      const name = /^#\/components\/schemas\/(.+)$/.exec(ref)?.[1];
      expect([ref, name !== undefined && name in document.components.schemas]).toEqual([ref, true]);
    }
    const ids = Object.values(document.paths).flatMap((methods) =>
      Object.values(methods).map((op) => op.operationId),
    );
    expect(new Set(ids).size).toBe(ids.length);
    for (const methods of Object.values(document.paths)) {
      for (const op of Object.values(methods)) expect(Object.keys(op.responses).length).toBeGreaterThan(1);
    }
  });

  test('the intent schema is the one submissions are parsed with: a sample intent validates, a broken one does not', () => {
    // The formats the contracts name (date-time, …) are known, so none is ignored with a warning.
    const ajv = new Ajv2020({ strict: false });
    addFormatsModule.default(ajv);
    const validate = ajv.compile(document.components.schemas.Intent!);
    const sample = JSON.parse(
      readFileSync(new URL('../../../examples/01-low-risk-flag.json', import.meta.url), 'utf8'),
    );
    expect(validate(sample)).toBe(true);
    expect(validate({ ...sample, goal: 'faster' })).toBe(false);
  });

  test('every operation names each parameter once (OpenAPI: name and in are unique)', () => {
    for (const route of apiRoutes as readonly ApiRoute[]) {
      const named = (operationOf(route).parameters ?? []).map((p) => `${p.in} ${p.name}`);
      expect([routeKey(route), named]).toEqual([routeKey(route), [...new Set(named)]]);
    }
  });

  test('the statuses a handler answers by name are declared by its operation', () => {
    for (const route of apiRoutes as readonly ApiRoute[]) {
      const source = handlerSource(route);
      const answered = new Set(
        [...source.matchAll(/\b(?:json|problem)\((\d{3})\b/g)].map(([, status]) => status!),
      );
      if (/\bconflict\(/.test(source)) answered.add('409');
      const declared = Object.keys(operationOf(route).responses);
      expect([routeKey(route), [...answered].filter((s) => !declared.includes(s))]).toEqual([
        routeKey(route),
        [],
      ]);
    }
    // A status the handler never answers is not declared as a success.
    expect(Object.keys(operationOf(routeOf('POST /payloads')).responses)).not.toContain('200');
  });

  test('the routes that honour Idempotency-Key declare the header, its 422 and its 409', () => {
    for (const route of apiRoutes as readonly ApiRoute[]) {
      const honours = /\bonceForKey\(/.test(handlerSource(route));
      const operation = operationOf(route);
      const header = (operation.parameters ?? []).some(
        (p) => p.in === 'header' && p.name === 'Idempotency-Key',
      );
      expect([routeKey(route), header]).toEqual([routeKey(route), honours]);
      if (!honours) continue;
      expect(operation.responses['422']?.description).toContain('IdempotencyKeyReusedError');
      expect(operation.responses['409']?.description).toContain('IdempotentRequestInProgressError');
    }
  });

  test('each route describes its own body limit and conflicts, and declares the headers it answers with', () => {
    for (const route of apiRoutes as readonly ApiRoute[]) {
      expect(operationOf(route).responses['413']?.description).toContain(`${bodyLimitOf(route)} bytes`);
    }
    const review = operationOf(routeOf('POST /intents/{id}/review')).responses;
    expect(review['503']?.headers).toHaveProperty('Retry-After');
    expect(review['409']?.description).not.toMatch(/stop|retry/);
    expect(operationOf(routeOf('POST /payloads')).responses['409']).toBeUndefined();
    expect(operationOf(routeOf('POST /payloads')).responses['201']?.headers).toBeUndefined();
    expect(operationOf(routeOf('POST /intents')).responses['202']?.headers).toHaveProperty('Location');
    expect(operationOf(routeOf('POST /delegations')).responses['201']?.headers).toHaveProperty('Location');
  });
});
