/**
 * The value view's version: raised whenever `ConcludedIntent` gains a field, so a view an earlier version
 * summarized without it is left behind and summarized again (v2: `releaseVerdict`; v3: an attempt's cost of delay
 * counted from its previous attempt's conclusion, the authority's `team`, the `goal`, the
 * conclusion's `confidence` and `strategy`; v4: intents that failed before concluding, ended by their
 * `stage.failed` entry; v5: `releaseSeconds`, the part of time to value the release took), never read as if
 * complete.
 */
export const valueViewVersion = 'v5';

/** Where each kind of operational state lives in the state store, in one place. */
export const stateKeys = {
  inFlight: () => ({ pk: 'INFLIGHT', sk: '' }),
  /** An intent's place in non-interference, admitted or queued; Learn and RecordFailure delete it. */
  inFlightIntent: (intentId: string) => ({ pk: 'INFLIGHT', sk: intentId }),
  /**
   * A queued intent parked until `blocker` frees its way: one item per intent it waits for, holding the task
   * token that resumes it. Learn and RecordFailure of the blocker wake every waiter in its partition.
   */
  laneWaiter: (blocker: string, waiter: string) => ({ pk: `LANEWAIT#${blocker}`, sk: waiter }),
  /** Admission's sequencer: its version orders admissions and hands out arrival tickets (conditional writes). */
  admissionSequencer: () => ({ pk: 'ADMISSION', sk: 'SEQUENCER' }),
  /** One item per judged intent: its marker in the outcome tally (`running-tally.ts`). */
  outcome: (service: string, kind: string, intentId: string) => ({
    pk: `OUTCOME#${service}#${kind}`,
    sk: intentId,
  }),
  /** The running totals of the outcomes of (service, kind): what confidence reads, in one item. */
  outcomeTally: (service: string, kind: string) => ({ pk: `TALLY#OUTCOME#${service}#${kind}`, sk: 'TOTALS' }),
  /** The intent's current attempt: bumped (conditionally) when a submission follows one that ended unreleased. */
  attempt: (intentId: string) => ({ pk: `INTENT#${intentId}`, sk: 'ATTEMPT' }),
  /** An event-bus delivery that started an attempt: a redelivery of the same event finds it and starts no other. */
  delivery: (intentId: string, eventId: string) => ({ pk: `INTENT#${intentId}`, sk: `DELIVERY#${eventId}` }),
  /** A person asked the run to stop: written once, read by the stages (`stop-intent.ts`). */
  stopRequest: (intentId: string) => ({ pk: `INTENT#${intentId}`, sk: 'STOP_REQUEST' }),
  /** The task token a queued intent is parked on (AwaitLane), so a stop can wake it. */
  lanePark: (intentId: string) => ({ pk: `INTENT#${intentId}`, sk: 'LANE_PARK' }),
  /**
   * That a lane holder's deployment has started, under the admission it started in (`admittedAt`): StartRelease
   * writes it before it wakes the emergencies that waited for that deployment, and a park made after it finds it.
   */
  deploymentStarted: (intentId: string) => ({ pk: `INTENT#${intentId}`, sk: 'DEPLOYMENT_STARTED' }),
  /** The task token a scheduled intent is parked on until its due instant (AwaitDue), so a stop can wake it. */
  duePark: (intentId: string) => ({ pk: `INTENT#${intentId}`, sk: 'DUE_PARK' }),
  /**
   * The task token an intent is parked on while its fail-fast gate waits for check results (AwaitChecks), and the
   * checks it waits for: a report of one of them, or a stop, wakes it.
   */
  checksPark: (intentId: string) => ({ pk: `INTENT#${intentId}`, sk: 'CHECKS_PARK' }),
  reviewRequest: (intentId: string) => ({ pk: `INTENT#${intentId}`, sk: 'REVIEW_REQUEST' }),
  /**
   * The hosted configuration version created for the intent's release, reused by every retried start; a
   * stepped release has one per exposure step after the first.
   */
  hostedVersion: (intentId: string, step = 0) => ({
    pk: `INTENT#${intentId}`,
    sk: step === 0 ? 'HOSTED_VERSION' : `HOSTED_VERSION#STEP#${step}`,
  }),
  /** What itv last released to everyone on a profile: the configuration a stepped release keeps for the rest. */
  releasedContent: (service: string, profile: string) => ({ pk: `RELEASED#${service}`, sk: profile }),
  review: (intentId: string) => ({ pk: `INTENT#${intentId}`, sk: 'REVIEW' }),
  /**
   * A contract version a schema-update intent released (`pipeline/released-contracts.ts`): written once, by the
   * Learn of that intent; ValidateStructure and Verify list the profile's, a release reads the one it names.
   */
  registeredContract: (service: string, profile: string, version: string) => ({
    pk: `CONTRACT#${service}#${profile}`,
    sk: version,
  }),
  /** A check result CI reported for the intent (`PUT /intents/{id}/checks/{name}`), written once; Verify reads it. */
  check: (intentId: string, check: string) => ({ pk: `INTENT#${intentId}`, sk: `CHECK#${check}` }),
  /**
   * Local runtime: the executions parked at a wait for a person (a review, a held release's decision), each with
   * the instant its Task's TimeoutSeconds ends it (`cli/runtime/parked-waits.ts`); Step Functions keeps that itself.
   */
  parkedWaits: () => ({ pk: 'PARKED_WAITS', sk: '' }),
  parkedWait: (intentId: string) => ({ pk: 'PARKED_WAITS', sk: intentId }),
  /** Local runtime: the one resumption of a parked review wait, claimed once so a retried review starts no other. */
  reviewResumed: (intentId: string) => ({ pk: `INTENT#${intentId}`, sk: 'REVIEW_RESUMED' }),
  /** A held release waiting for a person's decision: its task token and the state to resume from. */
  releaseDecisionRequest: (intentId: string) => ({
    pk: `INTENT#${intentId}`,
    sk: 'RELEASE_DECISION_REQUEST',
  }),
  /** The person's decision on the hold of one step's deployment, written once (a later hold has its own). */
  releaseDecision: (intentId: string, heldDeploymentId: string) => ({
    pk: `INTENT#${intentId}`,
    sk: `RELEASE_DECISION#${heldDeploymentId}`,
  }),
  /**
   * The emergency preemption of an intent's deployment, written before the stop: CheckRelease reads it to tell a
   * preempted deployment (queue again) from one an alarm rolled back (conclude).
   */
  preemption: (intentId: string, deploymentId: string) => ({
    pk: `INTENT#${intentId}`,
    sk: `PREEMPTION#${deploymentId}`,
  }),
  /** The first answer to a request sent with an `Idempotency-Key`, per caller and key (24 h, TTL). */
  idempotency: (principal: string, key: string) => ({ pk: `IDEMPOTENCY#${principal}`, sk: key }),
  decisionCache: (fingerprint: string) => ({ pk: 'DECISION', sk: fingerprint }),
  /** The service's error budget as Observe last measured it: what the error-budget rule reads at admission. */
  measuredBudget: (service: string) => ({ pk: `BUDGET#${service}`, sk: 'MEASURED' }),
  /** One item per verified intent: whether it reused a decision (its marker in the continuity tally). */
  continuity: (intentId: string) => ({ pk: 'CONTINUITY', sk: intentId }),
  /** The running totals of decision continuity, in one item. */
  continuityTally: () => ({ pk: 'TALLY#CONTINUITY', sk: 'TOTALS' }),
  /**
   * The value view of a ledger (`value-view.ts`): one summary per concluded intent, its `ConcludedIntent` and the
   * seq of its `intent.concluded` entry, sorted by conclusion instant so a window is one range Query;
   * `sk = <concludedAt as toISOString()>#<intentId>#<seq>` (`concludedSummarySortKey`). Written by `GET /value`.
   * The pk carries the view's version (`valueViewVersion`).
   */
  concludedSummary: (ledger: string, sk = '') => ({
    pk: `VALUE#${ledger}#${valueViewVersion}#CONCLUDED`,
    sk,
  }),
  /**
   * How far the value view has read its ledger: every `intent.concluded` entry below `nextSeq` has its summary,
   * and `tags` are the tags those intents carry. Moved forward only, by a write conditional on its version.
   */
  valueSummarized: (ledger: string) => ({ pk: `VALUE#${ledger}#${valueViewVersion}`, sk: 'SUMMARIZED' }),
  /** Revocations of a principal's authority, one item per (effective instant, scope). */
  revocation: (principal: string, sk = '') => ({ pk: `REVOCATION#${principal}`, sk }),
  /** Delegations granted at run time to `principal`, one item per (grantor, expiry). */
  delegation: (principal: string, sk = '') => ({ pk: `DELEGATION#${principal}`, sk }),
} as const;

/**
 * One item of the INFLIGHT partition. `admitted` holds the intent's lane and blast radius until it concludes;
 * `queued` is its place in arrival order. Records written before queueing existed lack the optional fields
 * and count as admitted.
 */
export interface InFlightRecord {
  intentId: string;
  lane: string;
  blastRadius: string[];
  /** When it was admitted; absent while queued. */
  admittedAt?: string;
  status?: 'admitted' | 'queued';
  /** Arrival ticket (the sequencer version that first recorded it): lower goes first. */
  arrival?: number;
  arrivedAt?: string;
  /** The last admission attempt; a queued place not refreshed for long is abandoned. */
  lastSeenAt?: string;
  /** Rollout plus bake of the strategy its tier and confidence choose: a lower bound of its time in flight. */
  predictedDurationSeconds?: number;
  strategy?: string;
  valuePerHourUsd?: number;
  emergencyOverride?: boolean;
  deadline?: string;
  /** Queued again because this emergency intent stopped its release; it keeps the head of its lane. */
  preemptedBy?: string;
  /**
   * The sequencer version this place was written to commit at (`applyOccupancyWrite`): it counts only once the
   * sequencer shows that commit as this intent's. Absent on places written without a commit (a queued place's
   * refresh) and on places from before it was kept.
   */
  commitAt?: number;
  /**
   * Set on a place another intent's admission wrote (a holder it preempts): that intent, whose commit at `commitAt`
   * makes this place count. Until the sequencer names that commit as `commitBy`'s, the place reads as `before`, the
   * place as that admission read it: an admission killed before its commit preempts nobody.
   */
  commitBy?: string;
  before?: InFlightRecord;
}
