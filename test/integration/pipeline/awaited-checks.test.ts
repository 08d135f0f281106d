import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalog } from '../../../catalog/index.js';
import { demoStartInstant } from '../../../cli/demo-clock.js';
import { DiscreteEventScheduler } from '../../../cli/runtime/event-scheduler.js';
import { bearerCaller, issueToken } from '../../../cli/runtime/local-tokens.js';
import { intentSchema } from '../../../lambdas/core/intent.js';
import { checksWaitSeconds } from '../../../lambdas/core/pipeline/checks-wait.js';
import { type LocalApiServer, startLocalApi } from '../../support/local-api-server.js';
import { intentsBudgetMs } from '../../support/time-budget.js';

const review = JSON.parse(
  readFileSync(new URL('../../../examples/04-high-risk-review.json', import.meta.url), 'utf8'),
);
// A fail-fast tier whose checks are left to CI, submitted before CI has reported anything.
const { testResults: _attached, ...withoutResults } = review;
const checks = ['hipaa-audit-controls', 'audit-log-e2e'];
const start = demoStartInstant(new Date('2026-11-03T14:00:00Z'), [intentSchema.parse(review)], loadCatalog());

/**
 * A fail-fast gate waits for the results of the checks its intent names, on the real ASL over the local API:
 * Verify records `verification.awaiting-checks` once and the execution parks in AwaitChecks; each report of a
 * check it waits for wakes it and Verify runs again; a stop ends the park at once; past its deadline Verify fails
 * the gate naming what never came.
 */
describe('a fail-fast gate waiting for CI (local runtime)', () => {
  let home: string;
  let api: LocalApiServer | undefined;
  let leave: () => void = () => {};
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'itv-awaited-checks-'));
  });
  afterEach(async () => {
    leave();
    await api?.close();
    rmSync(home, { recursive: true, force: true });
  });

  const call = async (method: string, path: string, body: unknown) => {
    const response = await fetch(`${api!.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${issueToken(home, 'victor')}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const entries = async (id: string) =>
    (await api!.stack.deps.ledger.forIntent('main', id)).map((stored) => stored.entry);
  const types = async (id: string) => (await entries(id)).map((entry) => entry.type);
  /** Polls for at most 30 s of wall time; the assertions after it say what did not happen. */
  const until = async (condition: () => Promise<boolean>) => {
    for (let i = 0; i < 600 && !(await condition()); i++) await new Promise((r) => setTimeout(r, 50));
  };
  const submit = async (id: string) => {
    const submitted = await call('POST', '/intents', {
      ...withoutResults,
      id,
      constraints: { ...withoutResults.constraints, checks },
    });
    expect(submitted.status).toBe(202);
    await until(async () => (await types(id)).includes('verification.awaiting-checks'));
  };
  const status = async (id: string) => (await call('GET', `/intents/${id}`, undefined)).body.status;

  test(
    'parks once; each report wakes it; Verify counts both and the change goes on to its reviewer',
    async () => {
      // Prepare
      api = await startLocalApi(home, bearerCaller(home), start);
      await submit('awaited-checks');
      const parked = await status('awaited-checks');
      const waiting = api.executions.isRunning('awaited-checks');

      // Act: CI reports one check, then the other.
      const first = await call('PUT', `/intents/awaited-checks/checks/${checks[0]}`, {
        status: 'passed',
        detail: 'controls AU-2..AU-12 tested',
      });
      await until(
        async () => (await types('awaited-checks')).filter((t) => t === 'check.reported').length === 1,
      );
      const afterFirst = await status('awaited-checks');
      const second = await call('PUT', `/intents/awaited-checks/checks/${checks[1]}`, { status: 'passed' });
      await until(async () => (await types('awaited-checks')).includes('review.requested'));

      // Assess
      expect(parked).toBe('awaiting-checks');
      expect(waiting).toBe(true);
      expect([first.status, second.status]).toEqual([201, 201]);
      expect(afterFirst).toBe('awaiting-checks');
      const recorded = await entries('awaited-checks');
      const kinds = recorded.map((entry) => entry.type);
      expect(kinds.filter((kind) => kind.startsWith('verification.'))).toEqual([
        'verification.awaiting-checks',
        'verification.passed',
      ]);
      const awaited = recorded.find((entry) => entry.type === 'verification.awaiting-checks')!;
      expect(awaited.payload).toEqual({
        gate: 'fail-fast',
        missing: checks,
        deadline: new Date(Date.parse(awaited.timestamp) + checksWaitSeconds * 1000).toISOString(),
        waitSeconds: checksWaitSeconds,
      });
      const verified = recorded.find((entry) => entry.type === 'verification.passed')!.payload as {
        results: Array<{ check: string; detail: string }>;
      };
      expect(verified.results.filter((r) => checks.includes(r.check))).toEqual([
        {
          check: checks[0],
          passed: true,
          detail: 'reported passed by victor: controls AU-2..AU-12 tested',
          source: 'reported',
          reportedBy: 'victor',
        },
        {
          check: checks[1],
          passed: true,
          detail: 'reported passed by victor',
          source: 'reported',
          reportedBy: 'victor',
        },
      ]);
      expect(kinds.indexOf('verification.passed')).toBeGreaterThan(kinds.lastIndexOf('check.reported'));
      expect(kinds.at(-1)).toBe('review.requested');
      expect(await status('awaited-checks')).toBe('awaiting-review');
    },
    intentsBudgetMs(1),
  );

  test(
    'a stop while it waits ends the park at once: the intent concludes stopped, the clock not moved',
    async () => {
      // Prepare
      api = await startLocalApi(home, bearerCaller(home), start);
      await submit('awaited-stop');
      const before = api.stack.clock.now().getTime();

      // Act
      const stopped = await call('POST', '/intents/awaited-stop/stop', { reason: 'CI is down today' });
      await until(async () => (await types('awaited-stop')).at(-1) === 'checkpoint.signed');
      const late = await call('PUT', `/intents/awaited-stop/checks/${checks[0]}`, { status: 'passed' });

      // Assess
      expect(stopped.status).toBe(202);
      const recorded = await entries('awaited-stop');
      const kinds = recorded.map((entry) => entry.type);
      expect(kinds.filter((kind) => kind.startsWith('verification.'))).toEqual([
        'verification.awaiting-checks',
      ]);
      expect(kinds.slice(-3)).toEqual(['intent.stopped', 'intent.concluded', 'checkpoint.signed']);
      expect(recorded.find((entry) => entry.type === 'intent.concluded')!.payload).toMatchObject({
        outcome: 'stopped',
      });
      expect(api.stack.clock.now().getTime() - before).toBeLessThan(checksWaitSeconds * 1000);
      // Concluded: nothing is left to count a report, and nothing is recorded for one.
      expect(late.status).toBe(409);
      expect(kinds).not.toContain('check.reported');
    },
    intentsBudgetMs(1),
  );

  test(
    'waiting for CI it is still running: idle() resolves only once its park ends, here by suspendParks as a stopping control plane ends it',
    async () => {
      // Prepare
      api = await startLocalApi(home, bearerCaller(home), start);
      await submit('awaited-idle');
      let settled = false;
      const idle = api.executions.idle().then(() => {
        settled = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 200));
      const settledWhileParked = settled;
      const parked = api.executions.parkedInProcess;

      // Act
      const suspended = api.executions.suspendParks();
      await idle;

      // Assess
      expect(parked).toBe(1);
      expect(settledWhileParked).toBe(false);
      expect(suspended).toBe(1);
      expect(api.executions.inFlight).toBe(0);
      // Ended as a crash would: nothing written after the park's entry.
      expect((await types('awaited-idle')).at(-1)).toBe('verification.awaiting-checks');
    },
    intentsBudgetMs(1),
  );

  test(
    'past its deadline Verify runs again and fails the gate naming the check that never came',
    async () => {
      // Prepare: other work holds the shared clock, then waits three hours, past the park's deadline.
      let scheduler: DiscreteEventScheduler | undefined;
      api = await startLocalApi(home, bearerCaller(home), start, (stack) => {
        scheduler = new DiscreteEventScheduler(stack.clock);
        return scheduler;
      });
      leave = scheduler!.join();
      await submit('awaited-timeout');
      const reported = await call('PUT', `/intents/awaited-timeout/checks/${checks[0]}`, {
        status: 'passed',
      });
      await until(async () => (await types('awaited-timeout')).includes('check.reported'));

      // Act
      await scheduler!.sleep(3 * 3600 * 1000);
      await until(async () => (await types('awaited-timeout')).at(-1) === 'checkpoint.signed');

      // Assess
      expect(reported.status).toBe(201);
      const recorded = await entries('awaited-timeout');
      const kinds = recorded.map((entry) => entry.type);
      expect(kinds.filter((kind) => kind.startsWith('verification.'))).toEqual([
        'verification.awaiting-checks',
        'verification.failed',
      ]);
      const awaited = recorded.find((entry) => entry.type === 'verification.awaiting-checks')!.payload as {
        deadline: string;
      };
      const failed = recorded.find((entry) => entry.type === 'verification.failed')!;
      expect(Date.parse(failed.timestamp)).toBeGreaterThanOrEqual(Date.parse(awaited.deadline));
      expect((failed.payload as { results: unknown[] }).results).toEqual(
        expect.arrayContaining([
          {
            check: checks[0],
            passed: true,
            detail: 'reported passed by victor',
            source: 'reported',
            reportedBy: 'victor',
          },
          {
            check: checks[1],
            passed: false,
            detail: `no result reported by ${awaited.deadline}, when the wait for it ended; a fail-fast gate does not continue without it`,
          },
        ]),
      );
      expect(recorded.find((entry) => entry.type === 'intent.concluded')!.payload).toMatchObject({
        outcome: 'failed-verification',
      });
    },
    intentsBudgetMs(1),
  );
});
