import { openApiDocument } from '../../../lambdas/api/openapi.js';
import { type ApiRoute, apiRoutes, routeKey, routeOf } from '../../../lambdas/api/routes.js';

type Responses = Record<string, { headers?: Record<string, unknown> }>;
const document = openApiDocument() as {
  paths: Record<string, Record<string, { responses: Responses }>>;
};
const responsesOf = (route: ApiRoute) => document.paths[route.path]![route.method.toLowerCase()]!.responses;
const headersOf = (route: ApiRoute, status: string) => Object.keys(responsesOf(route)[status]?.headers ?? {});

describe('the OpenAPI document declares the headers the server answers with', () => {
  test('Link (rel="next") on the pages of GET /intents and GET /ledger', () => {
    expect(headersOf(routeOf('GET /intents'), '200')).toContain('Link');
    expect(headersOf(routeOf('GET /ledger'), '200')).toContain('Link');
  });

  test('Location on the duplicate answer of POST /intents, as on its 202', () => {
    expect(headersOf(routeOf('POST /intents'), '200')).toContain('Location');
  });

  test('WWW-Authenticate on every 401, Allow on every 405, Accept-Post and Accept-Encoding on every 415', () => {
    for (const route of apiRoutes as readonly ApiRoute[]) {
      const key = routeKey(route);
      expect([key, headersOf(route, '401')]).toEqual([key, ['WWW-Authenticate']]);
      expect([key, headersOf(route, '405')]).toEqual([key, ['Allow']]);
      if (route.body) {
        expect([key, headersOf(route, '415')]).toEqual([key, ['Accept-Post', 'Accept-Encoding']]);
      }
    }
  });

  test('Idempotent-Replayed on the answers a route that honours Idempotency-Key replays', () => {
    for (const route of apiRoutes as readonly ApiRoute[]) {
      const replayable = Object.entries(responsesOf(route)).filter(([, response]) =>
        Object.keys(response.headers ?? {}).includes('Idempotent-Replayed'),
      );
      const statuses = replayable.map(([status]) => status);
      const successes = Object.keys(responsesOf(route)).filter((status) => status.startsWith('2'));
      if (route.idempotencyKey) {
        expect([routeKey(route), statuses]).toEqual([
          routeKey(route),
          expect.arrayContaining([...successes, '400']),
        ]);
      } else expect([routeKey(route), statuses]).toEqual([routeKey(route), []]);
    }
  });
});
