import type { APIGatewayProxyEvent } from 'aws-lambda';
import { withConventions } from '../../../lambdas/api/conventions.js';
import { revokeDelegationRoute } from '../../../lambdas/api/revoke-delegation.js';
import { routeOf } from '../../../lambdas/api/routes.js';
import type { SubmissionDeps } from '../../../lambdas/api/submission.js';
import type { Caller } from '../../../lambdas/core/principals/index.js';

const eventFor = (path: string, pathParameters: Record<string, string>, query: Record<string, string> = {}) =>
  ({
    path,
    body: null,
    isBase64Encoded: false,
    headers: {},
    queryStringParameters: query,
    multiValueQueryStringParameters: null,
    pathParameters,
    requestContext: {},
  }) as unknown as APIGatewayProxyEvent;

const problemOf = (answer: { body: string }) =>
  JSON.parse(answer.body) as { instance?: string; detail: string; issues: Array<{ path: string }> };

describe('a path parameter no resource can have is not echoed in the problem', () => {
  test('an intent id of 5000 characters leaves instance out', async () => {
    const id = 'x'.repeat(5000);
    const route = withConventions(routeOf('GET /intents/{id}'), async () => {
      throw new Error('the handler is not reached');
    });

    const answer = await route(eventFor(`/intents/${id}`, { id }));

    expect(answer.statusCode).toBe(400);
    expect(problemOf(answer).instance).toBeUndefined();
    expect(answer.body).not.toContain(id);
  });

  test('an intent id that could be one keeps its path as instance', async () => {
    const route = withConventions(routeOf('GET /intents/{id}'), async () => ({
      statusCode: 404,
      headers: {},
      body: JSON.stringify({ error: 'NotFound', message: 'no such intent' }),
    }));

    const answer = await route(eventFor('/intents/int-1', { id: 'int-1' }));

    expect(problemOf(answer).instance).toBe('/intents/int-1');
  });

  test('a malformed delegation id is named path.id, as other path parameters are, and not echoed', async () => {
    const id = `nope${'y'.repeat(5000)}`;
    const deps = { catalog: {}, state: {} } as unknown as SubmissionDeps;
    const route = withConventions(routeOf('DELETE /delegations/{id}'), (event) =>
      revokeDelegationRoute(event, deps, new Date(), () => ({ principal: 'nina' }) as Caller),
    );

    const answer = await route(eventFor(`/delegations/${id}`, { id }, { reason: 'x' }));

    expect(answer.statusCode).toBe(400);
    expect(problemOf(answer).issues).toEqual([expect.objectContaining({ path: 'path.id' })]);
    expect(answer.body).not.toContain(id);
  });
});
