import { Ajv2020 } from 'ajv/dist/2020.js';
import { openApiDocument } from '../../../lambdas/api/openapi.js';
import { type ApiRoute, apiRoutes, routeKey } from '../../../lambdas/api/routes.js';

interface Operation {
  requestBody?: { required: boolean; content: Record<string, { schema: { $ref: string } }> };
}
const document = openApiDocument() as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, object> };
};
const operationOf = (route: ApiRoute) => document.paths[route.path]![route.method.toLowerCase()]!;

describe('the OpenAPI document declares the request body of every route that reads one', () => {
  test('each route that reads a JSON body declares a required application/json one', () => {
    for (const route of apiRoutes as readonly ApiRoute[]) {
      const body = operationOf(route).requestBody;
      expect([routeKey(route), body?.required === true && 'application/json' in body.content]).toEqual([
        routeKey(route),
        route.body,
      ]);
    }
  });

  test('POST /payloads takes a JSON object as its body, any object', () => {
    const ref = document.paths['/payloads']!.post!.requestBody!.content['application/json']!.schema.$ref;
    const schema = document.components.schemas[ref.replace('#/components/schemas/', '')]!;
    const ajv = new Ajv2020({ strict: false });

    expect(ajv.validate(schema, { flags: { checkout: true } })).toBe(true);
    expect(ajv.validate(schema, [1, 2])).toBe(false);
    expect(ajv.validate(schema, 'text')).toBe(false);
  });
});
