import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { bearerCaller, issueToken } from '../../../cli/runtime/local-tokens.js';
import { openApiDocument } from '../../../lambdas/api/openapi.js';
import { conventionCases, expectConvention, type SendRequest } from '../../support/api-convention-cases.js';
import { type LocalApiServer, startLocalApi } from '../../support/local-api-server.js';
import { intentsBudgetMs, setupMs } from '../../support/time-budget.js';

const example = JSON.parse(
  readFileSync(new URL('../../../examples/01-low-risk-flag.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;

/** A Wednesday afternoon outside every freeze. */
const NOW = new Date('2026-11-04T15:00:00Z');

/**
 * The HTTP conventions of the local API (the control plane and `itv serve`): problem+json errors naming the
 * field, 401/404/405/413/415 with the headers each calls for, `Location` on a 202. The deployed-stack suite
 * holds API Gateway and the functions to the same answers (test/deployed/scenarios/api-conventions.test.ts).
 */
describe('API conventions on the local API', () => {
  let home: string;
  let api: LocalApiServer;
  let alice: string;
  let xavier: string;
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'itv-conventions-'));
    alice = issueToken(home, 'alice');
    xavier = issueToken(home, 'xavier');
    api = await startLocalApi(home, bearerCaller(home), NOW);
  }, setupMs);
  afterAll(async () => {
    await api?.close();
    rmSync(home, { recursive: true, force: true });
  }, setupMs);

  const send = async (
    method: string,
    path: string,
    init: { body?: string; headers?: Record<string, string> } = {},
  ) => {
    const response = await fetch(`${api.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${alice}`, ...(init.headers ?? {}) },
      ...(init.body === undefined ? {} : { body: init.body }),
    });
    const text = await response.text();
    return {
      status: response.status,
      header: (name: string) => response.headers.get(name),
      // The ledger export is JSON Lines, not one JSON value.
      body: (response.headers.get('content-type')?.includes('json') &&
      !response.headers.get('content-type')?.includes('ndjson') &&
      text
        ? JSON.parse(text)
        : {}) as Record<string, unknown>,
    };
  };
  const ledgerSize = async () => (await api.stack.deps.ledger.read(api.stack.deps.ledgerName)).length;

  const sendCase: SendRequest = async (request) => {
    const tokens: Record<string, string | undefined> = { alice, xavier, stranger: 'itv_nobody-issued-this' };
    const token = tokens[request.caller];
    const response = await fetch(`${api.base}${request.path}`, {
      method: request.method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(request.body === undefined ? {} : { 'content-type': request.contentType ?? 'application/json' }),
        ...(request.contentEncoding ? { 'content-encoding': request.contentEncoding } : {}),
      },
      ...(request.body === undefined
        ? {}
        : { body: request.contentEncoding === 'gzip' ? gzipSync(request.body) : request.body }),
    });
    const text = await response.text();
    return {
      status: response.status,
      header: (name) => response.headers.get(name) ?? undefined,
      body: (text ? JSON.parse(text) : {}) as Record<string, unknown>,
    };
  };

  test.each(conventionCases.map((kase) => [kase.name, kase] as const))(
    '%s; nothing is recorded',
    async (_name, kase) => {
      const before = await ledgerSize();
      expectConvention(kase, await sendCase(kase.request(NOW)));
      expect(await ledgerSize()).toBe(before);
    },
  );

  test('HEAD on a path that takes GET answers as GET does, without a body; Allow names HEAD beside GET', async () => {
    // Act
    const head = await fetch(`${api.base}/intents/never-submitted`, {
      method: 'HEAD',
      headers: { authorization: `Bearer ${alice}` },
    });
    const get = await send('GET', '/intents/never-submitted');
    const list = await fetch(`${api.base}/intents?limit=1`, {
      method: 'HEAD',
      headers: { authorization: `Bearer ${alice}` },
    });
    const refused = await send('DELETE', '/intents');
    const postOnly = await send('HEAD', '/intents/never-submitted/stop');

    // Assess
    expect([head.status, head.headers.get('content-type'), await head.text()]).toEqual([
      get.status,
      'application/problem+json',
      '',
    ]);
    expect([list.status, list.headers.get('content-type'), await list.text()]).toEqual([
      200,
      'application/json',
      '',
    ]);
    expect(refused.header('allow')).toBe('POST, GET, HEAD');
    expect([postOnly.status, postOnly.header('allow')]).toEqual([405, 'POST']);
  });

  test(
    'a submission is 202 with Location naming its status resource; the same again is 200 with the same Location',
    async () => {
      const intent = JSON.stringify({ ...example, id: 'conventions-low-1' });
      const json = { 'content-type': 'application/json' };
      const first = await send('POST', '/intents', { body: intent, headers: json });
      const again = await send('POST', '/intents', { body: intent, headers: json });
      await api.executions.idle();
      expect(first.status).toBe(202);
      expect(first.header('location')).toBe('/intents/conventions-low-1');
      expect(again.status).toBe(200);
      expect(again.header('location')).toBe('/intents/conventions-low-1');
      expect((await send('GET', first.header('location')!)).body).toMatchObject({ status: 'released' });
      // A review of an intent that is not waiting for one is 409 naming the state that refuses it.
      const review = await fetch(`${api.base}/intents/conventions-low-1/review`, {
        method: 'POST',
        headers: { authorization: `Bearer ${xavier}`, ...json },
        body: JSON.stringify({ decision: 'approve' }),
      });
      expect(review.status).toBe(409);
      expect(await review.json()).toMatchObject({
        status: 409,
        issues: [expect.objectContaining({ path: 'state' })],
      });
    },
    intentsBudgetMs(1),
  );

  test('bad input is application/problem+json naming each field, with the standard members', async () => {
    const answer = await send('POST', '/intents', {
      body: JSON.stringify({ ...example, timestamp: 'soon' }),
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect(answer.status).toBe(400);
    expect(answer.header('content-type')).toBe('application/problem+json');
    expect(answer.body).toMatchObject({
      type: 'urn:itv:problem:invalid-input-error',
      title: 'Bad Request',
      status: 400,
      instance: '/intents',
      error: 'InvalidInputError',
      issues: expect.arrayContaining([expect.objectContaining({ path: 'timestamp' })]),
    });
    expect(answer.body.detail).toBe(answer.body.message);
  });

  test('GET /openapi.json serves the generated document, and every operation in it reaches a handler here', async () => {
    const served = await send('GET', '/openapi.json');
    expect(served.status).toBe(200);
    expect(served.body).toEqual(openApiDocument());
    const paths = served.body.paths as Record<string, Record<string, unknown>>;
    for (const [path, methods] of Object.entries(paths)) {
      for (const method of Object.keys(methods)) {
        const answer = await send(method.toUpperCase(), path.replace(/\{[^}]+\}/g, 'no-such-thing'), {
          ...(method === 'post' ? { body: '{}', headers: { 'content-type': 'application/json' } } : {}),
        });
        // Whatever the handler makes of it, the router found it.
        expect([method, path, answer.body.error]).not.toEqual([method, path, 'MethodNotAllowed']);
        expect([method, path, String(answer.body.message)]).not.toEqual([method, path, `no route ${path}`]);
      }
    }
  });

  test('a Content-Length over the limit is 413 before any of the body is sent', async () => {
    // The request announces 20 MB and sends nothing more: the answer can only come from the headers.
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const url = new URL('/intents', api.base);
      const outgoing = request(
        url,
        {
          method: 'POST',
          headers: {
            authorization: `Bearer ${alice}`,
            'content-type': 'application/json',
            'content-length': String(20 * 1024 * 1024),
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
            outgoing.destroy();
          });
        },
      );
      outgoing.on('error', reject);
      outgoing.write('{"a":');
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ status: 413, issues: [{ path: 'body' }] });
  });

  test('a chunked body is cut off at the limit with a 413', async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        const chunk = new TextEncoder().encode('x'.repeat(256 * 1024));
        for (let i = 0; i < 6; i++) controller.enqueue(chunk);
        controller.close();
      },
    });
    const response = await fetch(`${api.base}/intents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice}`, 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
  });

  test('a body that is not UTF-8 is 400 naming the body, not read with its bytes replaced', async () => {
    // A title whose bytes end in 0xFF: decoded leniently it would become U+FFFD and be recorded so.
    const text = new TextEncoder().encode('{"title":"caf');
    const body = new Uint8Array([...text, 0xff, ...new TextEncoder().encode('"}')]);
    const response = await fetch(`${api.base}/intents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice}`, 'content-type': 'application/json' },
      body,
    });
    const problem = (await response.json()) as { issues: Array<{ path: string; message: string }> };
    expect(response.status).toBe(400);
    expect(problem.issues).toEqual([{ path: 'body', message: 'must be UTF-8 text: byte 13 is not' }]);
  });
});
