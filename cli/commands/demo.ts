import { join } from 'node:path';
import { type DecisionContinuity, decisionContinuity } from '../../lambdas/core/compounding/index.js';
import { ItvError } from '../../lambdas/core/errors.js';
import type { LedgerAudit } from '../../lambdas/core/evidence/audit-ledger.js';
import { auditStores } from '../../lambdas/core/evidence/audit-stores.js';
import { intentSchema } from '../../lambdas/core/intent.js';
import { payloadOf, releaseStartedPayload } from '../../lambdas/core/ledger/entry-payloads.js';
import { grantDelegation } from '../../lambdas/core/pipeline/delegations.js';
import { recordReview } from '../../lambdas/core/pipeline/review.js';
import { revokeAuthority } from '../../lambdas/core/pipeline/revocations.js';
import { type IntentStatus, intentStatus } from '../../lambdas/core/pipeline/status.js';
import { eligibleReviewers } from '../../lambdas/core/reviewers.js';
import { demoStartInstant } from '../demo-clock.js';
import { duration, realisedValuePerHour, table } from '../format.js';
import { describeStage } from '../progress.js';
import { clockStartFrom } from '../runtime/clock-mode.js';
import { namedLocally } from '../runtime/local-caller.js';
import { examplesDir, type Session, withSession } from '../session.js';
import { pairProgressLine, runAlongside } from './demo-queue.js';
import { type BundlesVerified, verifyStoredBundles } from './evidence.js';
import { readIntentFile } from './read-intent-file.js';

interface Scenario {
  label: string;
  file: string;
  expected: string;
  /** A reviewer of record who approves when the intent waits for review. */
  reviewer?: string;
  /** Varies the sample before it is submitted, and sets up what the scenario shows. */
  prepare?: (intent: Intent, session: Session, log: (line: string) => void) => Promise<Intent>;
  /** Submitted once the previous scenario's intent is admitted, and runs beside it. */
  alongsidePrevious?: boolean;
}

type Intent = Record<string, unknown>;

export const compoundingRuns = 5;

export const demoScenarios: Scenario[] = [
  { label: 'low-risk flag', file: '01-low-risk-flag.json', expected: 'released' },
  { label: 'structural reject', file: '02-structural-reject.json', expected: 'rejected-structure' },
  { label: 'policy reject', file: '03-policy-reject.json', expected: 'rejected-policy' },
  { label: 'high-risk review', file: '04-high-risk-review.json', expected: 'released', reviewer: 'reviewer' },
  { label: 'SLO regression', file: '05-slo-regression.json', expected: 'rolled-back' },
  {
    label: 'policy breach',
    file: '03-policy-reject.json',
    expected: 'rolled-back',
    prepare: delegationRevokedMidRelease,
  },
  ...Array.from({ length: compoundingRuns }, (_, i) => ({
    label: `compounding ${i + 1}/${compoundingRuns}`,
    file: '08-hiring-flag.json',
    expected: 'released',
    prepare: async (intent: Intent) => nthHiringChange(intent, i + 1),
  })),
  { label: 'queue: checkout for all', file: '16-checkout-general-availability.json', expected: 'released' },
  {
    label: 'queue: waits its turn',
    file: '07-incident-threshold.json',
    expected: 'released',
    alongsidePrevious: true,
  },
];

/**
 * Ivan, an engineer in the SRE team, may not change the incident router himself. Grace, who owns it, grants
 * him a delegation for two weeks (recorded at run time, as `itv delegate` does), then revokes it effective
 * three virtual minutes later, when his release is already under way.
 */
async function delegationRevokedMidRelease(intent: Intent, session: Session, log: (line: string) => void) {
  const { state, catalog } = session.stack.deps;
  const now = session.stack.clock.now();
  const granted = await grantDelegation(
    {
      to: 'ivan',
      role: 'sre',
      services: ['incident-router'],
      expiresAt: new Date(now.getTime() + 14 * 86_400_000).toISOString(),
      reason: 'routing thresholds while the SRE team is at its offsite',
    },
    namedLocally('grace', 'itv demo'),
    { state, catalog, now },
  );
  const delegation = {
    from: granted.from,
    role: granted.role,
    services: granted.services,
    expiresAt: granted.expiresAt,
  };
  const authority = {
    ...(intent.authority as object),
    requester: granted.to,
    team: 'sre',
    role: 'engineer',
    delegations: [delegation],
  };
  const requester = granted.to;
  const effectiveAt = new Date(now.getTime() + 3 * 60_000);
  await revokeAuthority(
    {
      principal: requester,
      services: delegation.services,
      delegation: { from: delegation.from, expiresAt: delegation.expiresAt },
      reason: 'the SRE team is back from its offsite',
      revokedBy: delegation.from,
      effectiveAt,
    },
    { state: session.stack.deps.state, now },
  );
  log(`    (${delegation.from} delegates to ${requester}, and revokes it from ${effectiveAt.toISOString()})`);
  return { ...intent, title: 'Page the support on-call sooner, under a delegation', authority };
}

/** The n-th change of one kind to one service: same flag, a different setting each time. */
function nthHiringChange(intent: Intent, n: number): Intent {
  const change = intent.change as { payload: Record<string, Record<string, unknown>> };
  const flag = change.payload['auto-scheduling'] ?? {};
  const payload = { ...change.payload, 'auto-scheduling': { ...flag, maxInterviewsPerDay: 2 + (n % 5) } };
  return { ...intent, change: { ...change, payload } };
}

export interface DemoResult {
  scenario: Scenario;
  status: IntentStatus;
}

/** Runs the sample intents end to end on the embedded stack, with live progress, a summary and a ledger check. */
export async function demoCommand(options: {
  json?: boolean;
  home?: string;
  inMemory?: boolean;
}): Promise<number> {
  const log = options.json ? () => {} : (line: string) => console.log(line);
  const started = performance.now();
  return withSession(
    {
      home: options.home,
      // The demo drives the stack's clock and faults itself, so it owns the home for its run.
      inMemory: options.inMemory,
      // Where a new home's clock starts, as for every command that opens a home.
      clockStart: clockStartFrom(),
      onProgress: (event) => {
        const described = describeStage(event);
        const line = described && pairProgressLine(event, described);
        if (line && event.state !== 'CheckRelease') log(`    ${event.state.padEnd(17)} ${line}`);
        if (line && event.state === 'CheckRelease' && (event.output as { done?: boolean })?.done) {
          log(`    ${event.state.padEnd(17)} ${line}`);
        }
      },
    },
    async (session) => {
      log(
        `itv demo: ${demoScenarios.length} intents through the eight stages on the embedded stack (${session.stack.home})\n`,
      );
      const { results, audit, bundles, compounding, continuity } = await runDemo(session, log);
      const seconds = (performance.now() - started) / 1000;
      const mismatched = results.filter((r) => r.status.status !== r.scenario.expected);
      if (options.json) {
        console.log(
          JSON.stringify(
            { results: results.map((r) => r.status), audit, bundles, compounding, continuity, seconds },
            null,
            2,
          ),
        );
      } else {
        log(
          table(
            ['intent', 'scenario', 'outcome', 'tier', 'time to value', 'value/hour', 'per employee'],
            results.map(({ scenario, status }) => [
              status.intentId,
              scenario.label,
              status.status,
              status.tier ?? '-',
              duration(status.timeToValueSeconds),
              realisedValuePerHour(status.valuePerHourUsd, status.outcome),
              realisedValuePerHour(status.valuePerHourPerEmployeeUsd, status.outcome),
            ]),
          ),
        );
        log(
          "\n(time to value is on the local runtime's virtual clock: rollouts and bakes take their real durations in virtual time)",
        );
        log(describeCompounding(compounding, continuity));
        log(
          audit.ok
            ? `ledger verified: ${audit.size} entries (${audit.anchored} covered by a signed checkpoint, ${audit.trailing} trailing), ${audit.checkpoints} signed checkpoints${audit.clocks.virtual > 0 ? ` (${audit.clocks.virtual} dated on a virtual clock: its instants are not real times)` : ''}, ${audit.decisions} signed decisions, root ${audit.rootHash.slice(0, 16)}…`
            : `ledger verification FAILED at seq ${audit.seq}: ${audit.reason}`,
        );
        // In memory, the bundles end with the run: nothing is left to pull.
        const keep = options.inMemory
          ? 'kept in memory for this run only: run itv demo without --in-memory to keep them in ITV_HOME, where itv evidence pull ID and itv evidence verify DIR read them, see docs/EVIDENCE.md'
          : "itv evidence pull ID, then itv evidence verify DIR, which pins this home's key, or --public-key KEY, a key you hold apart from the bundle: here openssl pkey -in $ITV_HOME/keys/signing-key.pem -pubout, see docs/EVIDENCE.md";
        log(
          `evidence bundles verified under the stack's key: ${bundles.verified}/${bundles.total} (signed in-toto manifest, file digests, inclusion proofs; ${keep})`,
        );
        for (const f of bundles.failures) log(`evidence bundle of ${f.intentId} FAILED: ${f.detail}`);
        for (const r of mismatched)
          log(`unexpected: ${r.scenario.label} ended ${r.status.status}, expected ${r.scenario.expected}`);
        log(`done in ${seconds.toFixed(1)} s`);
      }
      return audit.ok && bundles.failures.length === 0 && mismatched.length === 0 ? 0 : 1;
    },
  );
}

/**
 * Runs every scenario in order, then verifies the whole ledger with the public key alone (against the
 * evidence store's signed checkpoints too) and every intent's evidence bundle.
 */
export async function runDemo(
  session: Session,
  log: (line: string) => void,
): Promise<{
  results: DemoResult[];
  audit: LedgerAudit;
  bundles: BundlesVerified;
  compounding: CompoundingFigures;
  continuity: DecisionContinuity;
}> {
  const results: DemoResult[] = [];
  const { clock, deps: stackDeps } = session.stack;
  const samples = demoScenarios.map((s) => intentSchema.parse(readIntentFile(join(examplesDir, s.file))));
  const start = demoStartInstant(clock.now(), samples, stackDeps.catalog);
  if (start.getTime() > clock.now().getTime()) {
    log(
      `(virtual clock moved to ${start.toISOString()}: from ${clock.now().toISOString()} a freeze window or business-hours rule would block a sample intent within the demo's run)\n`,
    );
    clock.advanceTo(start);
  }
  for (const [index, scenario] of demoScenarios.entries()) {
    if (scenario.alongsidePrevious) continue;
    log(`[${index + 1}/${demoScenarios.length}] ${scenario.label}: examples/${scenario.file}`);
    const beside = demoScenarios[index + 1];
    if (beside?.alongsidePrevious) {
      log(
        `[${index + 2}/${demoScenarios.length}] ${beside.label}: examples/${beside.file}, once A is admitted`,
      );
      const [a, b] = await runAlongside(session, [scenario, beside], (s) => runScenario(session, s, log));
      results.push({ scenario, status: a }, { scenario: beside, status: b });
    } else results.push({ scenario, status: await runScenario(session, scenario, log) });
    log('');
  }
  const { deps } = session.stack;
  const audit = await auditStores({
    ledger: deps.ledger,
    evidence: deps.evidence,
    ledgerName: deps.ledgerName,
    publicKeySpkiDer: await deps.publicKey(),
  });
  const bundles = await verifyStoredBundles(
    deps.evidence,
    results.map((r) => r.status.intentId),
    await deps.publicKey(),
  );
  const series = results.filter((r) => r.scenario.label.startsWith('compounding '));
  return {
    results,
    audit,
    bundles,
    compounding: await compoundingFigures(session, series),
    continuity: await decisionContinuity(session.stack.deps.state),
  };
}

interface CompoundingRelease {
  intentId: string;
  timeToValueSeconds: number | null;
  strategy: string | null;
  confidence: number | null;
}

/**
 * The first and last change of the compounding series: strategy, earned confidence and time to value. The
 * confidence is the one each release started with (`release.started`), before it: the value report gives the one
 * Learn recorded after each.
 */
export interface CompoundingFigures {
  first: CompoundingRelease | null;
  last: CompoundingRelease | null;
}

async function compoundingFigures(session: Session, series: DemoResult[]): Promise<CompoundingFigures> {
  const figures = async (result: DemoResult | undefined): Promise<CompoundingRelease | null> => {
    if (!result) return null;
    const { ledger, ledgerName } = session.stack.deps;
    const entry = (await ledger.forIntent(ledgerName, result.status.intentId)).find(
      (stored) => stored.entry.type === 'release.started',
    )?.entry;
    const started = entry ? payloadOf(entry, releaseStartedPayload) : undefined;
    return {
      intentId: result.status.intentId,
      timeToValueSeconds: result.status.timeToValueSeconds,
      strategy: started?.strategy ?? null,
      confidence: started?.confidence ?? null,
    };
  };
  return { first: await figures(series[0]), last: await figures(series[series.length - 1]) };
}

/** The demo's closing lines on compounding and decision continuity. */
export function describeCompounding(compounding: CompoundingFigures, continuity: DecisionContinuity): string {
  const { first, last } = compounding;
  const release = (r: CompoundingRelease | null) =>
    r
      ? `${duration(r.timeToValueSeconds)} with ${r.strategy} (confidence before its release ${r.confidence?.toFixed(2)})`
      : '-';
  // A persisted home keeps what earlier runs earned: its first change may already be fast.
  const warm =
    (first?.confidence ?? 0) >= 0.5 ? ' (confidence earned in earlier runs; --in-memory starts cold)' : '';
  return [
    `compounding, ${compoundingRuns} clean hiring-portal feature-flag changes in a row: first ${release(first)}, fifth ${release(last)}${warm}`,
    `decision continuity: ${continuity.reused} of ${continuity.total} verified intents reused a released decision (${(continuity.rate * 100).toFixed(0)}%)`,
  ].join('\n');
}

async function runScenario(
  session: Session,
  scenario: Scenario,
  log: (line: string) => void,
): Promise<IntentStatus> {
  const { stack, pipeline } = session;
  const sample = readIntentFile(join(examplesDir, scenario.file)) as Record<string, unknown>;
  const intent = scenario.prepare ? await scenario.prepare(sample, session, log) : sample;
  // Declared now, so each demo run is a new intent rather than a replay of the last one.
  const fresh = { ...intent, id: undefined, timestamp: stack.clock.now().toISOString() };
  // Each sample is submitted by its own requester, as `itv submit --as` would.
  const requester = (intent.authority as { requester?: string } | undefined)?.requester ?? '';
  const caller = namedLocally(requester, 'itv demo');
  log(`    (submitted by ${requester}, as \`itv submit --as ${requester}\` would)`);
  let report = await pipeline.start({ intent: fresh, source: 'cli', caller });
  if (report.status === 'parked' && report.intentId && scenario.reviewer) {
    const reviewer = reviewerFor(session, fresh, scenario.reviewer);
    log(`    (waiting for a reviewer of record; ${reviewer} approves)`);
    await recordReview(
      {
        intentId: report.intentId,
        decision: 'approved',
        reviewer: namedLocally(reviewer, 'itv demo'),
        reason: 'risk reviewed in the demo',
      },
      stack.deps,
    );
    report = await pipeline.resume(report.intentId);
  }
  if (!report.intentId)
    throw new Error(`${scenario.file}: the pipeline failed before declaring the intent: ${report.error}`);
  if (report.failureUnrecorded)
    throw unrecordedFailure(scenario, report.intentId, report.error, pipeline, stack);
  return intentStatus(
    report.intentId,
    await stack.deps.ledger.forIntent(stack.deps.ledgerName, report.intentId),
  )!;
}

/** A demo intent's execution failed and RecordFailure could not record it: the demo stops there. */
export class DemoFailureUnrecordedError extends ItvError {}

function unrecordedFailure(
  scenario: Scenario,
  intentId: string,
  error: string | undefined,
  pipeline: Session['pipeline'],
  stack: Session['stack'],
): DemoFailureUnrecordedError {
  const next = pipeline.journaled
    ? `Its execution stays journaled in ${stack.home}: once the cause is mended (free disk space, say), any \`itv\` command starts the control plane, which resumes it and records the failure (\`itv watch ${intentId}\` follows it; the control plane logs to ${join(stack.home, 'control-plane.log')}).`
    : 'Nothing of it is kept (the stack is in memory): run the demo again once the cause is mended.';
  return new DemoFailureUnrecordedError(
    [
      `${scenario.file}: ${intentId} failed and the failure could not be recorded (${error ?? 'unknown error'}),`,
      'so the ledger still shows it in flight, holding its lane.',
      next,
    ].join(' '),
  );
}

/** The first reviewer of record the catalog allows for the intent's service. */
function reviewerFor(session: Session, intent: Record<string, unknown>, fallback: string): string {
  const parsed = intentSchema.parse(intent);
  const service = session.stack.deps.catalog.services[parsed.change.service];
  return (
    (service &&
      eligibleReviewers(
        service,
        session.stack.deps.catalog,
        parsed.authority.requester,
        session.stack.deps.policies.reviewedDomains,
      )[0]) ??
    fallback
  );
}
