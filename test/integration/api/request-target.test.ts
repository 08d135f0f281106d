import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bearerCaller, issueToken } from '../../../cli/runtime/local-tokens.js';
import { type LocalApiServer, startLocalApi } from '../../support/local-api-server.js';
import { setupMs } from '../../support/time-budget.js';

/** Sends the request target as written (fetch would resolve it first). */
function raw(base: string, path: string, authorization: string) {
  return new Promise<{ status: number; type: string | undefined }>((resolve, reject) => {
    const request = http.request(`${base}/`, { path, headers: { authorization } }, (response) => {
      response.resume();
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, type: response.headers['content-type'] }),
      );
    });
    request.on('error', reject);
    request.end();
  });
}

/**
 * The control plane reads a request's target as a path of its own: `//` and `//host/…` are paths no route
 * declares (404 problem+json), never another URL, never a 500.
 */
describe('the control plane, asked for a path beginning with two slashes', () => {
  let home: string;
  let api: LocalApiServer;
  let token: string;

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'itv-request-target-'));
    token = issueToken(home, 'alice');
    api = await startLocalApi(home, bearerCaller(home), new Date('2026-11-04T15:00:00Z'));
  }, setupMs);
  afterAll(async () => {
    await api?.close();
    rmSync(home, { recursive: true, force: true });
  }, setupMs);

  test('answers 404 problem+json, and goes on answering', async () => {
    for (const path of ['//', '///', '//intents', '//evil.example.com/intents']) {
      const answer = await raw(api.base, path, `Bearer ${token}`);
      expect([path, answer.status, answer.type]).toEqual([path, 404, 'application/problem+json']);
    }
    expect((await raw(api.base, '/intents', `Bearer ${token}`)).status).toBe(200);
  });
});
