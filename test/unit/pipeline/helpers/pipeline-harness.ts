import { EvidencePayloadStore } from '../../../../lambdas/adapters/evidence-payload-store.js';
import { createLocalRelease } from '../../../../lambdas/adapters/local/appconfig-simulator.js';
import { declaredFaults } from '../../../../lambdas/adapters/local/declared-faults.js';
import { LocalSigner } from '../../../../lambdas/adapters/local/local-signer.js';
import { baselinesOf } from '../../../../lambdas/adapters/local/synthetic-telemetry.js';
import { VirtualClock } from '../../../../lambdas/adapters/local/virtual-clock.js';
import type { IntentInput } from '../../../../lambdas/core/intent.js';
import { admitPolicy } from '../../../../lambdas/core/pipeline/admit-policy.js';
import { checkRelease } from '../../../../lambdas/core/pipeline/check-release.js';
import { declareIntent } from '../../../../lambdas/core/pipeline/declare-intent.js';
import type { PipelineDeps } from '../../../../lambdas/core/pipeline/deps.js';
import { formDecision } from '../../../../lambdas/core/pipeline/form-decision.js';
import { learn } from '../../../../lambdas/core/pipeline/learn.js';
import { observe } from '../../../../lambdas/core/pipeline/observe.js';
import { startRelease } from '../../../../lambdas/core/pipeline/start-release.js';
import type { PipelineState, ReleaseResult } from '../../../../lambdas/core/pipeline/state.js';
import { stopRelease } from '../../../../lambdas/core/pipeline/stop-release.js';
import { validateStructure } from '../../../../lambdas/core/pipeline/validate-structure.js';
import { verify } from '../../../../lambdas/core/pipeline/verify.js';
import { MonitorsInAlarmError } from '../../../../lambdas/core/release/errors.js';
import { defaultPolicySet } from '../../../../policies/index.js';
import { catalog, NOW, rawIntent, submittedBy } from '../../core/fixtures.js';
import { WriteOnceEvidence } from '../../evidence/helpers/write-once-evidence.js';
import { counterIds, MemoryStateStore } from '../../release/helpers/memory-state-store.js';
import { MemoryLedgerStore } from './memory-ledger.js';

/** The pipeline's use cases over in-memory stores, the AppConfig simulator and a virtual clock at NOW. */
export function pipelineHarness(start: Date = NOW, clock: VirtualClock = new VirtualClock(start)) {
  const store = new MemoryStateStore();
  const ledger = new MemoryLedgerStore();
  const ids = counterIds();
  const ledgerName = 'test';
  const release = createLocalRelease({
    store,
    clock,
    ids,
    baselines: baselinesOf(catalog),
    noise: 0,
    faults: declaredFaults(ledger, ledgerName),
  });
  const signer = LocalSigner.inMemory();
  const deps: PipelineDeps = {
    ledgerName,
    ledger,
    state: store,
    catalog,
    policies: defaultPolicySet,
    clock,
    ids,
    signer,
    publicKey: () => signer.publicKeySpkiDer(),
    releaser: release.releaser,
    telemetry: release.telemetry,
    evidence: new WriteOnceEvidence(),
    payloads: new EvidencePayloadStore(new WriteOnceEvidence()),
  };
  return { deps, clock, store, ledger, cloudwatch: release.cloudwatch };
}

export type Harness = ReturnType<typeof pipelineHarness>;

/** A launch-flags intent declared at the clock's instant, edited by `edit`. */
export function intentAt(h: Harness, edit: (draft: IntentInput) => void = () => {}): IntentInput {
  const draft = structuredClone(rawIntent());
  draft.timestamp = h.clock.now().toISOString();
  edit(draft);
  return draft;
}

/**
 * DeclareIntent → ValidateStructure → AdmitPolicy → FormDecision → Verify, as the state machine chains them;
 * `start` adds to the execution's input (an `attempt`, say).
 */
export async function runToVerify(
  h: Harness,
  intent: IntentInput,
  start: Partial<PipelineState> = {},
): Promise<PipelineState> {
  let state: PipelineState = { intent, source: 'cli', caller: submittedBy(intent), ...start };
  state = { ...state, declared: await declareIntent(state, h.deps) };
  state = { ...state, structure: await validateStructure(state, h.deps) };
  if (state.structure?.verdict !== 'valid') throw new Error(`invalid: ${JSON.stringify(state.structure)}`);
  state = { ...state, admission: await admitPolicy(state, h.deps) };
  if (state.admission?.verdict !== 'admitted')
    throw new Error(`not admitted: ${JSON.stringify(state.admission)}`);
  state = { ...state, decision: await formDecision(state, h.deps) };
  return { ...state, verification: await verify(state, h.deps) };
}

/**
 * StartRelease, then WaitForRelease (the clock moves by pollSeconds) → CheckRelease until done or held for a
 * decision, through StopRelease when asked; `beforePoll` runs before each check.
 */
export async function runRelease(
  h: Harness,
  state: PipelineState,
  beforePoll: (state: PipelineState) => Promise<void> = async () => {},
): Promise<PipelineState> {
  let current: PipelineState = { ...state, release: await startWhenMonitorsOk(h, state) };
  for (let poll = 0; poll < 500; poll++) {
    const release = current.release!;
    if (release.action === 'stop') return { ...current, release: await stopRelease(current, h.deps) };
    // A held release waits for a person here (AwaitReleaseDecision): the tests decide, or look at the hold.
    if (release.done || release.action === 'await-decision') return current;
    h.clock.advance(release.pollSeconds * 1000);
    await beforePoll(current);
    current = { ...current, release: await checkRelease(current, h.deps) };
  }
  throw new Error('release did not finish in 500 polls');
}

/**
 * StartRelease as the state machine retries it while a monitor of the lane is still in ALARM from an earlier
 * release (`MonitorsInAlarmError`): the clock moves a minute between attempts, ten attempts at most.
 */
async function startWhenMonitorsOk(h: Harness, state: PipelineState): Promise<ReleaseResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startRelease(state, h.deps);
    } catch (error) {
      if (!(error instanceof MonitorsInAlarmError) || attempt >= 10) throw error;
      h.clock.advance(60_000);
    }
  }
}

/** The whole run: through Verify, Release (when no review is needed), Observe and Learn. */
export async function runIntent(
  h: Harness,
  intent: IntentInput,
  start: Partial<PipelineState> = {},
): Promise<PipelineState> {
  let state = await runToVerify(h, intent, start);
  if (state.verification?.passed && !state.verification.requiresReview) {
    state = await runRelease(h, state);
    state = { ...state, observation: await observe(state, h.deps) };
  }
  return { ...state, learning: await learn(state, h.deps) };
}

/** Ledger entry types of one intent, in order. */
export async function ledgerTypes(h: Harness, intentId: string): Promise<string[]> {
  return (await h.ledger.forIntent('test', intentId)).map((stored) => stored.entry.type);
}

/** alice, engineering manager of growth (which owns launch-flags), sends a fix under an emergency override. */
export const emergencyFix = (d: IntentInput) => {
  d.title = 'Turn dark mode off now';
  d.change.payload = { 'dark-mode': { enabled: false } };
  d.authority = { requester: 'alice', team: 'growth', role: 'engineering-manager', emergencyOverride: true };
};

/** A routine launch-flags change, verified and with its deployment started. */
export async function routineReleasing(
  h: Harness,
  edit: (d: IntentInput) => void = () => {},
): Promise<PipelineState> {
  const state = await runToVerify(
    h,
    intentAt(h, (d) => {
      d.title = 'Routine flag change';
      edit(d);
    }),
  );
  return { ...state, release: await startRelease(state, h.deps) };
}

/** Irreversible changes to launch-flags are admitted in its business hours only: 10:00 in Los Angeles. */
export const launchFlagsBusinessHours = new Date('2026-11-04T18:00:00Z');

/** An intent's `simulation` block: an error-rate fault that shows from `atPercent` exposure on. */
export const errorRateFault = (atPercent: number) => ({
  fault: { metric: 'errorRate' as const, value: 0.2, atPercent },
});
