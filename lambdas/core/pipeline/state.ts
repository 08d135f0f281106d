import * as z from 'zod';
import { attemptPart, checkResultPart } from '../ledger/entry-payload-parts.js';
import { policyExemptionSchema } from '../policy/exemptions.js';
import { authenticatedAsSchema, callerSchema } from '../principals/caller.js';
import { reviewerRoles } from '../reviewers.js';
import { tagMapSchema } from '../tags.js';

/**
 * The state that flows through the state machine. Each stage reads what earlier stages wrote and
 * returns its own result, which the ASL stores under the stage's ResultPath. These schemas are the
 * contracts between stages.
 */

const issue = z.object({ path: z.string(), message: z.string() });

export const declaredSchema = z.object({
  intentId: z.string(),
  /** `refused`: the caller may not submit it as it is (it names somebody else); nothing else runs. */
  verdict: z.enum(['complete', 'incomplete', 'refused']),
  issues: z.array(issue).default([]),
  service: z.string().optional(),
  title: z.string().optional(),
  /** The tags recorded with the declaration: the service's catalog tags and the intent's own (`declaredTags`). */
  tags: tagMapSchema.optional(),
  declaredAt: z.string(),
});

export const structureResultSchema = z.object({
  verdict: z.enum(['valid', 'invalid', 'schema-update-required']),
  errors: z.array(issue).default([]),
  missingKeys: z.array(z.string()).default([]),
  message: z.string().optional(),
  /** A valid schema update: the contract version its release registers, and that contract's digest. */
  introduces: z.object({ contractVersion: z.string(), contractDigest: z.string() }).optional(),
});

export const explanationSchema = z.object({
  rule: z.string(),
  domain: z.string(),
  reason: z.string(),
  remedy: z.string().optional(),
});

export const admissionResultSchema = z.object({
  verdict: z.enum(['admitted', 'queued', 'scheduled', 'rejected']),
  tier: z.number().int().min(0).max(3),
  requiresReviewer: z.boolean(),
  gate: z.enum(['auto-continue', 'fail-fast']),
  lane: z.string(),
  blastRadius: z.array(z.string()),
  failed: z.array(explanationSchema).default([]),
  /**
   * Queued or scheduled: how long its park lasts at most, in whole seconds — the Task timeout of AwaitLane and
   * AwaitDue (TimeoutSecondsPath), to the first blocker's lease lapse or to the due instant.
   */
  retryAfterSeconds: z.number().int().min(1).default(15),
  attempt: z.number().int().min(0),
  policySetHash: z.string(),
  /** Queued: the in-flight or earlier-queued intents it waits for. */
  waitingFor: z.array(z.string()).optional(),
  /**
   * Queued emergency: the lane holder it waits for only because that holder has no deployment yet (there is nothing
   * to stop). Its park is woken when that deployment starts (`wakeEmergenciesAwaitingDeployment`), so it decides
   * again and preempts it. Not in the ledger entry: the entry's `nonInterference.preemption` says why it waits.
   */
  awaitsDeploymentOf: z.string().optional(),
  /** Scheduled: the instant it is due, when its park (AwaitDue) times out and hands it back to admission. */
  dueAt: z.string().optional(),
  /** Rules it passed only by an exemption (a break-glass), with who declared it: it needs a reviewer of record. */
  exemptions: z.array(policyExemptionSchema).optional(),
});

export const decisionResultSchema = z.object({
  decisionId: z.string(),
  digest: z.string(),
  keyId: z.string(),
  seq: z.number().int(),
});

export const reusedDecisionSchema = z.object({
  decisionId: z.string(),
  intentId: z.string(),
  /** The reviewer of record who approved the reused decision, when it needed one. */
  reviewer: z.string().optional(),
  releasedAt: z.string(),
});

export const verificationResultSchema = z.object({
  passed: z.boolean(),
  requiresReview: z.boolean(),
  results: z.array(checkResultPart),
  /** SHA-256 of (service, profile, change kind, contract version, policy-set hash, risk attributes). */
  fingerprint: z.string().optional(),
  /** A decision with the same fingerprint that was validated and released cleanly: a standard change. */
  reusedDecision: reusedDecisionSchema.optional(),
  /**
   * Set when Verify has not concluded: a fail-fast gate waits for the results of these checks until `deadline`
   * (AwaitChecks parks `waitSeconds`, its Task's TimeoutSecondsPath), then Verify runs again. `passed` is false
   * meanwhile and means nothing yet: the state machine routes on this field first.
   */
  awaitingChecks: z
    .object({
      missing: z.array(z.string()).min(1),
      deadline: z.string(),
      waitSeconds: z.number().int().positive(),
    })
    .optional(),
});

export const reviewResultSchema = z.object({
  decision: z.enum(['approved', 'rejected']),
  /** The catalog principal id of the reviewer of record. */
  reviewer: z.string(),
  /** The capacity they decided in; absent in reviews from versions that did not record it. */
  as: z.enum(reviewerRoles).optional(),
  /** The identity the reviewer authenticated as (an IAM ARN on AWS); absent in reviews from older versions. */
  authenticatedAs: authenticatedAsSchema.optional(),
  /** The catalog entry the identity matched, e.g. `principals.xavier.identities[1]`. */
  matched: z.string().optional(),
  reason: z.string().optional(),
  decidedAt: z.string(),
});

/** What a person decided for a held release (`release-decision.ts`). */
export const releaseDecisions = ['roll-forward', 'roll-back', 'hold'] as const;
export type ReleaseDecisionKind = (typeof releaseDecisions)[number];

export const releaseDecisionSchema = z.object({
  decision: z.enum(releaseDecisions),
  /** The catalog principal who decided; null when the wait expired and the release stayed held. */
  decider: z.string().nullable(),
  /** The identity the decider authenticated as, and the catalog entry it matched. */
  authenticatedAs: authenticatedAsSchema.optional(),
  matched: z.string().optional(),
  reason: z.string(),
  decidedAt: z.string(),
  /** The held step's deployment the decision answers. */
  heldDeploymentId: z.string(),
  /** The hold it answers (`escalation.at`), so a later hold after a roll-forward asks again. */
  escalationAt: z.string(),
  /** What had held the release: a regression judges the change even when a person rolls it forward. */
  cause: z.enum(['regression', 'policy-breach', 'stop']),
  /** The monitor that held it; after a roll-forward it does not hold the release again (it was accepted). */
  alarm: z.string().optional(),
  timedOut: z.boolean(),
  /** A hold taken on a person's stop request rather than decided by an owner. */
  stop: z.boolean().optional(),
});

export const releaseResultSchema = z.object({
  deploymentId: z.string(),
  service: z.string(),
  environment: z.string(),
  strategy: z.string(),
  state: z.string(),
  percentageComplete: z.number(),
  /** The percentage a rollback started from (its ROLLBACK_STARTED event): `percentageComplete` is 0 by then. */
  rolledBackFrom: z.number().optional(),
  startedAt: z.string(),
  completedAt: z.string().optional(),
  done: z.boolean(),
  /**
   * `requeue`: an emergency preempted the deployment; the intent waits for its lane again (`preemptedBy`).
   * `await-decision`: a held step has completed; the release waits for a person (AwaitReleaseDecision).
   */
  action: z.enum(['continue', 'stop', 'requeue', 'await-decision']),
  /** The emergency intent whose admission stopped this deployment. */
  preemptedBy: z.string().optional(),
  /** Why a release is being stopped: an alarm, a policy breach, a person's stop. */
  stopReason: z.string().optional(),
  /** The principal whose stop request rolled the release back or held it (`stop-intent.ts`). */
  stoppedBy: z.string().optional(),
  pollSeconds: z.number().int().min(1),
  /**
   * A schema update's release (`release.contract-only`): it deployed nothing, and is COMPLETE at its start.
   * Its `deploymentId` is `none`; CheckRelease reads no deployment for it.
   */
  contractOnly: z.literal(true).optional(),
  /** Number of deployment events already written to the ledger. */
  eventsRecorded: z.number().int().min(0),
  /** Rollback, freeze or roll forward, chosen from the intent's constraints when the release started. */
  plan: z
    .object({
      onRegression: z.enum(['rollback', 'freeze', 'roll-forward']),
      onPolicyBreach: z.enum(['stop', 'freeze']),
      rollbackOnAlarm: z.boolean(),
      reason: z.string(),
    })
    .optional(),
  /** The alarm that rolled the deployment back, or the monitor that tripped when it was not allowed to. */
  alarm: z.string().optional(),
  /**
   * That alarm left OK sooner after the release started than its own datapoints could have made it
   * (`alarmPredatesDeployment`): an earlier release's regression, so the release says nothing of this change.
   */
  alarmPredatesRelease: z.boolean().optional(),
  /** A stepped release: the exposure schedule, the step deployed now, and the share of users it exposes. */
  exposure: z
    .object({ steps: z.array(z.number()), index: z.number().int().min(0), percentage: z.number() })
    .optional(),
  /** Set when itv escalated instead of reverting: frozen, or rolling forward. */
  escalation: z
    .object({
      response: z.enum(['freeze', 'roll-forward']),
      cause: z.enum(['regression', 'policy-breach', 'stop']),
      reason: z.string(),
      at: z.string(),
      percentage: z.number(),
      alarm: z.string().optional(),
    })
    .optional(),
  /** The latest decision on a hold: what the release does since, and why it concluded as it did. */
  decision: releaseDecisionSchema.optional(),
});

export const observationResultSchema = z.object({
  evidenceUri: z.string(),
  evidenceDigest: z.string(),
  slosMet: z.boolean(),
  /** Error-rate datapoints in the release window; 0 means the service published nothing while it ran. */
  datapoints: z.number().int().nonnegative().optional(),
});

export const outcomes = [
  'released',
  'rolled-back',
  'frozen',
  'held',
  'rolled-forward',
  'refused',
  'rejected-incomplete',
  'rejected-structure',
  'schema-update-required',
  'rejected-policy',
  'failed-verification',
  'rejected-review',
  'stopped',
  'failed',
] as const;
export type Outcome = (typeof outcomes)[number];

export const learningResultSchema = z.object({
  outcome: z.enum(outcomes),
  timeToValueSeconds: z.number().nullable(),
  valuePerHourUsd: z.number(),
  costOfDelayUsd: z.number(),
  confidence: z.number(),
  /** Reused decisions / decisions verified so far, over the whole state store. */
  decisionContinuityRate: z.number().optional(),
});

export const checkpointResultSchema = z.object({
  size: z.number().int(),
  rootHash: z.string(),
  seq: z.number().int(),
  /** The size of the head signed after the `checkpoint.signed` entry: it covers every entry of the intent. */
  sealedSize: z.number().int().optional(),
});

export const failureSchema = z.object({ Error: z.string(), Cause: z.unknown().optional() });

export const pipelineStateSchema = z
  .object({
    intent: z.unknown(),
    source: z.enum(['api', 'eventbridge', 'cli']).default('cli'),
    submittedAt: z.string().optional(),
    /** The authenticated caller the entry point resolved (for EventBridge, from the event's source). */
    caller: callerSchema.optional(),
    /** A later attempt of an intent whose previous attempt ended without releasing (`attempts.ts`). */
    attempt: attemptPart.optional(),
    declared: declaredSchema.optional(),
    structure: structureResultSchema.optional(),
    admission: admissionResultSchema.optional(),
    decision: decisionResultSchema.optional(),
    verification: verificationResultSchema.optional(),
    review: reviewResultSchema.optional(),
    reviewError: failureSchema.optional(),
    release: releaseResultSchema.optional(),
    /** The release decision wait's timeout (`States.Timeout`), caught on its way to ApplyReleaseDecision. */
    releaseDecisionError: failureSchema.optional(),
    observation: observationResultSchema.optional(),
    learning: learningResultSchema.optional(),
    /** A stop request a stage honoured (`IntentStoppedError`), caught on its way to Learn. */
    stopped: failureSchema.optional(),
    error: failureSchema.optional(),
  })
  .passthrough();

export type PipelineState = z.infer<typeof pipelineStateSchema>;
export type Declared = z.infer<typeof declaredSchema>;
export type StructureResult = z.infer<typeof structureResultSchema>;
export type AdmissionResult = z.infer<typeof admissionResultSchema>;
export type DecisionResult = z.infer<typeof decisionResultSchema>;
export type VerificationResult = z.infer<typeof verificationResultSchema>;
export type ReviewResult = z.infer<typeof reviewResultSchema>;
export type ReleaseResult = z.infer<typeof releaseResultSchema>;
export type ReleaseDecision = z.infer<typeof releaseDecisionSchema>;
export type ObservationResult = z.infer<typeof observationResultSchema>;
export type LearningResult = z.infer<typeof learningResultSchema>;
export type CheckpointResult = z.infer<typeof checkpointResultSchema>;
