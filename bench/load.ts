import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { maxInFlightFrom } from '../cli/control-plane/capacity.js';
import { runningControlPlane } from '../cli/control-plane/client.js';
import { issueToken } from '../cli/runtime/local-tokens.js';
// The `itv` command as the CLI tests run it.
import { itvBin as itv, root, runItv as runItvIn, testClockStart } from '../test/support/run-itv.js';
import { ms, percentile, sizeFromEnv } from './stats.js';

/**
 * The load bench: N distinct intents submitted at once to `itv serve` on loopback, which relays them to the
 * home's control plane — the real background process, started by `itv serve` as a user starts it. Clients
 * honour 429 Retry-After; each follows its intent until `intent.concluded`. Prints what was accepted, refused
 * and lost, latencies, the control plane's memory (RSS from /proc) and whether every intent's ledger entries
 * end at its conclusion, then stops everything it started (`itv control-plane stop` for the control plane).
 */

/** Examples that release on their own, on services whose blast radii do not overlap, with their requesters. */
const examples: Array<{ file: string; requester: string }> = [
  { file: '01-low-risk-flag.json', requester: 'alice' },
  { file: '08-hiring-flag.json', requester: 'mike' },
  { file: '13-policy-change.json', requester: 'ken' },
  { file: '14-support-escalation-fix.json', requester: 'sam' },
];

interface Outcome {
  requester: string;
  accepted: boolean;
  refused: number;
  answerMs: number[];
  intentId?: string;
  firstTryAt: number;
  concludedAt?: number;
}

export async function runLoadBench(): Promise<string[]> {
  const count = sizeFromEnv('ITV_BENCH_LOAD_INTENTS', 200);
  const budgetMs = sizeFromEnv('ITV_BENCH_LOAD_SECONDS', 150) * 1000;
  const home = mkdtempSync(join(tmpdir(), 'itv-bench-load-'));
  // Judged as of a weekday afternoon outside every freeze window, whatever the day the bench runs.
  const env = { ITV_CLOCK_START: testClockStart, ...process.env, ITV_HOME: home, NODE_OPTIONS: '' };
  const tokens = Object.fromEntries(
    examples.map(({ requester }) => [requester, issueToken(home, requester)]),
  );
  let serve: ChildProcess | undefined;
  try {
    // Its access log (a line per request on stderr) is not read here: a pipe nobody drains would fill, and
    // `itv serve`, asked to stop, would wait with the log's last lines unwritten, and this process with it.
    serve = spawn(process.execPath, [itv, 'serve', '--port', '0'], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const base = await servedAt(serve);
    const controlPlane = await runningControlPlane(home);
    if (!controlPlane) throw new Error('itv serve answered, but no control plane runs for its home');
    const rss = () => rssMb(controlPlane.address.pid);
    const limit = maxInFlightFrom();
    const call = async (method: 'GET' | 'POST', path: string, requester: string, body?: unknown) => {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${tokens[requester]}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return {
        status: response.status,
        retryAfter: Number(response.headers.get('retry-after') ?? Number.NaN),
        body: (await response.json()) as Record<string, unknown>,
      };
    };
    const intents = Array.from({ length: count }, (_, i) => {
      const { file, requester } = examples[i % examples.length]!;
      const intent = JSON.parse(readFileSync(join(root, 'examples', file), 'utf8')) as { title: string };
      return { requester, intent: { ...intent, title: `${intent.title} (load ${i})` } };
    });
    const concluded = async (intentId: string, requester: string) => {
      const answer = await call('GET', `/intents/${encodeURIComponent(intentId)}`, requester);
      const steps = (answer.body.steps ?? []) as Array<{ type: string }>;
      return steps.some((step) => step.type === 'intent.concluded');
    };

    /** Submits until accepted (honouring 429 Retry-After), then follows the intent until it concludes. */
    const submitAndFollow = async (
      requester: string,
      intent: unknown,
      deadline: number,
    ): Promise<Outcome> => {
      const outcome: Outcome = {
        requester,
        accepted: false,
        refused: 0,
        answerMs: [],
        firstTryAt: performance.now(),
      };
      while (performance.now() < deadline) {
        const sent = performance.now();
        const answer = await call('POST', '/intents', requester, intent);
        outcome.answerMs.push(performance.now() - sent);
        if (answer.status === 429) {
          outcome.refused++;
          const seconds = Number.isFinite(answer.retryAfter) ? answer.retryAfter : 1;
          await sleep(seconds * 1000 + Math.random() * 1000);
          continue;
        }
        if (answer.status !== 202)
          throw new Error(`POST /intents answered ${answer.status}: ${JSON.stringify(answer.body)}`);
        outcome.accepted = true;
        outcome.intentId = String(answer.body.intentId);
        break;
      }
      while (outcome.intentId && performance.now() < deadline) {
        if (await concluded(outcome.intentId, requester)) {
          outcome.concludedAt = performance.now();
          break;
        }
        await sleep(1000);
      }
      return outcome;
    };

    // Warm-up: four intents per service at once — lanes queue, the in-flight limit refuses with 429 — so the
    // baseline holds the code and the compiled paths the load runs, not a cold process.
    const warmUp = intents
      .slice(0, examples.length * 4)
      .map(({ requester, intent }, i) =>
        submitAndFollow(
          requester,
          { ...intent, title: `${intent.title} (warm-up ${i})` },
          performance.now() + budgetMs,
        ),
      );
    for (const warm of await Promise.all(warmUp)) {
      if (warm.concludedAt === undefined) throw new Error('a warm-up intent did not conclude');
    }
    await sleep(2000);
    // What the control plane holds after a full collection: work that left nothing behind returns to this.
    const heapUsedMb = async () =>
      (await controlPlane.call<{ heapUsedBytes: number }>('GET', '/local/health?collect=1')).body
        .heapUsedBytes /
      2 ** 20;
    const baselineHeap = await heapUsedMb();
    const baseline = rss();

    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, rss());
    }, 250);
    const started = performance.now();
    const deadline = started + budgetMs;
    const outcomes = await Promise.all(
      intents.map(({ requester, intent }) => submitAndFollow(requester, intent, deadline)),
    );
    const loadSeconds = (performance.now() - started) / 1000;
    clearInterval(sampler);

    // Settled: every execution over, and what the control plane keeps for a while after each let go.
    while ((await controlPlane.call<{ running: number }>('GET', '/local/health')).body.running > 0)
      await sleep(500);
    // The progress kept for followers is let go 30 s after an intent stops running, checked every 10 s.
    await sleep(45_000);
    const finalHeap = await heapUsedMb();
    const final = rss();

    const accepted = outcomes.filter((o) => o.accepted);
    // Lost means never concluded, not late: what the window did not see conclude is asked again once every
    // execution is over.
    const late = accepted.filter((o) => o.concludedAt === undefined);
    let lost = 0;
    for (const outcome of late) {
      if (!outcome.intentId || !(await concluded(outcome.intentId, outcome.requester))) lost++;
    }
    const notAccepted = outcomes.length - accepted.length;
    const refused = outcomes.reduce((sum, o) => sum + o.refused, 0);
    const answers = outcomes.flatMap((o) => o.answerMs);
    const toConcluded = accepted.flatMap((o) => (o.concludedAt ? [o.concludedAt - o.firstTryAt] : []));
    const ledgerIssues = await endsAtConclusion(accepted, call);
    const verify = await runItvIn(home, ['ledger', 'verify', '--json'], { env });
    const verified = verify.code === 0 && (JSON.parse(verify.stdout) as { ok?: boolean }).ok === true;
    const seconds = (value: number) => `${(value / 1000).toFixed(1)} s`;
    return [
      `load: ${count} concurrent POST /intents through itv serve on loopback, ${examples.length} services, limit ${limit} executions in flight; done in ${loadSeconds.toFixed(1)} s`,
      `  accepted                      ${accepted.length}   (target ${count})`,
      `  refused (429s seen)           ${refused}   (clients waited Retry-After; ${notAccepted} never accepted within ${budgetMs / 1000} s)`,
      `  lost (accepted, never concluded)  ${lost}   (target 0; ${late.length - lost} concluded after the ${budgetMs / 1000} s window)`,
      `  submit answer latency         p50 ${ms(percentile(answers, 50))}   p99 ${ms(percentile(answers, 99))}`,
      `  first try -> intent.concluded p50 ${seconds(percentile(toConcluded, 50))}   p99 ${seconds(percentile(toConcluded, 99))}`,
      `  control plane live JS heap    baseline ${baselineHeap.toFixed(0)} MB   final ${finalHeap.toFixed(0)} MB   (after a full collection; target: final <= baseline + 10%, ${(baselineHeap * 1.1).toFixed(0)} MB)`,
      `  control plane RSS             baseline ${baseline.toFixed(0)} MB   peak ${peak.toFixed(0)} MB   final ${final.toFixed(0)} MB   (target: final <= baseline + 25%, ${(baseline * 1.25).toFixed(0)} MB; V8 and malloc keep freed pages for reuse)`,
      `  ledger: every intent ends at intent.concluded/checkpoint.signed, no stage.failed after it   ${ledgerIssues.length === 0 ? 'yes' : `NO: ${ledgerIssues.slice(0, 3).join('; ')}`}   (target yes)`,
      `  itv ledger verify             ${verified ? 'intact' : `FAILED: ${verify.stdout.trim() || verify.stderr.trim()}`}   (target intact)`,
    ];
  } finally {
    if (serve && serve.exitCode === null && serve.signalCode === null) {
      const exited = new Promise((resolve) => serve?.once('exit', resolve));
      serve.kill('SIGTERM');
      await exited;
    }
    await runItvIn(home, ['control-plane', 'stop'], { env });
    rmSync(home, { recursive: true, force: true });
  }
}

/** For each accepted intent, what is wrong with the end of its ledger entries, if anything. */
async function endsAtConclusion(
  accepted: Outcome[],
  call: (method: 'GET', path: string, requester: string) => Promise<{ body: Record<string, unknown> }>,
): Promise<string[]> {
  const issues: string[] = [];
  for (const outcome of accepted) {
    const id = outcome.intentId!;
    const { body } = await call('GET', `/intents/${encodeURIComponent(id)}`, 'alice');
    const steps = ((body.steps ?? []) as Array<{ type: string }>).map((step) => step.type);
    const concludedAt = steps.indexOf('intent.concluded');
    const after = steps.slice(concludedAt + 1);
    if (concludedAt < 0) issues.push(`${id}: not concluded`);
    else if (after.includes('stage.failed')) issues.push(`${id}: stage.failed after intent.concluded`);
    else if (after.some((type) => type !== 'checkpoint.signed'))
      issues.push(`${id}: ${after.join(', ')} after intent.concluded`);
  }
  return issues;
}

function servedAt(serve: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    serve.stdout?.on('data', (chunk) => {
      out += chunk;
      const url = /http:\/\/127\.0\.0\.1:\d+/.exec(out)?.[0];
      if (url) resolve(url);
    });
    serve.once('exit', (code) => reject(new Error(`itv serve exited with ${code} before it listened`)));
  });
}

/** Resident memory of a process, from /proc (Linux). */
function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN) / 1024;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
