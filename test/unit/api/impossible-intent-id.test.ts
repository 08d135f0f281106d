import type { APIGatewayProxyEvent } from 'aws-lambda';
import { refuseRequest } from '../../../lambdas/api/conventions.js';
import { routeOf } from '../../../lambdas/api/routes.js';

/** The reason an impossible `{id}` is refused says what is wrong with it — its length or its characters — unechoed. */
describe('an intent id no intent can have', () => {
  const refused = (id: string) => {
    const answer = refuseRequest(routeOf('GET /intents/{id}'), {
      body: null,
      isBase64Encoded: false,
      headers: {},
      queryStringParameters: null,
      pathParameters: { id },
    } as unknown as APIGatewayProxyEvent);
    return JSON.parse(answer?.body ?? '{}').issues as Array<{ path: string; message: string }>;
  };

  test.each([
    ['holds a character other than these', '../../etc/passwd'],
    ['is 300 characters long', 'x'.repeat(300)],
    ['is empty', ''],
    ['is only dots, a path step rather than a name', '..'],
    ['is only dots, a path step rather than a name', '...'],
  ])('says this one %s', (why, id) => {
    expect(refused(id)).toEqual([
      { path: 'path.id', message: `must be 1 to 256 of A-Z a-z 0-9 . _ : -; this one ${why}` },
    ]);
  });

  test('one an intent can have passes', () => {
    expect(
      refuseRequest(routeOf('GET /intents/{id}'), {
        body: null,
        isBase64Encoded: false,
        headers: {},
        queryStringParameters: null,
        pathParameters: { id: 'int-abc:attempt-2' },
      } as unknown as APIGatewayProxyEvent),
    ).toBeUndefined();
  });
});
