import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueToken } from '../../cli/runtime/local-tokens.js';
import { itvBin as itv, itvEnv, root, runItv as runItvIn } from '../support/run-itv.js';
import { intentsBudgetMs, setupMs } from '../support/time-budget.js';

const limit = 2;

const envFor = (home: string) => itvEnv(home, { ITV_MAX_IN_FLIGHT: String(limit) });
const runItv = (home: string, args: string[], onStderr?: (text: string) => void) =>
  runItvIn(home, args, { env: { ITV_MAX_IN_FLIGHT: String(limit) }, onStderr });

const example = JSON.parse(readFileSync(join(root, 'examples', '01-low-risk-flag.json'), 'utf8')) as {
  title: string;
};
const intentTitled = (n: number) => ({ ...example, title: `${example.title} (load ${n})` });
// victor's change waits for a reviewer of record (xavier); waiting for one, it holds no slot and no lane. Made
// without its attached check result, its gate first waits in process for CI to report it: that park holds its
// service's lane and its execution's slot. The same change made again waits in the lane behind it, and a queued
// execution keeps its slot too, so how many are taken at once does not depend on how fast the machine runs them.
const reviewed = JSON.parse(readFileSync(join(root, 'examples', '04-high-risk-review.json'), 'utf8')) as {
  title: string;
  testResults?: unknown;
};
const reviewedTitled = (n: number) => ({ ...reviewed, title: `${reviewed.title} (load ${n})` });
const { testResults: _attached, ...checkedByCi } = reviewed;

/**
 * The control plane's back-pressure, through `itv serve` as a user starts it: with ITV_MAX_IN_FLIGHT=2, a third
 * concurrent POST /intents is refused with 429 and Retry-After, writes nothing, and is taken once it retries.
 */
describe('load on one ITV_HOME through itv serve', () => {
  let home: string;
  let serve: ChildProcess;
  let base: string;
  let token: string;
  let victor: string;
  let xavier: string;

  beforeEach(async () => {
    home = mkdtempSync(join(tmpdir(), 'itv-load-'));
    token = issueToken(home, 'alice');
    victor = issueToken(home, 'victor');
    xavier = issueToken(home, 'xavier');
    serve = spawn(process.execPath, [itv, 'serve', '--port', '0'], { cwd: root, env: envFor(home) });
    base = await new Promise<string>((resolve, reject) => {
      let out = '';
      serve.stdout?.on('data', (chunk) => {
        out += chunk;
        const url = /http:\/\/127\.0\.0\.1:\d+/.exec(out)?.[0];
        if (url) resolve(url);
      });
      serve.once('exit', (code) => reject(new Error(`itv serve exited with ${code}`)));
    });
  }, setupMs);

  afterEach(async () => {
    serve.kill('SIGTERM');
    const stopped = await runItv(home, ['control-plane', 'stop']);
    expect(stopped.code).toBe(0);
    expect(existsSync(join(home, 'owner.lock'))).toBe(false);
    rmSync(home, { recursive: true, force: true });
  }, setupMs);

  const post = async (body: unknown, as = token, path = '/intents', method = 'POST') => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${as}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      body: (await response.json()) as Record<string, unknown>,
    };
  };
  const statusOf = async (intentId: string) => {
    const response = await fetch(`${base}/intents/${encodeURIComponent(intentId)}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return {
      code: response.status,
      body: (await response.json()) as { status?: string; steps?: Array<{ type: string }> },
    };
  };
  const untilConcluded = async (intentId: string) => {
    for (;;) {
      const { body } = await statusOf(intentId);
      if (body.steps?.some((step) => step.type === 'intent.concluded')) return body;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };

  /** Approves (as xavier, the reviewer of record) each of `ids` when it parks for review, until all have concluded. */
  const approveAsTheyParkUntilConcluded = async (ids: string[]) => {
    const approved = new Set<string>();
    const pending = new Set(ids);
    while (pending.size > 0) {
      for (const id of [...pending]) {
        const { body } = await statusOf(id);
        if (body.steps?.some((step) => step.type === 'intent.concluded')) pending.delete(id);
        else if (body.status === 'awaiting-review' && !approved.has(id)) {
          const answer = await post(
            { decision: 'approve' },
            xavier,
            `/intents/${encodeURIComponent(id)}/review`,
          );
          // A review resumes an execution, so it too waits for a slot: while two others are at work it is refused
          // with 429 and Retry-After, and is sent again on a later round.
          if (answer.status === 429) {
            expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
            continue;
          }
          expect(answer.status).toBeLessThan(300);
          approved.add(id);
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect([...approved].sort()).toEqual([...ids].sort());
  };

  test(
    'over the limit of executions in flight: 429 with Retry-After, nothing recorded, and a retry is taken later',
    async () => {
      // Prepare: one change holds the service's lane, and one of the two slots, while its gate waits for CI.
      const blocker = await post({ ...checkedByCi, title: `${reviewed.title} (load 100)` }, victor);
      expect(blocker.status).toBe(202);
      const blockerId = String(blocker.body.intentId);
      while ((await statusOf(blockerId)).body.status !== 'awaiting-checks')
        await new Promise((resolve) => setTimeout(resolve, 100));

      // Act: six at once; one is taken and queues behind it, holding the other slot, so five are refused.
      const answers = await Promise.all(Array.from({ length: 6 }, (_, n) => post(reviewedTitled(n), victor)));

      // Assess
      const accepted = answers.filter((answer) => answer.status === 202);
      const refused = answers.filter((answer) => answer.status === 429);
      expect(accepted.length).toBe(limit - 1);
      expect(refused.length).toBe(6 - (limit - 1));
      for (const answer of refused) {
        expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
        expect(answer.body).toMatchObject({ error: 'TooManyRequests' });
        expect(String(answer.body.message)).toContain(`${limit} executions`);
        expect(String(answer.body.message)).toContain('ITV_MAX_IN_FLIGHT');
      }
      const acceptedIds = accepted.map((answer) => String(answer.body.intentId));
      for (const id of acceptedIds) {
        while ((await statusOf(id)).body.status !== 'admission.queued')
          await new Promise((resolve) => setTimeout(resolve, 100));
      }
      // The requester reports the blocker's check: its gate passes, it waits for its reviewer without the lane,
      // and the queued one is admitted. The reviewer of record approves each as it parks, in whatever order, and
      // each approved one is admitted again and runs on to its conclusion.
      const checked = await post(
        { status: 'passed' },
        victor,
        `/intents/${encodeURIComponent(blockerId)}/checks/hipaa-audit-controls`,
        'PUT',
      );
      expect(checked.status).toBeLessThan(300);
      await approveAsTheyParkUntilConcluded([blockerId, ...acceptedIds]);
      // The stop waits for every execution to end, so nothing is appended while the ledger is counted.
      expect((await runItv(home, ['control-plane', 'stop'])).code).toBe(0);
      // Nothing for the refused ones: the ledger holds the accepted intents' entries alone.
      const recorded = await Promise.all(
        [blockerId, ...acceptedIds].map(async (id) => (await statusOf(id)).body.steps?.length ?? 0),
      );
      const after = JSON.parse((await runItv(home, ['ledger', 'verify', '--json'])).stdout) as {
        ok: boolean;
        size: number;
      };
      expect(after.ok).toBe(true);
      expect(after.size).toBe(recorded.reduce((sum, n) => sum + n, 0));
      const refusedIndex = answers.findIndex((answer) => answer.status === 429);

      // Act: the refused intent, once the executions in flight have ended; reviewed as it parks.
      const retried = await post(reviewedTitled(refusedIndex), victor);
      const retriedId = String(retried.body.intentId);
      await approveAsTheyParkUntilConcluded([retriedId]);

      // Assess
      expect(retried.status).toBe(202);
      const concluded = await untilConcluded(retriedId);
      expect(concluded.steps?.at(-1)?.type).toMatch(/^(intent\.concluded|checkpoint\.signed)$/);
    },
    intentsBudgetMs(5),
  );

  test(
    'a load of intents all conclude, and nothing is recorded for any intent after its conclusion',
    async () => {
      // Act: eight clients, four times the limit, each honouring Retry-After until its intent is taken.
      const ids = await Promise.all(
        Array.from({ length: 8 }, async (_, n) => {
          for (;;) {
            const answer = await post(intentTitled(20 + n));
            if (answer.status === 202) return String(answer.body.intentId);
            expect(answer.status).toBe(429);
            await new Promise((resolve) => setTimeout(resolve, Number(answer.retryAfter) * 1000));
          }
        }),
      );
      for (const id of ids) await untilConcluded(id);
      const stopped = await runItv(home, ['control-plane', 'stop']);
      expect(stopped.code).toBe(0);

      // Assess: read back after every execution has ended (the stop waits for them).
      const verify = await runItv(home, ['ledger', 'verify', '--json']);
      expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true });
      for (const id of ids) {
        const steps = ((await statusOf(id)).body.steps ?? []).map((step) => step.type);
        const concludedAt = steps.indexOf('intent.concluded');
        expect(concludedAt).toBeGreaterThan(0);
        expect(steps.slice(concludedAt + 1).filter((type) => type !== 'checkpoint.signed')).toEqual([]);
      }
    },
    intentsBudgetMs(8),
  );
});
