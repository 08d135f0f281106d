import type { LedgerStore } from '../../ports/ledger-store.js';
import type { PayloadStore } from '../../ports/payload-store.js';
import { decideAdmission, type Explanation, readOccupancy } from '../admission/index.js';
import { confidenceLowerBound } from '../confidence.js';
import type { ResolvedIntent } from '../intent.js';
import { dueAt, wholeSecondTimestamp } from '../intent-timing.js';
import { laneOf } from '../lane.js';
import { type StructureVerdict, validateStructure } from '../structure.js';
import { readConfidence } from './confidence-store.js';
import { withGrantsTo } from './delegations.js';
import type { PipelineDeps } from './deps.js';
import { policySignals } from './policy-signals.js';
import { releasesOnLane } from './preempt-release.js';
import { withReleasedContracts } from './released-contracts.js';

/**
 * What admission would decide, without recording or queuing anything: now, or for an intent not yet due, as of
 * the instant it is due, as AdmitPolicy judges it.
 */
export interface DryRunPolicy {
  verdict: 'admitted' | 'queued' | 'scheduled' | 'rejected';
  /** The instant the policy set was evaluated as of: now, or the instant the intent is due. */
  evaluatedAt: string;
  /** Scheduled: the instant it would be due and admission would run again (whole seconds, as AdmitPolicy records it). */
  dueAt?: string;
  tier: number;
  requiresReviewer: boolean;
  lane: string;
  strategy: string;
  predictedDurationSeconds: number;
  /** Each failed constraint, with what would pass. */
  failed: Explanation[];
  /** Every rule evaluated and its outcome. */
  rules: Array<{ rule: string; status: string }>;
  policySetHash: string;
  /** In-flight or queued intents it would wait behind. */
  waitingFor: string[];
  /**
   * An authorized emergency override and the release holding its lane: the release it would stop, with the
   * predicted change to that intent's time to value and its cost of delay, or the holder it would wait for and why.
   */
  preemption?:
    | {
        action: 'preempts';
        intentId: string;
        deploymentId: string;
        predictedTimeToValueChangeSeconds: number;
        costOfDelayUsd: number;
      }
    | { action: 'waits'; intentId: string; reason: string };
}

/** The outcome of a dry run: the intent as the pipeline would take it, stage by stage, nothing written. */
export interface DryRunReport {
  dryRun: true;
  intentId: string;
  /** `admitted` / `queued` / `scheduled`: it would go on; otherwise the stage that would stop it. */
  verdict:
    | 'admitted'
    | 'queued'
    | 'scheduled'
    | 'rejected-structure'
    | 'schema-update-required'
    | 'rejected-policy';
  structure: StructureVerdict;
  /** Absent when structure already stops it, as the pipeline would never reach admission. */
  policy?: DryRunPolicy;
}

/**
 * ValidateStructure and AdmitPolicy on a complete intent (declaration already passed: `checkCompleteness`),
 * reading the state the stages read — confidence, delegations, revocations, the measured error budget, the
 * in-flight partition, and for an emergency override the deployments on its lane — and writing nothing: no ledger
 * entry, no admission record, no sequencer bump. An emergency override's preemption is decided as admission
 * decides it and reported with its cost, but nothing is stopped. An intent not yet due is judged as of its
 * due instant, as AdmitPolicy judges it: `scheduled` with `dueAt` when the policy set allows it then.
 * Example: `await dryRunIntent(intent, 'abc123', deps)` → `{ verdict: 'admitted', policy: { tier: 0, … } }`.
 */
export async function dryRunIntent(
  intent: ResolvedIntent,
  intentId: string,
  deps: Pick<PipelineDeps, 'catalog' | 'state' | 'policies' | 'clock' | 'ledgerName'> & {
    /** Read only: the release on the lane an emergency override would preempt. */
    ledger: Pick<LedgerStore, 'forIntent'>;
    payloads?: Pick<PayloadStore, 'get'>;
  },
): Promise<DryRunReport> {
  // Against the catalog's contracts and those schema updates released, as ValidateStructure validates it.
  const contracts = await withReleasedContracts(
    deps.catalog,
    intent.change.service,
    intent.change.profile,
    deps,
  );
  const structure = validateStructure(intent, contracts.catalog);
  if (structure.verdict !== 'valid') {
    return {
      dryRun: true,
      intentId,
      verdict: structure.verdict === 'invalid' ? 'rejected-structure' : 'schema-update-required',
      structure,
    };
  }
  const service = deps.catalog.services[intent.change.service]!;
  const now = deps.clock.now();
  const confidence = confidenceLowerBound(
    await readConfidence(deps.state, intent.change.service, intent.change.kind),
  );
  const catalog = await withGrantsTo(deps.catalog, intent.authority.requester, deps.state);
  const signals = await policySignals(intent, catalog, deps.state, now);
  // Not yet due (its timestamp or constraints.notBefore ahead): judged as of the instant it is due, holding no
  // lane and no place in a queue, as AdmitPolicy schedules it.
  const due = dueAt(intent, now);
  const evaluatedAt = due ?? now;
  const decided = decideAdmission({
    intent,
    intentId,
    service,
    catalog,
    policies: deps.policies,
    now: evaluatedAt,
    confidence,
    occupancy: due ? { version: 0, others: [] } : await readOccupancy(deps.state, intentId),
    signals,
    releases: due ? new Map() : await releasesOnLane(intent, intentId, laneOf(service), deps),
  });
  const decision = {
    ...decided,
    verdict: due && decided.verdict !== 'rejected' ? ('scheduled' as const) : decided.verdict,
  };
  return {
    dryRun: true,
    intentId,
    verdict: decision.verdict === 'rejected' ? 'rejected-policy' : decision.verdict,
    structure,
    policy: {
      verdict: decision.verdict,
      evaluatedAt: evaluatedAt.toISOString(),
      ...(decision.verdict === 'scheduled' && due ? { dueAt: wholeSecondTimestamp(due) } : {}),
      tier: decision.risk.tier,
      requiresReviewer: decision.risk.requiresReviewer,
      lane: decision.lane,
      strategy: decision.strategy,
      predictedDurationSeconds: decision.predictedDurationSeconds,
      failed: decision.failed,
      rules: decision.evaluation.results.map((result) => ({ rule: result.rule, status: result.status })),
      policySetHash: decision.evaluation.policySetHash,
      waitingFor:
        decision.verdict === 'queued' ? decision.nonInterference.blockers.map((b) => b.intentId) : [],
      ...(decision.preemption
        ? {
            preemption: {
              action: 'preempts' as const,
              intentId: decision.preemption.intentId,
              deploymentId: decision.preemption.release.deploymentId,
              predictedTimeToValueChangeSeconds: decision.preemption.delaySeconds,
              costOfDelayUsd: decision.preemption.costOfDelayUsd,
            },
          }
        : decision.preemptionDeclined
          ? { preemption: { action: 'waits' as const, ...decision.preemptionDeclined } }
          : {}),
    },
  };
}
