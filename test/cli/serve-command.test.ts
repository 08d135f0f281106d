import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { issueToken } from '../../cli/runtime/local-tokens.js';
import { readPaths } from '../support/api-convention-cases.js';
import { expectIdempotency, idempotencyScenario } from '../support/idempotency-cases.js';
import { itvBin as itv, itvEnv, root, runItv, testClockStart } from '../support/run-itv.js';
import { intentsBudgetMs, setupMs } from '../support/time-budget.js';

/**
 * `itv serve` as a user starts it, in its own process, relaying to the home's control plane: what it answers
 * and what it passes back.
 */
describe('itv serve, started as a user starts it', () => {
  let home: string;
  let serve: ChildProcess;
  let base: string;
  let token: string;
  let stderr = '';
  let banner = '';

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'itv-serve-command-'));
    token = issueToken(home, 'alice');
    serve = spawn(process.execPath, [itv, 'serve', '--port', '0'], { cwd: root, env: itvEnv(home) });
    serve.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    base = await new Promise<string>((resolve, reject) => {
      serve.stdout?.on('data', (chunk) => {
        banner += chunk;
        const url = /http:\/\/127\.0\.0\.1:\d+/.exec(banner)?.[0];
        if (url && banner.includes('Ctrl-C')) resolve(url);
      });
      serve.once('exit', (code) => reject(new Error(`itv serve exited with ${code}`)));
    });
    // Two processes start before the banner: itv serve, and the control plane it waits for.
  }, 2 * setupMs);

  afterAll(async () => {
    serve?.kill('SIGTERM');
    await runItv(home, ['control-plane', 'stop']);
    rmSync(home, { recursive: true, force: true });
  }, setupMs);

  const call = async (
    method: string,
    path: string,
    init: { authorization?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
  ) => {
    const body = init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(init.authorization ? { authorization: init.authorization } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(init.headers ?? {}),
      },
      ...(body === undefined ? {} : { body }),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text };
  };

  test.each(readPaths)(
    'GET %s without credentials, or with a token nobody issued, is 401 asking for a bearer token',
    async (path) => {
      for (const authorization of [undefined, 'Bearer itv_bogus']) {
        const answer = await call('GET', path, authorization ? { authorization } : {});
        expect({ path, authorization, status: answer.status }).toEqual({ path, authorization, status: 401 });
        expect(answer.headers.get('content-type')).toBe('application/problem+json');
        expect(answer.headers.get('www-authenticate')).toBe('Bearer');
        expect(JSON.parse(answer.text)).toMatchObject({ status: 401 });
      }
    },
  );

  test('a path beginning with two slashes is a path, not another host: answered as problem+json, and itv serve stays up', async () => {
    // fetch would normalise nothing here, but the request target is sent as written with node:http.
    const raw = (path: string, headers: Record<string, string> = {}) =>
      new Promise<{ status: number; type: string | undefined; text: string }>((resolve, reject) => {
        const request = http.request(`${base}/`, { path, headers }, (response) => {
          let text = '';
          response.on('data', (chunk) => {
            text += chunk;
          });
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, type: response.headers['content-type'], text }),
          );
        });
        request.on('error', reject);
        request.end();
      });
    for (const path of ['//', '///', '//evil.example.com/', '//openapi.json']) {
      for (const headers of [{}, { authorization: `Bearer ${token}` }] as Array<Record<string, string>>) {
        const answer = await raw(path, headers);
        expect([path, answer.status]).toEqual([path, 'authorization' in headers ? 404 : 401]);
        expect(answer.type).toBe('application/problem+json');
      }
    }
    expect((await call('GET', '/openapi.json', { authorization: `Bearer ${token}` })).status).toBe(200);
  });

  test('an {id} of dots alone is 400 naming path.id, as sent: not read as a step up the path', async () => {
    // node:http sends the target as written; fetch would resolve the dots before sending.
    const raw = (method: string, path: string) =>
      new Promise<{ status: number; body: { issues?: Array<{ path: string }> } }>((resolve, reject) => {
        const request = http.request(
          `${base}/`,
          { method, path, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } },
          (response) => {
            let text = '';
            response.on('data', (chunk) => {
              text += chunk;
            });
            response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
          },
        );
        request.on('error', reject);
        request.end(method === 'POST' ? '{"decision":"approve"}' : undefined);
      });
    for (const [method, path] of [
      ['GET', '/intents/..'],
      ['GET', '/intents/%2e%2e'],
      ['GET', '/intents/.'],
      ['GET', '/intents/%2E'],
      ['GET', '/intents/../evidence'],
      ['POST', '/intents/%2e%2e/review'],
    ] as const) {
      const answer = await raw(method, path);
      expect([path, answer.status, answer.body.issues?.map((issue) => issue.path)]).toEqual([
        path,
        400,
        ['path.id'],
      ]);
    }
  });

  test('a body that is not UTF-8 is 400 naming the body, before it is relayed', async () => {
    const body = new Uint8Array([...new TextEncoder().encode('{"title":"caf'), 0xff, 0x22, 0x7d]);
    const response = await fetch(`${base}/intents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body,
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { issues: unknown }).issues).toEqual([
      { path: 'body', message: 'must be UTF-8 text: byte 13 is not' },
    ]);
  });

  test('the same reads with a token `itv token` issued are answered', async () => {
    const listed = await call('GET', '/intents', { authorization: `Bearer ${token}` });
    expect(listed.status).toBe(200);
    const document = await call('GET', '/openapi.json', { authorization: `Bearer ${token}` });
    expect(document.status).toBe(200);
  });

  test(
    'a request sent again under its Idempotency-Key is answered again with Idempotent-Replayed: true, and every header the API answers with',
    async () => {
      const seen = await idempotencyScenario(
        async (method, path, init) => {
          const answer = await call(method, path, {
            authorization: `Bearer ${token}`,
            headers: init.headers ?? {},
            ...(init.body === undefined ? {} : { raw: init.body }),
          });
          return {
            status: answer.status,
            header: (name) => answer.headers.get(name),
            body: JSON.parse(answer.text) as Record<string, unknown>,
          };
        },
        new Date(testClockStart),
        'serve-command',
      );
      expectIdempotency(seen);
    },
    intentsBudgetMs(1),
  );

  test('each request is one JSON line on stderr: method, path without its query, route, status, duration, principal; never a credential or a body', async () => {
    const secretBody = { note: 'body-never-logged' };
    await call('GET', '/intents?status=released&cursor=query-never-logged', {
      authorization: `Bearer ${token}`,
    });
    await call('GET', '/ledger', { authorization: 'Bearer itv_token-never-logged' });
    await call('POST', '/intents', { authorization: `Bearer ${token}`, body: secretBody });
    await call('DELETE', '/intents', { authorization: `Bearer ${token}` });
    await call('GET', '/no-such-route', { authorization: `Bearer ${token}` });
    const lines = async () => {
      for (let waited = 0; waited < 5000; waited += 50) {
        const parsed = stderr
          .split('\n')
          .filter((line) => line.startsWith('{'))
          .map((line) => JSON.parse(line) as Record<string, unknown>);
        if (parsed.some((line) => line.path === '/no-such-route')) return parsed;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`no access log line for /no-such-route in:\n${stderr}`);
    };
    const logged = await lines();
    const line = (method: string, path: string, status: number) =>
      logged.find((l) => l.httpMethod === method && l.path === path && l.status === status);
    expect(line('GET', '/intents', 200)).toEqual({
      requestId: expect.any(String),
      requestTime: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      ip: '127.0.0.1',
      httpMethod: 'GET',
      path: '/intents',
      resourcePath: '/intents',
      status: 200,
      responseLength: expect.any(Number),
      durationMs: expect.any(Number),
      principal: 'alice',
    });
    expect(line('GET', '/ledger', 401)).toMatchObject({ resourcePath: '/ledger', principal: null });
    expect(line('POST', '/intents', 400)).toMatchObject({ principal: 'alice' });
    expect(line('GET', '/no-such-route', 404)).toMatchObject({ resourcePath: null, principal: 'alice' });
    // A method the declared route does not take (405) is logged under that route.
    expect(line('DELETE', '/intents', 405)).toMatchObject({ resourcePath: '/intents' });
    for (const never of [token, 'itv_token-never-logged', 'query-never-logged', 'body-never-logged']) {
      expect(stderr).not.toContain(never);
    }
  });

  test('a body announced over the limit with Expect: 100-continue is refused before it is sent, never invited', async () => {
    // Prepare: headers only, as curl sends them for a large upload; the body waits for 100 Continue.
    const url = new URL('/intents', base);
    const request = http.request(url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'content-length': String(20 * 1024 * 1024),
        expect: '100-continue',
      },
    });

    // Act
    const answer = await new Promise<{ invited: boolean; status: number | undefined; body: string }>(
      (resolve, reject) => {
        let invited = false;
        request.on('continue', () => {
          invited = true;
          request.destroy();
        });
        request.on('response', (response) => {
          let body = '';
          response.on('data', (chunk) => {
            body += chunk;
          });
          response.on('end', () => resolve({ invited, status: response.statusCode, body }));
        });
        request.on('error', (error) =>
          invited ? resolve({ invited, status: undefined, body: '' }) : reject(error),
        );
        request.flushHeaders();
      },
    );

    // Assess
    expect(answer.invited).toBe(false);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'ContentTooLarge' });
  });

  test.each([
    ['no credential', undefined],
    ['a token nobody issued', 'Bearer itv_bogus'],
  ])(
    'a body announced over the limit with %s is 401, as a small one is, never invited nor read',
    async (_what, authorization) => {
      // As API Gateway's IAM auth, and the control plane, answer: who asks comes before what they send.
      for (const expectContinue of [false, true]) {
        const request = http.request(new URL('/intents', base), {
          method: 'POST',
          headers: {
            ...(authorization ? { authorization } : {}),
            'content-type': 'application/json',
            'content-length': String(20 * 1024 * 1024),
            ...(expectContinue ? { expect: '100-continue' } : {}),
          },
        });
        const answer = await new Promise<{
          invited: boolean;
          status?: number;
          headers?: http.IncomingHttpHeaders;
        }>((resolve, reject) => {
          let invited = false;
          request.on('continue', () => {
            invited = true;
            request.destroy();
          });
          request.on('response', (response) => {
            response.resume();
            response.on('end', () =>
              resolve({ invited, status: response.statusCode, headers: response.headers }),
            );
          });
          request.on('error', (error) => (invited ? resolve({ invited }) : reject(error)));
          if (expectContinue) request.flushHeaders();
          else request.write('{"a":');
        });
        request.destroy();
        expect({ expectContinue, invited: answer.invited, status: answer.status }).toEqual({
          expectContinue,
          invited: false,
          status: 401,
        });
        expect(answer.headers?.['www-authenticate']).toBe('Bearer');
      }
    },
  );

  /** A request sent with node:http as written: no header added, none dropped, a body on any method. */
  const rawCall = (
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: Uint8Array | string,
  ) =>
    new Promise<{ status: number; type: string | undefined; body: Record<string, unknown> }>(
      (resolve, reject) => {
        const request = http.request(new URL(path, base), { method, headers }, (response) => {
          let text = '';
          response.on('data', (chunk) => {
            text += chunk;
          });
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              type: response.headers['content-type'],
              body: JSON.parse(text) as Record<string, unknown>,
            }),
          );
        });
        request.on('error', reject);
        request.end(body);
      },
    );
  const example = readFileSync(join(root, 'examples/01-low-risk-flag.json'));

  test('a GET carrying a body is 400 naming the body, answered as problem+json', async () => {
    const answer = await rawCall(
      'GET',
      '/ledger/checkpoints',
      { authorization: `Bearer ${token}`, 'content-length': '1' },
      'x',
    );
    expect(answer.status).toBe(400);
    expect(answer.type).toBe('application/problem+json');
    expect(answer.body).toMatchObject({
      type: 'urn:itv:problem:invalid-input-error',
      title: 'Bad Request',
      status: 400,
      detail: expect.stringContaining('GET'),
      instance: '/ledger/checkpoints',
      issues: [{ path: 'body', message: 'a GET request carries no body' }],
    });
  });

  test('a body with no Content-Type is 415 saying none was sent, not a type the client never sent', async () => {
    const answer = await rawCall(
      'POST',
      '/intents',
      { authorization: `Bearer ${token}`, 'content-length': String(example.length) },
      example,
    );
    expect(answer.status).toBe(415);
    expect(answer.body.issues).toEqual([
      { path: 'content-type', message: 'must be application/json; the request names no content type' },
    ]);
  });

  test('a compressed body is 415 naming Content-Encoding: itv takes bodies as sent, uncompressed', async () => {
    const zipped = gzipSync(example);
    const answer = await rawCall(
      'POST',
      '/intents',
      { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
      zipped,
    );
    expect(answer.status).toBe(415);
    expect(answer.type).toBe('application/problem+json');
    expect(answer.body).toMatchObject({
      status: 415,
      instance: '/intents',
      issues: [{ path: 'content-encoding', message: 'must be identity (an uncompressed body), not gzip' }],
    });
  });

  test('a client that closes its connection mid-body is logged once, as 499, and the log stays JSON Lines', async () => {
    // Prepare: headers announcing 100 bytes, then 7 of them, on a path no other test sends.
    const url = new URL(base);
    const socket = connect(Number(url.port), url.hostname);
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    const head = [
      'POST /intents?aborted-mid-body HTTP/1.1',
      `Host: ${url.host}`,
      `Authorization: Bearer ${token}`,
      'Content-Type: application/json',
      'Content-Length: 100',
      '',
      '',
    ].join('\r\n');
    await new Promise<void>((resolve) => socket.write(`${head}{"id":1`, () => resolve()));

    // Act: the client goes away before the rest of the body.
    socket.destroy();
    const logged = async () => {
      for (let waited = 0; waited < 20_000; waited += 50) {
        const line = stderr
          .split('\n')
          .filter((text) => text.startsWith('{'))
          .map((text) => JSON.parse(text) as Record<string, unknown>)
          .filter((entry) => entry.httpMethod === 'POST' && entry.status === 499);
        if (line.length > 0) return line;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`no access log line for the aborted request in:\n${stderr}`);
    };

    // Assess
    // The client's address is known from its first byte: its hang-up does not take it from the line.
    expect(await logged()).toEqual([
      expect.objectContaining({ path: '/intents', responseLength: 0, ip: '127.0.0.1' }),
    ]);
    // Every line written is one JSON object: no stack trace, no second line for the request.
    const lines = stderr.split('\n').filter((text) => text.length > 0);
    for (const text of lines) expect(() => JSON.parse(text)).not.toThrow();
    expect(stderr).not.toMatch(/aborted|ECONNRESET/);
  });

  test('a 401 is one access-log line on stderr, the log staying JSON Lines of access-log fields', async () => {
    // Prepare: a body with no credential, on a path no other test sends, so itv serve refuses it itself.
    const before = stderr.length;

    // Act
    const answer = await call('POST', '/intents?unauthenticated-with-body', { body: { id: 'x' } });

    // Assess
    expect(answer.status).toBe(401);
    for (let waited = 0; waited < 5_000 && !stderr.slice(before).includes('"status":401'); waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const lines = stderr
      .slice(before)
      .split('\n')
      .filter((text) => text.length > 0)
      .map((text) => JSON.parse(text) as Record<string, unknown>);
    expect(lines).toEqual([expect.objectContaining({ httpMethod: 'POST', path: '/intents', status: 401 })]);
  });

  test("a request whose headers are over the server's limit is 431 as problem+json, not a bare status", async () => {
    // Prepare: 20 KB of headers, over Node's 16 KB.
    const url = new URL(base);
    const socket = connect(Number(url.port), url.hostname);
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk;
    });
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));

    // Act
    socket.write(`GET /intents?q=${'x'.repeat(20_000)} HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`);
    await closed;

    // Assess
    const [head = '', body = ''] = received.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 431 /);
    expect(head.toLowerCase()).toContain('content-type: application/problem+json');
    expect(JSON.parse(body)).toMatchObject({ status: 431, error: 'RequestHeaderFieldsTooLarge' });
  });

  test('the banner names where the routes are described', async () => {
    expect(banner).toContain(`${base}/openapi.json`);
    expect(banner).toContain('access log');
  });
});
