import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAlive } from '../../cli/control-plane/home-owner.js';
import { simulatorKeys } from '../../lambdas/adapters/local/simulated-deployment.js';
import { stateKeys } from '../../lambdas/core/state-keys.js';
import { openLocalStack } from '../../lambdas/wiring/local/local-stack.js';
import { controlPlaneGet, controlPlanePid, root, runItv } from '../support/run-itv.js';
import { intentsBudgetMs, setupMs } from '../support/time-budget.js';

/**
 * Rounds of kill -9, each at a random instant: `npm test` runs one (each round restarts and resumes the control
 * plane, about ten seconds), `.ci/run` sets ITV_CRASH_ROUNDS=12.
 */
const rounds = Number(process.env.ITV_CRASH_ROUNDS ?? 1);
/** The instants are random but reproducible: the seed is printed when a round fails. */
const seed = Number(process.env.ITV_CRASH_SEED ?? Date.now() % 100_000);

/** A small deterministic generator (mulberry32), so a failing round can be run again with its seed. */
function random(seedValue: number): () => number {
  let a = seedValue >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * What a stopped home holds, opened as `itv` opens it: each service's deployments in AppConfig's simulator, every
 * deployment id the ledger's entries name (a deployment the ledger never names was made by a step whose entry was
 * lost, or made twice by a retried one), and the admission places left (each concluded intent deletes its own).
 */
async function homeAfter(home: string, services: readonly string[]) {
  const stack = await openLocalStack({ home });
  try {
    const { state, ledger, ledgerName } = stack.deps;
    const made = new Map<string, string[]>();
    for (const service of services) {
      made.set(
        service,
        (await state.list(simulatorKeys.deploymentPartition(service))).map((item) => item.sk),
      );
    }
    const named = new Set(
      (await ledger.read(ledgerName, 0)).flatMap(({ entry }) => {
        const id = entry.payload.deploymentId;
        return typeof id === 'string' ? [id] : [];
      }),
    );
    const places = (await state.list(stateKeys.inFlight().pk)).map((item) => item.sk);
    return { made, named, places };
  } finally {
    await stack.close();
  }
}

/**
 * The round's commands, or, past the budget of a round's three intents, a failure naming the round and showing
 * each unfinished intent's status, the stages its execution went through on the control plane now running,
 * and that control plane's log.
 */
async function withinRound<T>(
  home: string,
  runs: Promise<T>,
  abort: AbortController,
  round: string,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'expired'>((resolve) => {
    timer = setTimeout(() => resolve('expired'), intentsBudgetMs(3));
  });
  const first = await Promise.race([runs, expired]);
  clearTimeout(timer);
  if (first !== 'expired') return first;
  abort.abort();
  const listed = await runItv(home, ['list', '--json']);
  const items = (
    JSON.parse(listed.stdout) as { items: Array<{ intentId: string; status: string; lastStep: string }> }
  ).items;
  const open = [];
  for (const item of items.filter((i) => !['released', 'rolled-back', 'failed'].includes(i.status))) {
    const { events, running } = await controlPlaneGet<{
      events: Array<{ state: string; phase: string }>;
      running: boolean;
    }>(home, `/local/intents/${item.intentId}/progress?after=0`);
    open.push({ ...item, running, stages: events.map((e) => `${e.state} ${e.phase}`).join(', ') });
  }
  // The executions on the virtual clock: time moves only while all of them wait.
  const health = JSON.stringify(await controlPlaneGet(home, '/local/health'));
  const log = readFileSync(join(home, 'control-plane.log'), 'utf8').split('\n').slice(-30).join('\n');
  throw new Error(
    `${round}: not done in ${intentsBudgetMs(3)} ms\n${health}\n${JSON.stringify(open, null, 2)}\n${log}`,
  );
}

/**
 * What a round submits, taking turns: a flag change that releases; a change whose fault AppConfig rolls back at
 * 30 % (kills then also land in its alarm, its roll-back and RecordFailure's path); a change that waits for a
 * reviewer of record, who approves each as it parks (kills then also land in the review wait, and in the review
 * that resumes it); and a change released in steps whose fail-fast gate waits for CI's result of the check it
 * names (its example's attached result left out), which CI reports as each parks (kills then also land in the
 * check wait, the report that wakes it and the percentage steps). `npm test`'s one round is the first; CI's twenty
 * run five of each.
 */
const kinds = (
  [
    { file: '01-low-risk-flag.json', as: 'alice', code: 0, status: 'released', service: 'launch-flags' },
    {
      file: '05-slo-regression.json',
      as: 'bob',
      code: 2,
      status: 'rolled-back',
      service: 'customer-onboarding',
    },
    {
      file: '04-high-risk-review.json',
      as: 'victor',
      code: 0,
      status: 'released',
      service: 'patient-records',
      reviewer: 'xavier',
    },
    {
      file: '06-deal-desk-pricing.json',
      as: 'dana',
      code: 0,
      status: 'released',
      service: 'pricing-engine',
      check: 'quote-regression-suite',
    },
  ] as Array<{
    file: string;
    as: string;
    code: number;
    status: string;
    service: string;
    reviewer?: string;
    check?: string;
  }>
).map((kind) => {
  const intent = JSON.parse(readFileSync(join(root, 'examples', kind.file), 'utf8')) as {
    title: string;
    testResults?: unknown;
  };
  // CI reports the check as each intent parks: the result the example carries is left out.
  if (kind.check !== undefined) delete intent.testResults;
  return { ...kind, intent };
});
const [flag] = kinds as [(typeof kinds)[number]];

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A person acting on every intent parked in `status`, as each parks, whichever control plane is running (`itv
 * review` or `itv check report` starts one if none is): a reviewer of record approving, CI reporting a check. An
 * act the control plane died under is done again; once recorded, the intent no longer shows as parked there.
 * Returns a function that stops it.
 */
function actAsTheyPark(
  home: string,
  status: 'awaiting-review' | 'awaiting-checks',
  act: (intentId: string) => string[],
  signal: AbortSignal,
): () => Promise<void> {
  let stopped = false;
  const loop = (async () => {
    while (!stopped && !signal.aborted) {
      const listed = await runItv(home, ['list', '--json'], { signal }).catch(() => undefined);
      const items =
        listed?.code === 0
          ? (JSON.parse(listed.stdout) as { items: Array<{ intentId: string; status: string }> }).items
          : [];
      for (const item of items.filter((i) => i.status === status)) {
        await runItv(home, act(item.intentId), { signal }).catch(() => undefined);
      }
      await pause(200);
    }
  })();
  return async () => {
    stopped = true;
    await loop;
  };
}

/** `itv status ID --json` once the intent's execution has ended: its last step is its checkpoint. */
async function concluded(home: string, intentId: string, signal: AbortSignal) {
  for (;;) {
    const run = await runItv(home, ['status', intentId, '--json'], { signal });
    const status =
      run.code === 0 ? (JSON.parse(run.stdout) as { steps: Array<{ type: string }> }) : undefined;
    if (status?.steps.at(-1)?.type === 'checkpoint.signed') return run;
    await pause(200);
  }
}

describe('the control plane killed at random instants', () => {
  let home: string;

  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'itv-crash-'));
  });

  afterAll(async () => {
    await runItv(home, ['control-plane', 'stop']);
    expect(existsSync(join(home, 'owner.lock'))).toBe(false);
    rmSync(home, { recursive: true, force: true });
  }, setupMs);

  test(
    `kill -9 in ${rounds} rounds (${rounds > 1 ? 'releases, roll-backs, reviewed releases and stepped releases waiting for CI, taking turns' : 'releases'}): every intent concludes once, the ledger verifies and names every deployment, no place is left, and a new intent releases`,
    async () => {
      const next = random(seed);
      const submitted = new Map(kinds.map((kind) => [kind.service, 0]));
      let checkWaits = 0;
      for (let round = 0; round < rounds; round++) {
        const kind = kinds[round % kinds.length]!;
        const { intent } = kind;
        const files = [0, 1, 2].map((i) => {
          const file = join(home, `round-${round}-${i}.json`);
          writeFileSync(file, JSON.stringify({ ...intent, title: `${intent.title} r${round}.${i}` }));
          return file;
        });
        submitted.set(kind.service, (submitted.get(kind.service) ?? 0) + files.length);
        const abort = new AbortController();
        const runs = Promise.all(
          files.map((file) =>
            runItv(home, ['submit', file, '--as', kind.as, '--json'], { signal: abort.signal }),
          ),
        );
        // Wait for a live control plane (the one running, or the one these commands start), then kill it at a
        // random instant: while it starts, resumes, admits, releases or seals evidence.
        let pid = controlPlanePid(home);
        while (pid === undefined || !isAlive(pid)) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          pid = controlPlanePid(home);
        }
        const delayMs = Math.floor(next() * 4000);
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        if (isAlive(pid)) process.kill(pid, 'SIGKILL');

        // A reviewed or checked round's submits end where each intent parks; its reviewer approves them, or CI
        // reports their check, as they do, and the round ends when every execution has.
        const { reviewer, check } = kind;
        const stopActing = reviewer
          ? actAsTheyPark(
              home,
              'awaiting-review',
              (id) => ['review', id, '--approve', '--as', reviewer],
              abort.signal,
            )
          : check
            ? actAsTheyPark(
                home,
                'awaiting-checks',
                (id) => ['check', 'report', id, check, '--status', 'passed', '--as', kind.as],
                abort.signal,
              )
            : undefined;
        const ended = (async () => {
          const submitted = await runs;
          if (!stopActing) return submitted;
          for (const run of submitted) {
            // A failing submission's own output (the status it ended with, each stage) goes into the message.
            expect([
              `seed ${seed} round ${round} delay ${delayMs}`,
              run.code,
              run.stderr,
              run.code === 0 ? '' : run.stdout.slice(-3000),
            ]).toEqual([`seed ${seed} round ${round} delay ${delayMs}`, 0, '', '']);
          }
          return Promise.all(
            submitted.map((run) =>
              concluded(home, (JSON.parse(run.stdout) as { intentId: string }).intentId, abort.signal),
            ),
          );
        })();
        // A round that does not end in time fails with what the home shows (not at the whole test's limit).
        // The acting loop stops whatever the round's outcome: left running, it would start control planes after the
        // test, in a home being removed.
        const done = await withinRound(
          home,
          ended,
          abort,
          `seed ${seed} round ${round} delay ${delayMs}`,
        ).finally(() => stopActing?.());
        for (const run of done) {
          // A failing command's own output (the status it ended with, each stage) goes into the message.
          expect([
            `seed ${seed} round ${round} delay ${delayMs}`,
            run.code,
            run.stderr,
            run.code === kind.code ? '' : run.stdout.slice(-3000),
          ]).toEqual([`seed ${seed} round ${round} delay ${delayMs}`, kind.code, '', '']);
          const status = JSON.parse(run.stdout) as {
            status: string;
            tier: number | null;
            steps: Array<{ type: string }>;
          };
          expect(status.status).toBe(kind.status);
          // Resumed, not repeated: each step once, nothing after the conclusion but its checkpoint.
          expect(status.steps.filter((s) => s.type === 'intent.declared')).toHaveLength(1);
          expect(status.steps.filter((s) => s.type === 'intent.concluded')).toHaveLength(1);
          // Named with the round, and the steps it ended with, so a failure can be run again with its seed.
          expect([`seed ${seed} round ${round} delay ${delayMs}`, status.steps.at(-1)?.type]).toEqual([
            `seed ${seed} round ${round} delay ${delayMs}`,
            'checkpoint.signed',
          ]);
          if (reviewer) expect(status.steps.filter((s) => s.type === 'review.approved')).toHaveLength(1);
          if (check) {
            // At tier 2 or above its fail-fast gate waited once, and went on from the one result CI reported (a
            // report repeated after a kill that landed is refused as a duplicate, not recorded twice). After 28 clean
            // releases of its service and kind (about the tenth round of them), earned confidence lowers it to tier
            // 1, whose gate auto-continues: it then neither waits nor has a report.
            const waits = (status.tier ?? 0) >= 2 ? 1 : 0;
            checkWaits += waits;
            const count = (type: string) => status.steps.filter((s) => s.type === type).length;
            expect([
              `seed ${seed} round ${round} delay ${delayMs}`,
              count('verification.awaiting-checks'),
              count('check.reported'),
            ]).toEqual([`seed ${seed} round ${round} delay ${delayMs}`, waits, waits]);
            expect(count('release.percentage-updated')).toBeGreaterThan(1);
          }
        }
        const verify = await runItv(home, ['ledger', 'verify', '--json']);
        expect([`round ${round}`, verify.code]).toEqual([`round ${round}`, 0]);
      }
      // The rounds with a check waited for it at least in the first (no confidence earned yet).
      if (rounds > kinds.findIndex((kind) => kind.check !== undefined)) {
        expect(checkWaits).toBeGreaterThan(0);
      }
      const fresh = join(home, 'after.json');
      writeFileSync(
        fresh,
        JSON.stringify({ ...flag.intent, title: `${flag.intent.title} after the crashes` }),
      );
      const after = await runItv(home, ['submit', fresh, '--as', flag.as, '--json']);
      expect([after.code, (JSON.parse(after.stdout) as { status: string }).status]).toEqual([0, 'released']);
      submitted.set(flag.service, (submitted.get(flag.service) ?? 0) + 1);

      // Every deployment AppConfig's simulator made is one the ledger names (none made twice by a retried start;
      // a rolled-back intent also has its roll-back's), and no concluded intent keeps a place in the admission queue.
      expect((await runItv(home, ['control-plane', 'stop'])).code).toBe(0);
      const { made, named, places } = await homeAfter(home, [...submitted.keys()]);
      for (const [service, intents] of submitted) {
        const deployments = made.get(service) ?? [];
        expect([service, deployments.length >= intents]).toEqual([service, true]);
        expect([service, deployments.filter((id) => !named.has(id))]).toEqual([service, []]);
      }
      expect(places).toEqual([]);
    },
    intentsBudgetMs(rounds * 4 + 2),
  );
});
