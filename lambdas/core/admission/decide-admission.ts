import type { Catalog, Service } from '../catalog-schema.js';
import type { Intent } from '../intent.js';
import { laneOf } from '../lane.js';
import { evaluatePolicy } from '../policy/evaluate.js';
import type { PolicyEvaluation, PolicySet, PolicySignals } from '../policy/types.js';
import { chooseStrategy } from '../release/choose.js';
import { deploymentTimeline } from '../release/timeline.js';
import { assessRisk, type RiskAssessment } from '../risk.js';
import type { InFlightRecord } from '../state-keys.js';
import { valuePerHour } from '../value.js';
import { decideNonInterference, type NonInterferenceDecision } from './non-interference.js';
import { type Occupant, toOccupant, toRecord } from './occupant.js';

/** The rule whose compliance turns a claimed emergency override into an authorized one. */
export const overrideAuthorityRule = 'authority-emergency-override';

/** What admission read of the INFLIGHT partition, at one sequencer version. */
export interface Occupancy {
  /** The sequencer's version when read; the next arrival ticket is `version + 1`. */
  version: number;
  /** This intent's own record, from an earlier attempt. */
  mine?: InFlightRecord;
  others: InFlightRecord[];
}

export interface AdmissionInput {
  intent: Intent;
  intentId: string;
  service: Service;
  catalog: Catalog;
  now: Date;
  /** Lower bound of the earned confidence for (service, change kind). */
  confidence: number;
  occupancy: Occupancy;
  policies: PolicySet;
  signals?: PolicySignals;
}

export interface Explanation {
  rule: string;
  domain: string;
  reason: string;
  remedy?: string;
}

/** How this intent's own record changes: `null` deletes it; `commit` means the write must win the sequencer. */
export interface OccupancyWrite {
  record: InFlightRecord | null;
  commit: boolean;
}

export interface AdmissionDecision {
  verdict: 'admitted' | 'queued' | 'rejected';
  failed: Explanation[];
  evaluation: PolicyEvaluation;
  risk: RiskAssessment;
  lane: string;
  /** The strategy its tier and confidence choose, and its rollout plus bake: the basis of every prediction. */
  strategy: string;
  predictedDurationSeconds: number;
  /** Whether a claimed emergency override was authorized by the policy set. */
  override: boolean;
  arrival: number;
  nonInterference: NonInterferenceDecision;
  /** Undefined when the record stays as it is. */
  write?: OccupancyWrite;
}

/**
 * The whole admission decision, pure: policy set, risk tier and non-interference against what the INFLIGHT
 * partition held, plus how this intent's own record must change. Admission performs the write (see
 * `settleAdmission`); the benchmark times this function alone.
 */
export function decideAdmission(input: AdmissionInput): AdmissionDecision {
  const { intent, intentId, service, catalog, now, confidence, occupancy } = input;
  const evaluation = evaluatePolicy(
    {
      intent,
      service,
      catalog,
      now,
      phase: 'admission',
      ...(input.signals ? { signals: input.signals } : {}),
    },
    input.policies.rules,
  );
  const risk = assessRisk({
    intent,
    service,
    catalog,
    confidence,
    reviewedDomains: input.policies.reviewedDomains,
  });
  const strategy = chooseStrategy({ tier: risk.tier, confidence });
  const predictedDurationSeconds = deploymentTimeline(strategy).bakeEndSeconds;
  const lane = laneOf(service);
  const override =
    intent.authority.emergencyOverride &&
    evaluation.results.some((r) => r.rule === overrideAuthorityRule && r.status === 'compliant');
  const mine = occupancy.mine ? toOccupant(occupancy.mine) : undefined;
  const nowIso = now.toISOString();
  const deadline = intent.constraints.deadline;
  const candidate: Occupant = {
    intentId,
    status: mine?.status ?? 'queued',
    lane,
    blastRadius: risk.blastRadius,
    arrival: mine?.arrival ?? occupancy.version + 1,
    arrivedAt: mine?.arrivedAt ?? nowIso,
    ...(mine?.admittedAt ? { admittedAt: mine.admittedAt } : {}),
    lastSeenAt: nowIso,
    predictedDurationSeconds,
    strategy: strategy.name,
    valuePerHourUsd: valuePerHour(intent.goal.valueModel),
    emergencyOverride: override,
    ...(deadline ? { deadline } : {}),
  };
  const alreadyAdmitted = mine?.status === 'admitted';
  const nonInterference = decideNonInterference({
    candidate,
    others: occupancy.others.map(toOccupant),
    now,
    override,
    // An admitted intent was judged against its deadline when admitted; a retry must not reverse that.
    ...(deadline && !alreadyAdmitted ? { deadline: new Date(deadline) } : {}),
  });
  if (alreadyAdmitted) {
    // A retried attempt after its admission was written: the lease is already held.
    nonInterference.verdict = 'admitted';
    nonInterference.blockers = [];
  }
  const failed: Explanation[] = evaluation.failed.map(({ rule, domain, reason, remedy }) => ({
    rule,
    domain,
    reason,
    ...(remedy ? { remedy } : {}),
  }));
  if (nonInterference.deadlineMiss) {
    failed.push({
      rule: 'non-interference-deadline',
      domain: 'operational',
      ...nonInterference.deadlineMiss,
    });
  }
  const verdict = alreadyAdmitted ? 'admitted' : failed.length > 0 ? 'rejected' : nonInterference.verdict;
  return {
    verdict,
    failed: alreadyAdmitted ? [] : failed,
    evaluation,
    risk,
    lane,
    strategy: strategy.name,
    predictedDurationSeconds,
    override,
    arrival: candidate.arrival,
    nonInterference,
    ...writeFor(verdict, candidate, mine, nowIso),
  };
}

function writeFor(
  verdict: AdmissionDecision['verdict'],
  candidate: Occupant,
  mine: Occupant | undefined,
  now: string,
): { write?: OccupancyWrite } {
  if (mine?.status === 'admitted') return {};
  if (verdict === 'rejected') return mine ? { write: { record: null, commit: false } } : {};
  if (verdict === 'admitted') {
    return {
      write: { record: toRecord({ ...candidate, status: 'admitted', admittedAt: now }), commit: true },
    };
  }
  // A first arrival takes its ticket through the sequencer; a later attempt only refreshes its place.
  return { write: { record: toRecord({ ...candidate, status: 'queued' }), commit: mine === undefined } };
}
