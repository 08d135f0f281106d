import { jest } from '@jest/globals';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { loadCatalog } from '../../../catalog/index.js';
import { admitted } from '../../../lambdas/api/admitted.js';

/**
 * The read routes' Lambda handlers (`lambdas/api/get-intent.ts`, `list-intents.ts`, `export-ledger.ts`, …) run
 * inside `admitted`: IAM auth verified the signature, and the function admits only an ARN a catalog principal
 * claims, as every write route does — 401 `UnknownCallerError` for any other, before the route reads anything.
 * The deployed-stack suite asks each read route through API Gateway (api-reads.test.ts).
 */
const account = '123456789012';
const unclaimed = `arn:aws:sts::${account}:assumed-role/Developer/dev@example.com`;

function eventAs(arn: string | undefined, path: string): APIGatewayProxyEvent {
  return {
    httpMethod: 'GET',
    path,
    headers: {},
    queryStringParameters: null,
    pathParameters: null,
    body: null,
    isBase64Encoded: false,
    requestContext: { identity: arn === undefined ? {} : { userArn: arn } },
  } as unknown as APIGatewayProxyEvent;
}

describe('a read route on AWS resolves the caller against the catalog', () => {
  const read = jest.fn(
    async (): Promise<APIGatewayProxyResult> => ({ statusCode: 200, headers: {}, body: '{}' }),
  );
  beforeEach(() => {
    read.mockClear();
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  test('an IAM identity no catalog principal claims is 401 UnknownCallerError naming it, and nothing is read', async () => {
    // Act
    const answer = await admitted(read)(eventAs(unclaimed, '/ledger'));

    // Assess
    const body = JSON.parse(answer.body) as Record<string, unknown>;
    expect([answer.statusCode, body.error, body.instance]).toEqual([401, 'UnknownCallerError', '/ledger']);
    expect(String(body.message)).toContain(unclaimed);
    expect(answer.headers?.['www-authenticate']).toBe('AWS4-HMAC-SHA256');
    expect(read).not.toHaveBeenCalled();
  });

  test('a request without a caller identity is 401 too', async () => {
    const answer = await admitted(read)(eventAs(undefined, '/intents'));
    expect([answer.statusCode, JSON.parse(answer.body).error]).toEqual([401, 'UnauthenticatedError']);
    expect(read).not.toHaveBeenCalled();
  });

  test('a caller a catalog principal claims reaches the route', async () => {
    const alice = loadCatalog().principals.alice;
    const arn = `arn:aws:sts::${account}:assumed-role/ItvEngineers/${alice?.email}`;
    const answer = await admitted(read)(eventAs(arn, '/intents'));
    expect(answer.statusCode).toBe(200);
    expect(read).toHaveBeenCalledTimes(1);
  });
});
