import { readFileSync } from 'node:fs';
import type { IntentInput } from '../../../lambdas/core/intent.js';
import { ledgerPayloadSchema, ledgerPayloads } from '../../../lambdas/core/ledger/entry-payloads.js';
import { deploymentEntryType, type LedgerEntryType } from '../../../lambdas/core/ledger/entry-types.js';
import { admitPolicy } from '../../../lambdas/core/pipeline/admit-policy.js';
import { applyReleaseDecision } from '../../../lambdas/core/pipeline/apply-release-decision.js';
import { checkRelease } from '../../../lambdas/core/pipeline/check-release.js';
import { signCheckpoint } from '../../../lambdas/core/pipeline/checkpoint.js';
import { declareIntent } from '../../../lambdas/core/pipeline/declare-intent.js';
import { learn } from '../../../lambdas/core/pipeline/learn.js';
import { recordFailure } from '../../../lambdas/core/pipeline/record-failure.js';
import {
  recordReleaseDecision,
  releaseDecisionTimeoutSeconds,
  requestReleaseDecision,
} from '../../../lambdas/core/pipeline/release-decision.js';
import { reportCheck } from '../../../lambdas/core/pipeline/report-check.js';
import { restoreMonitors } from '../../../lambdas/core/pipeline/restore-monitors.js';
import { recordReview, requestReview } from '../../../lambdas/core/pipeline/review.js';
import { startRelease } from '../../../lambdas/core/pipeline/start-release.js';
import type { PipelineState } from '../../../lambdas/core/pipeline/state.js';
import { requestStop } from '../../../lambdas/core/pipeline/stop-intent.js';
import { validateStructure } from '../../../lambdas/core/pipeline/validate-structure.js';
import { verify } from '../../../lambdas/core/pipeline/verify.js';
import { payloadDrift } from '../../support/payload-drift.js';
import { submittedBy } from '../core/fixtures.js';
import {
  errorRateFault,
  type Harness,
  intentAt,
  pipelineHarness,
  runIntent,
  runRelease,
  runToVerify,
} from '../pipeline/helpers/pipeline-harness.js';

// Type level: a type without a schema, or a schema for a type `record()` does not take, fails to compile.
type Unschemed = Exclude<LedgerEntryType, keyof typeof ledgerPayloads>;
type Undeclared = Exclude<keyof typeof ledgerPayloads, LedgerEntryType>;
const exhaustive: [Unschemed, Undeclared] extends [never, never] ? true : false = true;

const fault = errorRateFault;

describe('ledger payload schemas', () => {
  test('every entry type has one, and a deployment event AppConfig adds later reads as one', () => {
    expect(exhaustive).toBe(true);
    expect(ledgerPayloadSchema('release.rollback-started')).toBe(ledgerPayloads['release.rollback-started']);
    expect(ledgerPayloadSchema(deploymentEntryType('DEPLOYMENT_PAUSED'))).toBe(
      ledgerPayloads['release.deployment-started'],
    );
    expect(ledgerPayloadSchema('policy.admitted')).toBeUndefined();
    expect(ledgerPayloadSchema('toString')).toBeUndefined();
  });

  test('a payload with a field its schema does not declare is refused', () => {
    const review = { tier: 3, requester: 'alice' };
    expect(ledgerPayloads['review.requested'].safeParse(review).success).toBe(true);
    expect(ledgerPayloads['review.requested'].safeParse({ ...review, reason: 'prose' }).success).toBe(false);
  });
});

/** Declare → structure → admit for an intent, without throwing at a verdict that stops the pipeline. */
async function admit(h: Harness, intent: unknown): Promise<PipelineState> {
  let state: PipelineState = { intent, source: 'cli', caller: submittedBy(intent as IntentInput) };
  state = { ...state, declared: await declareIntent(state, h.deps) };
  if (state.declared?.verdict !== 'complete') return state;
  state = { ...state, structure: await validateStructure(state, h.deps) };
  if (state.structure?.verdict !== 'valid') return state;
  return { ...state, admission: await admitPolicy(state, h.deps) };
}

/** Learn, then SignCheckpoint: how every execution ends. */
async function conclude(h: Harness, state: PipelineState): Promise<void> {
  await learn(state, h.deps);
  if (state.declared) await signCheckpoint(state.declared.intentId, h.deps);
}

/** WaitForRelease → CheckRelease until the deployment a decision started is done. */
async function settle(h: Harness, state: PipelineState): Promise<PipelineState> {
  let current = state;
  while (!current.release!.done) {
    h.clock.advance(current.release!.pollSeconds * 1000);
    current = { ...current, release: await checkRelease(current, h.deps) };
  }
  return current;
}

const highRisk = JSON.parse(
  readFileSync(new URL('../../../examples/04-high-risk-review.json', import.meta.url), 'utf8'),
) as IntentInput;

describe('what the writers record', () => {
  test('every entry a local run writes parses with its type’s schema', async () => {
    // Prepare / Act: one ledger, the outcomes the pipeline can reach.
    const h = pipelineHarness();
    const at = (edit: (d: IntentInput) => void = () => {}) => intentAt(h, edit);
    // released cleanly, twice: the second reuses the first's decision
    await conclude(h, await runIntent(h, at()));
    await conclude(
      h,
      await runIntent(
        h,
        at((d) => (d.title = 'Dark mode again')),
      ),
    );
    // rolled back by an alarm
    await conclude(
      h,
      await runIntent(
        h,
        at((d) => Object.assign(d, { simulation: fault(25) })),
      ),
    );
    // rolls forward and escalates; its regression still serves, so its lane's alarm stays raised and the next
    // release there would wait for it: it runs on a lane of its own
    const forward = pipelineHarness();
    await conclude(
      forward,
      await runIntent(
        forward,
        intentAt(forward, (d) => {
          d.constraints = { reversibility: 'reversible', onRegression: 'roll-forward', checks: [] };
          Object.assign(d, { simulation: fault(25) });
        }),
      ),
    );
    // incomplete, refused, structurally rejected, needing a schema update
    await conclude(h, await admit(h, { ...at(), goal: undefined }));
    const refused = { intent: at(), source: 'cli' as const };
    await conclude(h, { ...refused, declared: await declareIntent(refused, h.deps) });
    await conclude(
      h,
      await admit(
        h,
        at((d) => (d.change.payload = { 'dark-mode': { enabled: 'yes' } })),
      ),
    );
    await conclude(
      h,
      await admit(
        h,
        at((d) => (d.change.payload = { 'brand-new-flag': { enabled: true } })),
      ),
    );
    // refused by the policy set: the requester does not own the service
    await conclude(
      h,
      await admit(
        h,
        at((d) => (d.authority = { requester: 'victor', team: 'clinical', role: 'engineering-manager' })),
      ),
    );
    // a check that failed
    await conclude(
      h,
      await runIntent(
        h,
        at((d) => {
          d.constraints = { reversibility: 'reversible', onRegression: 'rollback', checks: ['unit'] };
          d.testResults = [{ check: 'unit', passed: false, detail: '3 failures' }];
        }),
      ),
    );
    // queued behind a release in flight, then a stage that failed (once the rollback's alarm above is OK again)
    h.clock.advance(3 * 60_000);
    const first = await runToVerify(
      h,
      at((d) => (d.title = 'First in the lane')),
    );
    const inFlight = { ...first, release: await startRelease(first, h.deps) };
    const queued = await admit(
      h,
      at((d) => (d.title = 'Second in the lane')),
    );
    await recordFailure({ ...inFlight, error: { Error: 'States.Timeout', Cause: 'no answer' } }, h.deps);
    await conclude(h, { ...inFlight, error: { Error: 'States.Timeout', Cause: 'no answer' } });
    await conclude(h, queued);
    // a reviewer of record rejects one change and approves another
    for (const decision of ['rejected', 'approved'] as const) {
      const state = await runToVerify(h, { ...highRisk, title: `${highRisk.title} (${decision})` });
      const intentId = state.declared!.intentId;
      await requestReview(intentId, `token-${decision}`, state, h.deps);
      const reviewer = { principal: 'xavier', authenticatedAs: { method: 'local' as const, via: 'test' } };
      await recordReview({ intentId, decision, reviewer, reason: 'checked the DPIA' }, h.deps);
      await conclude(h, state);
    }
    // a fail-fast gate waits for the result CI has not reported yet, then counts it
    const { testResults: _attached, ...unchecked } = highRisk;
    const awaiting = await runToVerify(h, { ...unchecked, title: `${highRisk.title} (CI reports later)` });
    await reportCheck(
      {
        intentId: awaiting.declared!.intentId,
        check: 'hipaa-audit-controls',
        status: 'passed',
        caller: submittedBy(highRisk),
      },
      h.deps,
    );
    await conclude(h, { ...awaiting, verification: await verify(awaiting, h.deps) });
    // frozen and escalated: an irreversible change that regresses, in the service's business hours
    const frozen = pipelineHarness(new Date('2026-11-04T18:00:00Z'));
    const irreversible = await runToVerify(
      frozen,
      intentAt(frozen, (d) => {
        d.constraints = { reversibility: 'irreversible', onRegression: 'rollback', checks: [] };
        Object.assign(d, { simulation: fault(20) });
      }),
    );
    const held = await runRelease(frozen, irreversible);
    // its owner rolls it back: the configuration before it goes to everyone
    await requestReleaseDecision(held.declared!.intentId, 'token-held', held, frozen.deps);
    await recordReleaseDecision(
      {
        intentId: held.declared!.intentId,
        decision: 'roll-back',
        reason: 'the old checkout reads the data',
        decider: { principal: 'alice', authenticatedAs: { method: 'local', via: 'test' } },
      },
      frozen.deps,
    );
    await conclude(
      frozen,
      await settle(frozen, { ...held, release: await applyReleaseDecision(held, frozen.deps) }),
    );
    // held, and nobody decided before the wait expired
    const expiring = pipelineHarness(new Date('2026-11-04T18:00:00Z'));
    const unanswered = await runRelease(
      expiring,
      await runToVerify(
        expiring,
        intentAt(expiring, (d) => {
          d.constraints = { reversibility: 'irreversible', onRegression: 'freeze', checks: [] };
          Object.assign(d, { simulation: fault(20) });
        }),
      ),
    );
    await requestReleaseDecision(
      unanswered.declared!.intentId,
      'token-unanswered',
      unanswered,
      expiring.deps,
    );
    expiring.clock.advance(releaseDecisionTimeoutSeconds * 1000);
    const timedOut = { ...unanswered, releaseDecisionError: { Error: 'States.Timeout' } };
    await conclude(expiring, { ...timedOut, release: await applyReleaseDecision(timedOut, expiring.deps) });
    // stopped by a freeze window that starts mid-release: admitted when it fitted, started ten minutes later
    const stopped = pipelineHarness(new Date('2026-12-20T23:40:00Z'));
    const verifiedBeforeFreeze = await runToVerify(stopped, intentAt(stopped));
    stopped.clock.advance(10 * 60_000);
    await conclude(stopped, await runRelease(stopped, verifiedBeforeFreeze));
    // a stage that failed mid-release of an irreversible change: its monitors are restored once it has ended
    const observing = await runToVerify(
      frozen,
      intentAt(frozen, (d) => {
        d.title = 'Irreversible, failed mid-release';
        d.constraints = { reversibility: 'irreversible', onRegression: 'rollback', checks: [] };
      }),
    );
    const failedMidRelease = {
      ...observing,
      release: await startRelease(observing, frozen.deps),
      error: { Error: 'TransientError', Cause: 'ledger unreachable' },
    };
    await recordFailure(failedMidRelease, frozen.deps);
    frozen.clock.advance(24 * 60 * 60_000);
    await restoreMonitors(failedMidRelease, frozen.deps);
    // a stop AppConfig kept refusing, escalated once the retries were spent
    const refusedCause = JSON.stringify({
      errorType: 'StopRefusedError',
      errorMessage: 'deployment is VALIDATING',
    });
    await recordFailure({ ...inFlight, error: { Error: 'StopRefusedError', Cause: refusedCause } }, h.deps);
    // preempted by an authorized emergency on its lane, which is admitted with the cost it causes
    const preempting = pipelineHarness();
    const routine = await runToVerify(preempting, intentAt(preempting));
    const releasing = { ...routine, release: await startRelease(routine, preempting.deps) };
    const emergency = await admit(
      preempting,
      intentAt(preempting, (d) => {
        d.title = 'Dark mode off, now';
        d.authority.emergencyOverride = true;
      }),
    );
    await conclude(preempting, emergency);
    await conclude(preempting, releasing);
    // scheduled for two days ahead, then admitted when it is due
    const scheduled = await admit(
      h,
      at((d) => {
        d.title = 'Later, please';
        d.constraints = {
          ...d.constraints,
          notBefore: new Date(h.clock.now().getTime() + 2 * 86_400_000).toISOString(),
          checks: ['e2e'],
        };
      }),
    );
    // while it waits, its CI reports the check it names
    await reportCheck(
      {
        intentId: scheduled.declared!.intentId,
        check: 'e2e',
        status: 'passed',
        detail: 'all green',
        url: 'https://ci.example.com/runs/1',
        caller: submittedBy({ authority: { requester: 'alice' } }),
      },
      h.deps,
    );
    h.clock.advance(2 * 86_400_000);
    await conclude(h, { ...scheduled, admission: await admitPolicy(scheduled, h.deps) });

    // stopped by its requester before it released: Learn records who stopped it and why
    const withdrawn = await runToVerify(
      preempting,
      intentAt(preempting, (d) => {
        d.title = 'Stopped before it released';
      }),
    );
    await requestStop(
      {
        intentId: withdrawn.declared!.intentId,
        reason: 'wrong audience',
        caller: submittedBy({ authority: { requester: 'alice' } }),
      },
      preempting.deps,
    );
    await conclude(preempting, {
      ...withdrawn,
      stopped: { Error: 'IntentStoppedError', Cause: 'stopped at StartRelease by alice: x' },
    });

    // a schema update that releases registers its contract, and a change against that version follows it
    const schema = pipelineHarness();
    const update = JSON.parse(
      readFileSync(new URL('../../../examples/10-schema-update-flag.json', import.meta.url), 'utf8'),
    ) as IntentInput;
    await conclude(
      schema,
      await runIntent(
        schema,
        intentAt(schema, (d) => (d.change = update.change)),
      ),
    );
    await conclude(
      schema,
      await runIntent(
        schema,
        intentAt(schema, (d) => {
          d.change.contractVersion = '1.2.0';
          d.change.payload = { 'express-pay': { enabled: true } };
        }),
      ),
    );

    // Assess
    const entries = [
      ...(await h.ledger.read('test')),
      ...(await frozen.ledger.read('test')),
      ...(await expiring.ledger.read('test')),
      ...(await stopped.ledger.read('test')),
      ...(await preempting.ledger.read('test')),
      ...(await forward.ledger.read('test')),
      ...(await schema.ledger.read('test')),
    ];
    expect(payloadDrift(entries)).toEqual([]);
    const written = new Set(entries.map(({ entry }) => entry.type));
    const declaredTypes = Object.keys(ledgerPayloads);
    // Deployment events AppConfig emits only on a revert; every other type is written here.
    expect(declaredTypes.filter((type) => !written.has(type))).toEqual(['release.revert-completed']);
  });
});
