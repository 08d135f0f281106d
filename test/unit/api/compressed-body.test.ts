import { gzipSync } from 'node:zlib';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { refuseRequest } from '../../../lambdas/api/conventions.js';
import { routeOf } from '../../../lambdas/api/routes.js';

const intent = JSON.stringify({ change: { service: 'launch-flags' } });

/** A POST /intents proxy event as API Gateway hands it to the function, with `headers` as the client sent them. */
function submission(body: string | null, headers: Record<string, string>, isBase64Encoded = false) {
  return {
    body,
    isBase64Encoded,
    headers: { 'Content-Type': 'application/json', ...headers },
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
  } as unknown as APIGatewayProxyEvent;
}

/** Bodies are read as sent: one compressed with a Content-Encoding is refused before anything reads it. */
describe('a request body sent with a Content-Encoding', () => {
  test('gzip (binary, base64-encoded by API Gateway) is 415 naming content-encoding, with Accept-Encoding: identity', () => {
    // Prepare
    const event = submission(gzipSync(intent).toString('base64'), { 'Content-Encoding': 'gzip' }, true);

    // Act
    const answer = refuseRequest(routeOf('POST /intents'), event);

    // Assess
    expect(answer?.statusCode).toBe(415);
    expect(answer?.headers).toMatchObject({ 'accept-encoding': 'identity' });
    expect(JSON.parse(answer?.body ?? '{}')).toMatchObject({
      error: 'UnsupportedMediaType',
      detail: 'the request body must be sent uncompressed, not with Content-Encoding gzip',
      issues: [{ path: 'content-encoding', message: 'must be identity (an uncompressed body), not gzip' }],
    });
  });

  test('identity is the body as sent: not refused', () => {
    expect(
      refuseRequest(routeOf('POST /intents'), submission(intent, { 'content-encoding': 'Identity' })),
    ).toBeUndefined();
  });

  test('with no body there is nothing to decode: not refused', () => {
    expect(
      refuseRequest(routeOf('GET /intents/{id}'), {
        ...submission(null, { 'content-encoding': 'gzip' }),
        pathParameters: { id: 'int-abc' },
      }),
    ).toBeUndefined();
  });
});
