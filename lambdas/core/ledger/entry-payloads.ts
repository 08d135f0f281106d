import * as z from 'zod';
import type { LedgerEntry } from '../../ports/ledger-store.js';
import { checkReportSchema } from '../check-report.js';
import { LedgerIntegrityError } from '../errors.js';
import { authoritySchema, intentSchema, valueModelSchema } from '../intent.js';
import { policyExemptionSchema } from '../policy/exemptions.js';
import { callerSchema } from '../principals/caller.js';
import { reviewerRoles } from '../reviewers.js';
import { dsseEnvelopeSchema } from '../signing/envelope.js';
import { checkpointSchema } from './checkpoint.js';
import {
  attemptPart,
  bindingPart,
  checkResultPart,
  escalationPart,
  explanationPart,
  exposurePart,
  failurePart,
  intentSource,
  interferenceCheckPart,
  issuePart,
  nonInterferencePart,
  policyContextPart,
  releasePlanPart,
  reusedDecisionPart,
  riskFactorPart,
  ruleResultPart,
  sealedBundlePart,
  telemetrySnapshotPart,
} from './entry-payload-parts.js';
import type { LedgerEntryType } from './entry-types.js';

/** The authority a stop is made under: the intent's requester, an owner of its service, a release steward. */
export const stopAuthoritySchema = z.enum(['requester', 'owner', 'release-steward']);

/**
 * The payload of every ledger entry type, as its writer records it: `record()` takes a payload of its type's
 * schema, so a writer that drifts from it does not compile, and a test parses every entry a local run writes.
 * Payloads hold facts (ids, verdicts, digests, figures, the reason a policy rule gave); sentences that follow
 * from those facts are composed where they are shown (`pipeline/status.ts`), not stored. Top-level fields are
 * strict: a field added to a payload is added here first, where docs/LEDGER.md describes it.
 */

const structurePayload = z.strictObject({
  service: z.string(),
  profile: z.string(),
  contractVersion: z.string(),
  verdict: z.enum(['valid', 'invalid', 'schema-update-required']),
  errors: z.array(issuePart),
  missingKeys: z.array(z.string()),
  /** Schema update required: the newest contract version, which the schema update must exceed. */
  latestContractVersion: z.string().optional(),
  /** Schema update required: a later contract version the payload is valid against, when one is. */
  fitsContractVersion: z.string().optional(),
  payloadDigest: z.string(),
  contractDigest: z.string().optional(),
  /** The contract version is one a schema update released: that schema-update intent (`contract.registered`). */
  contractReleasedBy: z.string().optional(),
});

const admissionPayloadSchema = z.strictObject({
  verdict: z.enum(['admitted', 'queued', 'scheduled', 'rejected']),
  tier: z.number().int().min(0).max(3),
  requiresReviewer: z.boolean(),
  gate: z.enum(['auto-continue', 'fail-fast']),
  lane: z.string(),
  blastRadius: z.array(z.string()),
  failed: z.array(explanationPart),
  retryAfterSeconds: z.number().int(),
  attempt: z.number().int().min(0),
  policySetHash: z.string(),
  waitingFor: z.array(z.string()).optional(),
  dueAt: z.string().optional(),
  /** Rules passed only by an exemption, with who declared it; absent when none (and on earlier entries). */
  exemptions: z.array(policyExemptionSchema).optional(),
  confidence: z.number(),
  riskFactors: z.array(riskFactorPart),
  evaluationLog: z.array(ruleResultPart),
  policyContext: policyContextPart,
  nonInterference: nonInterferencePart,
  inFlightChecked: z.array(interferenceCheckPart),
});

const verificationPayload = z.strictObject({
  gate: z.enum(['auto-continue', 'fail-fast']),
  passed: z.boolean(),
  requiresReview: z.boolean(),
  results: z.array(checkResultPart),
  fingerprint: z.string().optional(),
  reusedDecision: reusedDecisionPart.optional(),
  /**
   * Why no decision was reused: none cached (`null`), the compliance regimes that want every change reviewed, an
   * irreversible change that waits for review, or the cached decision's reviewer requesting this one.
   */
  reuse: z.object({
    cachedDecisionId: z.string().nullable(),
    reviewRegimes: z.array(z.string()),
    irreversible: z.literal(true).optional(),
    ownApproval: z.string().optional(),
  }),
});

const reviewDecidedPayload = z.strictObject({
  decision: z.enum(['approved', 'rejected']),
  reviewer: z.string(),
  /**
   * The capacity the reviewer decided in: an owner, a compliance domain's reviewer of record, or a release
   * steward (a break-glass only). Absent from entries written before it was recorded.
   */
  as: z.enum(reviewerRoles).optional(),
  authenticatedAs: callerSchema.shape.authenticatedAs.optional(),
  matched: z.string().optional(),
  /** What the reviewer wrote, if anything. */
  reason: z.string().optional(),
  decidedAt: z.string(),
});

const holdPayload = escalationPart.extend({ deploymentId: z.string() }).strict();

/** One AppConfig deployment event, recorded as `release.<event type in kebab case>`. */
const deploymentEventPayload = z.strictObject({
  deploymentId: z.string(),
  index: z.number().int().nonnegative(),
  at: z.string(),
  type: z.string(),
  description: z.string(),
  percentage: z.number().optional(),
  alarm: z.string().optional(),
});

/**
 * `release.preempted`, on the ledger of the intent whose deployment an authorized emergency stopped: who stopped
 * it, and what that costs this intent. It queues again at the head of its lane and releases after the emergency.
 */
const releasePreemptedPayload = z.strictObject({
  deploymentId: z.string(),
  /** The emergency intent that preempted it (its `admission.admitted` entry carries the same figures). */
  preemptedBy: z.string(),
  /** Who claimed the emergency override, and the rule that accepted it. */
  requester: z.string(),
  lane: z.string(),
  /** AppConfig rolled the deployment back (a deployment stopped while baking is reverted, AllowRevert). */
  action: z.literal('rolled-back'),
  /** Predicted change to this intent's time to value, in seconds: the emergency's rollout and bake plus what it redoes. */
  predictedTimeToValueChangeSeconds: z.number(),
  /** That delay priced at this intent's value per hour. */
  costOfDelayUsd: z.number(),
  valuePerHourUsd: z.number(),
  requeued: z.literal('head-of-lane'),
  at: z.string(),
});

export const ledgerPayloads = {
  'intent.declared': z.strictObject({
    source: intentSource,
    intent: intentSchema,
    authority: authoritySchema,
    submittedBy: callerSchema,
    binding: bindingPart,
    valueModel: valueModelSchema,
    tags: z.record(z.string(), z.string()),
    attempt: attemptPart.optional(),
  }),
  'intent.incomplete': z.strictObject({
    source: intentSource,
    /** What was sent, as it was: it did not parse as an intent. */
    received: z.unknown(),
    issues: z.array(issuePart),
    submittedBy: callerSchema,
    attempt: attemptPart.optional(),
  }),
  'request.refused': z.strictObject({
    source: intentSource,
    submittedBy: callerSchema.optional(),
    issues: z.array(issuePart),
    attempt: attemptPart.optional(),
  }),
  'structure.validated': structurePayload,
  'structure.rejected': structurePayload,
  'structure.schema-update-required': structurePayload,
  'admission.admitted': admissionPayloadSchema,
  'admission.queued': admissionPayloadSchema,
  'admission.scheduled': admissionPayloadSchema,
  'admission.rejected': admissionPayloadSchema,
  'decision.signed': z.strictObject({
    decisionId: z.string(),
    /** SHA-256 of the signed decision package (the envelope's payload bytes). */
    digest: z.string(),
    keyId: z.string(),
    envelope: dsseEnvelopeSchema,
  }),
  'decision.reused': reusedDecisionPart
    .extend({ fingerprint: z.string(), reviewSkipped: z.boolean() })
    .strict(),
  'verification.passed': verificationPayload,
  'verification.failed': verificationPayload,
  /**
   * Verify found checks the intent names without a result, and its fail-fast gate waits for them until
   * `deadline`: recorded once, however often the park is woken before Verify concludes.
   */
  'verification.awaiting-checks': z.strictObject({
    gate: z.literal('fail-fast'),
    missing: z.array(z.string()),
    deadline: z.string(),
    waitSeconds: z.number().int(),
  }),
  /** A check result CI reported (`PUT /intents/{id}/checks/{name}`), as the authenticated caller. */
  'check.reported': checkReportSchema,
  'review.requested': z.strictObject({
    tier: z.number().int().min(0).max(3).optional(),
    requester: z.string(),
    /** Who may decide it, as the catalog said when it was requested (absent on entries written before). */
    reviewers: z.array(z.string()).optional(),
    /** The lane it gave up while the review waits: an approval is admitted again (absent on entries written before). */
    laneReleased: z.string().optional(),
    /** When the wait times out and the intent fails, nobody having decided (absent on entries written before). */
    expiresAt: z.string().optional(),
  }),
  'review.approved': reviewDecidedPayload,
  'review.rejected': reviewDecidedPayload,
  'release.started': z.strictObject({
    deploymentId: z.string(),
    service: z.string(),
    environment: z.string(),
    profile: z.string(),
    strategy: z.string(),
    growthType: z.string(),
    growthFactor: z.number(),
    deploymentDurationInMinutes: z.number(),
    finalBakeTimeInMinutes: z.number(),
    /** The watch floor that applied: the strategy bakes at least this long at 100 %. Older entries lack it. */
    watchFloorSeconds: z.number().int().nonnegative().optional(),
    /** The hosted configuration version deployed, the same for every retried start. Older entries lack it. */
    configurationVersion: z.string().optional(),
    confidence: z.number(),
    tier: z.number().int(),
    pollSeconds: z.number().int().positive(),
    plan: releasePlanPart,
    /** A stepped release: its exposure schedule and the first step's share of users. Others lack it. */
    exposure: exposurePart.optional(),
    startedAt: z.string(),
  }),
  /**
   * A schema update's release: it changes the profile's contract, not its configuration, so nothing is hosted or
   * deployed to AppConfig and users keep what they are served. Learn registers the contract once it concludes.
   */
  'release.contract-only': z.strictObject({
    service: z.string(),
    environment: z.string(),
    profile: z.string(),
    contractVersion: z.string(),
    contractDigest: z.string(),
    reason: z.string(),
    at: z.string(),
  }),
  /** The next step of a stepped release: a new deployment exposing the change to more users. */
  'release.step-started': z.strictObject({
    deploymentId: z.string(),
    configurationVersion: z.string(),
    exposure: exposurePart,
    startedAt: z.string(),
  }),
  'release.stopped': z.strictObject({
    deploymentId: z.string(),
    /** Why itv stopped it: the breached rules and their reasons, or the monitor whose actions were disabled. */
    reason: z.string(),
    state: z.string(),
    /** It completed before the stop reached it, so nothing was rolled back. */
    completedBeforeStop: z.boolean(),
  }),
  'release.preempted': releasePreemptedPayload,
  'release.frozen': holdPayload,
  'release.rolling-forward': holdPayload,
  'release.escalated': z.strictObject({
    deploymentId: z.string(),
    to: z.array(z.string()),
    team: z.string().nullable(),
    response: escalationPart.shape.response,
    cause: escalationPart.shape.cause,
    reason: z.string(),
  }),
  'release.stop-refused': z.strictObject({
    deploymentId: z.string(),
    /** The deployment's state when AppConfig refused: still in progress, so nothing was stopped. */
    state: z.string(),
    /** Why the stop was asked for. */
    reason: z.string(),
    /** AppConfig's answer. */
    refusal: z.string(),
    /** Null while the state machine retries the stop; the owners once its retries are spent. */
    escalatedTo: z.array(z.string()).nullable(),
    team: z.string().nullable(),
  }),
  'release.monitors-restored': z.strictObject({
    service: z.string(),
    environment: z.string(),
    /** The monitors whose alarm actions were enabled again. */
    alarms: z.array(z.string()),
    /** The observe-only deployment that had disabled them, when the lane names one. */
    deploymentId: z.string().nullable(),
    /** Which path out of the release restored them. */
    trigger: z.enum(['failure-path', 'execution-ended', 'schedule', 'control-plane-start']),
  }),
  /** A held release asks a person to decide: whom (the service's owners), the exposure held, and why. */
  'release.decision-requested': z.strictObject({
    deploymentId: z.string(),
    /** The principals who may decide (`core/pipeline/release-decision.ts`, `deciders`). */
    deciders: z.array(z.string()),
    team: z.string().nullable(),
    /** Share of users on the change while it waits. */
    percentage: z.number(),
    exposure: exposurePart,
    cause: escalationPart.shape.cause,
    reason: z.string(),
    /** When the wait ends without a decision: the release then stays held and concludes `held`. */
    expiresAt: z.string(),
  }),
  /** The person's decision: roll forward, roll back or hold, by the authenticated caller. */
  'release.decided': z.strictObject({
    deploymentId: z.string(),
    decision: z.enum(['roll-forward', 'roll-back', 'hold']),
    decider: z.string(),
    authenticatedAs: callerSchema.shape.authenticatedAs,
    matched: z.string().optional(),
    reason: z.string(),
    decidedAt: z.string(),
  }),
  /** Nobody decided before the wait expired: the release stays held where it was and concludes `held`. */
  'release.decision-timed-out': z.strictObject({
    deploymentId: z.string(),
    expiresAt: z.string(),
    percentage: z.number(),
  }),
  /** A roll-back decision: the configuration users had before the release, deployed to everyone. */
  'release.previous-redeployed': z.strictObject({
    deploymentId: z.string(),
    /** The held step's deployment it replaces. */
    heldDeploymentId: z.string(),
    configurationVersion: z.string(),
    /** `released`: what itv last released to the profile; `flags-disabled`: the change's flags, off. */
    previous: z.enum(['released', 'flags-disabled']),
    startedAt: z.string(),
  }),
  'release.deployment-started': deploymentEventPayload,
  'release.percentage-updated': deploymentEventPayload,
  'release.bake-time-started': deploymentEventPayload,
  'release.deployment-completed': deploymentEventPayload,
  'release.rollback-started': deploymentEventPayload,
  'release.rollback-completed': deploymentEventPayload,
  'release.revert-completed': deploymentEventPayload,
  'observation.recorded': z.strictObject({
    snapshot: telemetrySnapshotPart,
    evidenceUri: z.string(),
    evidenceDigest: z.string(),
    slosMet: z.boolean(),
    datapoints: z.number().int().nonnegative().optional(),
  }),
  'intent.stopped': z.strictObject({
    /** The principal who asked, and how they authenticated. */
    by: z.string(),
    /** The authority they stopped it under; absent from entries written before it was recorded. */
    as: stopAuthoritySchema.optional(),
    authenticatedAs: callerSchema.shape.authenticatedAs,
    reason: z.string(),
    requestedAt: z.string(),
    /** `withdrawn` before any release; `rolled-back` or `held` (it must not be reverted) once releasing. */
    action: z.enum(['withdrawn', 'rolled-back', 'held']),
    /** The stage that honoured the request. */
    stage: z.string(),
  }),
  /**
   * A released schema update registered the contract its payload carries: later intents may name
   * `contractVersion` of `service`/`profile`, and are validated against the contract whose digest this is.
   */
  'contract.registered': z.strictObject({
    service: z.string(),
    profile: z.string(),
    contractVersion: z.string(),
    /** SHA-256 of the JCS of the contract, `change.payload.schema` of this intent. */
    contractDigest: z.string(),
  }),
  'intent.concluded': z.strictObject({
    outcome: z.string(),
    timeToValueSeconds: z.number().nullable(),
    /** What time to value and cost of delay count from: the first attempt's declaration, or the due instant. */
    countedFrom: z.string().optional(),
    valuePerHourUsd: z.number(),
    costOfDelayUsd: z.number(),
    confidence: z.number(),
    decisionContinuityRate: z.number().optional(),
    releaseVerdict: z.enum(['clean', 'regressed', 'not-judged']),
    strategy: z.string().nullable(),
    alarm: z.string().nullable(),
    escalation: escalationPart.nullable(),
    fingerprint: z.string().nullable(),
    reusedDecision: z.string().nullable(),
    /** `cached`, `forgotten`, `kept <decision id>` (an earlier decision stays cached), or null. */
    decisionCache: z.string().nullable(),
    decisionContinuity: z.object({ reused: z.number(), total: z.number(), rate: z.number() }),
    tier: z.number().int().nullable(),
    service: z.string().nullable(),
    kind: z.string().nullable(),
    tags: z.record(z.string(), z.string()),
    failure: failurePart.nullable(),
  }),
  'checkpoint.signed': z.strictObject({
    checkpoint: checkpointSchema,
    envelope: dsseEnvelopeSchema,
    uri: z.string(),
    bundle: sealedBundlePart,
  }),
  'stage.failed': z.strictObject({
    error: z.string(),
    /** The failed stage's error message (or its cause as JSON). */
    cause: z.string(),
    /** The release as it stood, when the failure came during one. */
    release: z.record(z.string(), z.unknown()).nullable(),
  }),
} as const satisfies Record<LedgerEntryType, z.ZodType>;

/** The payload a writer passes to `record()` for an entry of type `T`. */
export type LedgerPayload<T extends LedgerEntryType> = z.input<(typeof ledgerPayloads)[T]>;

/**
 * The writer's schema for an entry type read off the ledger, or undefined for a type no writer declares. A
 * deployment event AppConfig added after this code was written is recorded as `release.<event>` all the same,
 * so any other `release.*` type with a deployment id and an index reads as a deployment event.
 */
export function ledgerPayloadSchema(type: string): z.ZodType | undefined {
  if (Object.hasOwn(ledgerPayloads, type)) return ledgerPayloads[type as LedgerEntryType];
  return type.startsWith('release.') ? deploymentEventPayload : undefined;
}

/*
 * What readers take from payloads: the writers' schemas, narrowed to the fields a reader uses and loosened
 * where entries written by earlier versions lack a field or carry one since dropped.
 */

/** `release.started`: the deployment a retried StartRelease picks up, and the strategy it was given. */
export const releaseStartedPayload = ledgerPayloads['release.started']
  .pick({
    deploymentId: true,
    strategy: true,
    pollSeconds: true,
    plan: true,
    confidence: true,
    exposure: true,
  })
  .partial({ plan: true, confidence: true })
  .loose();

/** `release.started`: the lane it holds, the service and environment its deployment runs in. */
export const releaseStartedLanePayload = ledgerPayloads['release.started']
  .pick({ service: true, environment: true })
  .loose();

/** `release.started`: when the rollout began and how long it and its bake take. */
export const releaseTimingPayload = ledgerPayloads['release.started']
  .pick({ startedAt: true, deploymentDurationInMinutes: true, finalBakeTimeInMinutes: true })
  .loose();

/** Any `release.*` entry that says how much of the audience the change reached. */
export const exposurePercentagePayload = z.looseObject({ percentage: z.number() });

/** `check.reported`: which check the result is for. */
export const checkReportedReadPayload = ledgerPayloads['check.reported'].pick({ check: true }).loose();

/**
 * The progress a deployment event reports: AppConfig numbers its events (`index`) and most say how far the
 * deployment has gone. An entry without both is not such an event (`safeParse` fails).
 */
export const deploymentProgressPayload = z.looseObject({ index: z.number(), percentage: z.number() });

/** `admission.*` as the lanes view reads it: the lane, and the in-flight intents it was checked against. */
export const admissionLanePayload = ledgerPayloads['admission.admitted']
  .pick({ lane: true, waitingFor: true })
  .extend({
    inFlightChecked: z.array(z.looseObject({ blocks: z.boolean(), predictedCompletionAt: z.string() })),
  })
  .partial()
  .loose();

/** `intent.declared`: status and reports read its title and service; older intents may lack either. */
export const intentDeclaredPayload = z.looseObject({
  intent: z.looseObject({
    title: z.string().optional(),
    change: z.looseObject({ service: z.string().optional() }).optional(),
    authority: z.looseObject({ requester: z.string().optional() }).optional(),
  }),
  authority: z.record(z.string(), z.unknown()).optional(),
  attempt: z.unknown().optional(),
  submittedBy: z.unknown().optional(),
  binding: z.unknown().optional(),
});

/** `intent.concluded`: the outcome and the value figures Learn recorded. Older entries may lack some. */
export const intentConcludedPayload = ledgerPayloads['intent.concluded']
  .pick({
    outcome: true,
    service: true,
    kind: true,
    tier: true,
    tags: true,
    timeToValueSeconds: true,
    valuePerHourUsd: true,
    costOfDelayUsd: true,
    countedFrom: true,
    releaseVerdict: true,
    confidence: true,
    strategy: true,
  })
  .partial({
    confidence: true,
    strategy: true,
    releaseVerdict: true,
    service: true,
    kind: true,
    tier: true,
    tags: true,
    timeToValueSeconds: true,
    valuePerHourUsd: true,
    costOfDelayUsd: true,
  })
  .loose();

/** `admission.*`: the risk tier, and the constraints that failed, each with what would pass. */
export const admissionPayload = ledgerPayloads['admission.rejected']
  .pick({ tier: true })
  .extend({ failed: z.array(explanationPart.pick({ rule: true, reason: true, remedy: true }).loose()) })
  .partial()
  .loose();

/** `structure.*`: the issues found, or the keys the contract lacks (older entries carry a `message`). */
export const structureReadPayload = ledgerPayloads['structure.rejected']
  .pick({ service: true, profile: true, contractVersion: true, errors: true, missingKeys: true })
  .extend({
    latestContractVersion: z.string().optional(),
    fitsContractVersion: z.string().optional(),
    message: z.string().optional(),
  })
  .partial()
  .loose();

/** `intent.incomplete` and `request.refused`: the issues found. */
export const issuesPayload = z.looseObject({ issues: z.array(issuePart).optional() });

/** `verification.*`: every check and its result. */
export const verificationReadPayload = ledgerPayloads['verification.failed']
  .pick({ results: true })
  .partial()
  .loose();

/** `review.approved` / `review.rejected` as status and the evidence bundle's authority record read them. */
export const reviewDecidedReadPayload = reviewDecidedPayload
  .pick({ decision: true, reviewer: true, as: true, matched: true, reason: true, decidedAt: true })
  .extend({ authenticatedAs: z.unknown().optional() })
  .partial({ matched: true, reason: true })
  .loose();

/** `release.stopped`: why, and (older entries) a note in place of `completedBeforeStop`. */
export const releaseStoppedReadPayload = ledgerPayloads['release.stopped']
  .pick({ reason: true, completedBeforeStop: true, deploymentId: true })
  .partial({ completedBeforeStop: true, deploymentId: true })
  .loose();

/** `release.preempted`: as written; the preemption item in the state table holds the same fields. */
export const releasePreemptedReadPayload = releasePreemptedPayload;

/** `release.escalated`: whom, which response and why. */
export const releaseEscalatedReadPayload = ledgerPayloads['release.escalated']
  .pick({ to: true, team: true, response: true, reason: true })
  .loose();

/** A deployment event as readers take it; `at` and `description` come from AppConfig. */
export const deploymentEventReadPayload = deploymentEventPayload
  .pick({ at: true, description: true, deploymentId: true, percentage: true, alarm: true })
  .partial()
  .loose();

/** `stage.failed`: the error name and its cause. */
export const stageFailedReadPayload = ledgerPayloads['stage.failed']
  .pick({ error: true, cause: true })
  .loose();

/**
 * `checkpoint.signed` and `decision.*` as an auditor opens them: untrusted, so each part is kept as it is
 * and checked by whoever verifies it.
 */
export const signedPayload = z.looseObject({
  checkpoint: z.unknown().optional(),
  envelope: z.unknown().optional(),
  digest: z.unknown().optional(),
});

/** The entry's payload as `schema` reads it; throws `LedgerIntegrityError` naming the entry and the field. */
export function payloadOf<S extends z.ZodType>(entry: LedgerEntry, schema: S): z.infer<S> {
  const parsed = schema.safeParse(entry.payload);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new LedgerIntegrityError(
    `ledger entry ${entry.seq} (${entry.type}) of intent ${entry.intentId}: payload field "${issue?.path.join('.') || '(root)'}" ${issue?.message ?? 'is malformed'}`,
    entry.seq,
  );
}
