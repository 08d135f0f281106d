import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeAddress } from '../../cli/control-plane/home-owner.js';
import { runItv } from '../support/run-itv.js';
import { setupMs } from '../support/time-budget.js';

/**
 * `itv submit` against a control plane at its limit, deterministically: a stand-in control plane (this test's
 * own HTTP server, named in the home's control-plane.json) refuses the first POST /intents with 429 and
 * Retry-After, as the real one does when ITV_MAX_IN_FLIGHT executions run (test/integration/api/back-pressure
 * and test/cli/load-back-pressure hold the real one to that), and takes the next.
 */
/** The build the stand-in control plane reports, the one the command is told it runs. */
const standInBuild = 'stand-in-build';

describe('itv submit and a control plane at its limit', () => {
  let home: string;
  let server: Server;
  const posts: Array<{ at: number; authorized: boolean }> = [];

  beforeEach(async () => {
    home = mkdtempSync(join(tmpdir(), 'itv-retry-after-'));
    posts.length = 0;
    const secret = 'stand-in-secret';
    const status = {
      intentId: 'int-standin',
      status: 'released',
      outcome: 'released',
      steps: [],
      reasons: [],
    };
    server = createServer((request: IncomingMessage, response) => {
      const reply = (code: number, body: unknown, headers: Record<string, string> = {}) => {
        response.writeHead(code, { 'content-type': 'application/json', ...headers });
        response.end(JSON.stringify(body));
      };
      request.resume();
      if (request.method === 'POST' && request.url === '/intents') {
        posts.push({ at: Date.now(), authorized: request.headers.authorization === `ItvLocal ${secret}` });
        if (posts.length === 1) {
          reply(
            429,
            {
              error: 'TooManyRequests',
              message:
                "2 executions are in flight, the control plane's limit (ITV_MAX_IN_FLIGHT); retry after 1 s",
            },
            { 'retry-after': '1' },
          );
        } else {
          reply(202, {
            intentId: status.intentId,
            executionId: 'local:int-standin',
            status: '/intents/int-standin',
          });
        }
      } else if (request.url?.startsWith('/local/intents/')) {
        reply(200, { events: [], running: false });
      } else if (request.url === `/intents/${status.intentId}`) {
        reply(200, status);
      } else {
        // Its health names the build the command runs (ITV_BUILD_IDENTITY), or the command would restart it.
        reply(200, { pid: process.pid, build: standInBuild });
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    writeAddress(home, { pid: process.pid, url, secret });
  });

  afterEach(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(home, { recursive: true, force: true });
  });

  test(
    'waits out a 429 for its Retry-After, saying so in one line on stderr under --json, then submits',
    async () => {
      // Prepare
      const file = join(home, 'intent.json');
      writeFileSync(file, JSON.stringify({ title: 'any intent: the stand-in does not read it' }));

      // Act
      const submitted = await runItv(home, ['submit', file, '--as', 'alice', '--json'], {
        env: { ITV_BUILD_IDENTITY: standInBuild },
      });

      // Assess
      expect([submitted.code, submitted.stderr.trim().split('\n')]).toEqual([
        0,
        [
          expect.stringMatching(
            /^itv: 2 executions are in flight.*ITV_MAX_IN_FLIGHT.*; waiting \d+ s, retrying/,
          ),
        ],
      ]);
      expect(JSON.parse(submitted.stdout)).toMatchObject({ intentId: 'int-standin', status: 'released' });
      expect(posts).toHaveLength(2);
      expect(posts.every((post) => post.authorized)).toBe(true);
      // It waited at least the Retry-After the control plane asked for.
      expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(1000);
    },
    setupMs,
  );
});
