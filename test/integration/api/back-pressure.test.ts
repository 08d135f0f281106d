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

type Call = (
  path: string,
  who: string,
  body?: unknown,
) => Promise<{ status: number; retryAfter: string | null; body: Record<string, unknown> }>;

/**
 * The local API over HTTP on a home of its own, with `maxInFlight` places among the executions in flight, and a
 * caller that sends a request as victor (who submits) or xavier (HIPAA's reviewer of record) with their tokens.
 */
async function withApi(
  maxInFlight: number,
  work: (call: Call, executions: LocalExecutions) => Promise<void>,
): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), 'itv-back-pressure-'));
  const tokens = Object.fromEntries(['victor', 'xavier'].map((who) => [who, issueToken(home, who)]));
  try {
    await withSession({ home, inMemory: true, clockStart }, async (session) => {
      const executions = new LocalExecutions(
        session.pipeline,
        session.stack.deps.ledger,
        session.stack.deps.ledgerName,
        console.error,
        maxInFlight,
      );
      const api = localApi(session.stack, executions, { authenticate: bearerCaller(home) });
      const server: Server = createServer((req, res) => void api(req, res));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const call: Call = async (path, who, body) => {
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
        await work(call, executions);
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await executions.idle();
      }
    });
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/**
 * The review route resumes an execution, so it takes a slot among the executions in flight like a new
 * submission: with every slot held both answer 429 with Retry-After and record nothing, while a resubmission,
 * which starts nothing, is still answered as a duplicate.
 */
test(
  'a review over the limit of executions in flight is refused with 429 and recorded only once a slot frees',
  () =>
    withApi(1, async (call, executions) => {
      // Prepare: one slot; an intent parked for its reviewer (a parked execution holds no slot).
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
    }),
  intentsBudgetMs(2),
);

/**
 * Executions parked in process wait on others (a lane, CI, a due instant), often on the very review or stop a
 * request asks for: they take no place from it. Before, a holder parked for CI and the intents queued behind it
 * filled every place, and the stop that would free their lane was refused with 429 for as long as they waited.
 */
test(
  'an intent queued behind one awaiting its checks takes no place from the stop that frees the lane: it is taken, and the waiter releases',
  () =>
    withApi(2, async (call, executions) => {
      // Prepare: victor's change, its check result left for CI, parks for it holding patient-records' lane (a
      // review wait would give the lane up); a second change to patient-records queues behind it, parked in this
      // process for the lane. The two parked executions fill both places.
      const { testResults: _attached, ...review } = example('04-high-risk-review.json');
      const holder = { ...review, id: 'lane-holder' };
      const waiter = {
        ...example('04-high-risk-review.json'),
        id: 'lane-waiter',
        title: 'The next retention change',
      };
      // An execution parked in process has not ended, so `executions.idle()` would wait for it: poll its status.
      const statusOnce = async (id: string, wanted: string) => {
        let status = (await call(`/intents/${id}`, 'victor')).body.status;
        for (let polls = 0; status !== wanted && polls < 2000; polls++) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          status = (await call(`/intents/${id}`, 'victor')).body.status;
        }
        return status;
      };
      expect((await call('/intents', 'victor', holder)).status).toBe(202);
      expect(await statusOnce('lane-holder', 'awaiting-checks')).toBe('awaiting-checks');
      expect((await call('/intents', 'victor', waiter)).status).toBe(202);
      expect(await statusOnce('lane-waiter', 'admission.queued')).toBe('admission.queued');
      expect(executions.parkedInProcess).toBe(2);

      // Act: victor stops the holder, sent again after each 429 as `itv stop` does (until the queued execution has
      // parked it is at work, and holds a place). Before, every answer was 429.
      const send = async (path: string, who: string, body: unknown) => {
        let answer = await call(path, who, body);
        for (let tries = 1; answer.status === 429 && tries < 100; tries++) {
          await new Promise((resolve) => setTimeout(resolve, 200));
          answer = await call(path, who, body);
        }
        return answer;
      };
      const stopped = await send('/intents/lane-holder/stop', 'victor', { reason: 'CI will not run today' });
      expect(stopped.status).toBe(202);
      await executions.idle();
      expect((await call('/intents/lane-waiter', 'victor')).body).toMatchObject({
        status: 'awaiting-review',
      });
      const approved = await send('/intents/lane-waiter/review', 'xavier', { decision: 'approve' });
      expect(approved.status).toBe(200);
      await executions.idle();

      // Assess
      expect((await call('/intents/lane-holder', 'victor')).body).toMatchObject({ status: 'stopped' });
      expect((await call('/intents/lane-waiter', 'victor')).body).toMatchObject({ status: 'released' });
    }),
  intentsBudgetMs(2),
);
