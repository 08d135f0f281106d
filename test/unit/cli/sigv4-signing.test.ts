import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signedRequest } from '../../../cli/remote/signed-request.js';
import { type SignedRequest, verifySigV4 } from '../../support/sigv4-verify.js';

/** AWS's example credentials (the SigV4 test suite's), never a real key. */
const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
const secretFor = (id: string) => (id === credentials.accessKeyId ? credentials.secretAccessKey : undefined);

describe('SigV4 signatures on the requests the CLI sends to a deployed stack', () => {
  let seen: SignedRequest[];
  let server: ReturnType<typeof createServer>;
  let base: string;

  beforeAll(async () => {
    seen = [];
    server = createServer((request: IncomingMessage, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        seen.push({
          method: request.method ?? 'GET',
          target: request.url ?? '/',
          headers: request.headers,
          body: Buffer.concat(chunks),
        });
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test('the verifier itself reproduces the get-vanilla vector of AWS’s SigV4 test suite', () => {
    const verdict = verifySigV4(
      {
        method: 'GET',
        target: '/',
        headers: {
          host: 'example.amazonaws.com',
          'x-amz-date': '20150830T123600Z',
          authorization:
            'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
        },
        body: '',
      },
      secretFor,
    );

    expect(verdict).toMatchObject({ ok: true, region: 'us-east-1', service: 'service' });
  });

  test('a POST with a JSON body, a GET with a query and an encoded path each carry a signature that verifies', async () => {
    // Act
    const target = { region: 'eu-west-1', service: 'execute-api', credentials: async () => credentials };
    await signedRequest(
      new URL(`${base}/v1/intents`),
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"title":"été"}' },
      target,
      5000,
    );
    await signedRequest(new URL(`${base}/v1/ledger?limit=5&after=10`), { method: 'GET' }, target, 5000);
    await signedRequest(
      new URL(`${base}/v1/delegations/${encodeURIComponent('bob~alice~2026-12-01T00:00:00Z')}?reason=a%20b`),
      { method: 'DELETE' },
      target,
      5000,
    );

    // Assess
    expect(seen).toHaveLength(3);
    for (const request of seen) {
      expect(verifySigV4(request, secretFor)).toMatchObject({
        ok: true,
        accessKeyId: 'AKIDEXAMPLE',
        region: 'eu-west-1',
        service: 'execute-api',
      });
    }
  });

  test('a request changed after signing — its body, its path, or signed with another secret — does not verify', async () => {
    const target = { region: 'eu-west-1', service: 'execute-api', credentials: async () => credentials };
    seen.length = 0;
    await signedRequest(
      new URL(`${base}/v1/intents/int-1/review`),
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"decision":"approve"}' },
      target,
      5000,
    );
    const request = seen[0]!;

    expect(verifySigV4({ ...request, body: '{"decision":"reject"}' }, secretFor)).toMatchObject({
      ok: false,
    });
    expect(verifySigV4({ ...request, target: '/v1/intents/int-2/review' }, secretFor)).toMatchObject({
      ok: false,
    });
    expect(verifySigV4(request, () => 'another-secret')).toMatchObject({ ok: false });
  });
});
