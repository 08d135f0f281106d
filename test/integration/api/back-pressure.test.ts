import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localApi } from '../../../cli/control-plane/api.js';
import { LocalExecutions } from '../../../cli/runtime/local-executions.js';
import { bearerCaller, issueToken } from '../../../cli/runtime/local-tokens.js';
import { withSession } from '../../../cli/session.js';
import { intentsBudgetMs } from '../../support/time-budget.js';

const example = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../../examples/${name}`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;

/** A Wednesday outside every freeze window. */
const clockStart = new Date('2026-11-04T15:00:00Z');

/**
 * The review route resumes an execution, so it takes a slot among the executions in flight like a new
 * submission: with every slot held both answer 429 with Retry-After and record nothing, while a resubmission,
 * which starts nothing, is still answered as a duplicate.
 */
test(
  'a review over the limit of executions in flight is refused with 429 and recorded only once a slot frees',
  async () => {
    const home = mkdtempSync(join(tmpdir(), 'itv-back-pressure-'));
    const tokens = Object.fromEntries(['victor', 'xavier'].map((who) => [who, issueToken(home, who)]));
    try {
      await withSession({ home, inMemory: true, clockStart }, async (session) => {
        // Prepare: one slot; an intent parked for its reviewer (a parked execution holds no slot).
        const executions = new LocalExecutions(
          session.pipeline,
          session.stack.deps.ledger,
          session.stack.deps.ledgerName,
          console.error,
          1,
        );
        const api = localApi(session.stack, executions, { authenticate: bearerCaller(home) });
        const server: Server = createServer((req, res) => void api(req, res));
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        const call = async (path: string, who: string, body?: unknown) => {
          const response = await fetch(`${base}${path}`, {
            method: body === undefined ? 'GET' : 'POST',
            headers: { authorization: `Bearer ${tokens[who]}`, 'content-type': 'application/json' },
            ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          });
          return {
            status: response.status,
            retryAfter: response.headers.get('retry-after'),
            body: (await response.json()) as Record<string, unknown>,
          };
        };
        try {
          const high = { ...example('04-high-risk-review.json'), id: 'back-pressure-high' };
          expect((await call('/intents', 'victor', high)).status).toBe(202);
          await executions.idle();
          const path = '/intents/back-pressure-high';
          expect((await call(path, 'victor')).body).toMatchObject({ status: 'awaiting-review' });
          const held = executions.reserve();
          expect(held).toBeDefined();

          // Act
          const refused = await call(`${path}/review`, 'xavier', { decision: 'approve' });
          const submitted = await call('/intents', 'victor', { ...high, id: 'back-pressure-other' });
          const resubmitted = await call('/intents', 'victor', high);

          // Assess
          expect(refused.status).toBe(429);
          expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
          expect(refused.body).toMatchObject({ error: 'TooManyRequests' });
          expect(String(refused.body.message)).toMatch(/^1 executions are in flight, .*ITV_MAX_IN_FLIGHT/);
          expect(submitted.status).toBe(429);
          expect(Number(submitted.retryAfter)).toBeGreaterThanOrEqual(1);
          expect(submitted.body).toMatchObject({ error: 'TooManyRequests' });
          // A resubmission starts nothing, so it needs no place: it is answered as the duplicate it is.
          expect([resubmitted.status, resubmitted.body]).toEqual([
            200,
            { intentId: 'back-pressure-high', status: path, duplicate: true },
          ]);
          expect((await call(path, 'victor')).body).toMatchObject({ status: 'awaiting-review' });
          expect((await call('/intents/back-pressure-other', 'victor')).status).toBe(404);

          // Act: the slot given back, the same review is taken.
          held?.release();
          const approved = await call(`${path}/review`, 'xavier', { decision: 'approve' });
          await executions.idle();

          // Assess
          expect(approved.status).toBe(200);
          expect((await call(path, 'victor')).body).toMatchObject({ status: 'released' });
        } finally {
          await new Promise<void>((resolve) => server.close(() => resolve()));
          await executions.idle();
        }
      });
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  },
  intentsBudgetMs(2),
);
