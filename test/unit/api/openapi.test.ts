import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { formatOpenApi, openApiPath } from '../../../lambdas/api/export-openapi.js';
import { openApiDocument } from '../../../lambdas/api/openapi.js';
import { type ApiRoute, apiRoutes, routeKey } from '../../../lambdas/api/routes.js';

const document = openApiDocument() as {
  openapi: string;
  paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>>;
  components: { schemas: Record<string, object> };
};
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
});
