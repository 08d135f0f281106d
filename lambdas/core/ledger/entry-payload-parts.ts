import * as z from 'zod';
import { callerSchema } from '../principals/caller.js';
import { recordedDelegationSchema } from '../principals/principal-schema.js';

/**
 * The parts ledger payloads are built from, where a stage's own contract (`pipeline/state.ts`) cannot be
 * imported from the domain. Each writer passes values of its own types into `record()`, so a part that drifts
 * from what the stage produces is a compile error at the call site, not a second truth.
 */

const isoInstant = z.iso.datetime({ offset: true });

/** Where an intent came in. */
export const intentSource = z.enum(['api', 'eventbridge', 'cli']);

/** A field path and what is wrong with it. */
export const issuePart = z.object({ path: z.string(), message: z.string() });

/**
 * A second or later attempt of an intent whose earlier attempt ended without releasing (failed or rejected):
 * the intent's own id, this attempt's number, and the id the previous attempt ran under.
 */
export const attemptPart = z.strictObject({
  intentId: z.string().min(1),
  number: z.number().int().min(2),
  previousIntentId: z.string().min(1),
  /** Set when a person asked for this attempt (`POST /intents/{id}/retry`): who, as they authenticated. */
  retriedBy: callerSchema.optional(),
});

/** A delegation a binding relied on: as recorded, and for one granted at run time who granted it and when. */
const boundDelegationPart = z.object({
  ...recordedDelegationSchema.shape,
  grantedBy: callerSchema.optional(),
  grantedAt: z.string().optional(),
});

/**
 * How the requester was bound to the caller: for itself, or for `onBehalfOf` under a recorded delegation; and
 * `standing`, the delegations its team and role rest on when it holds them as no member (entries written
 * before it was recorded lack it).
 */
export const bindingPart = z.object({
  basis: z.enum(['self', 'delegation']),
  onBehalfOf: z.string().optional(),
  delegation: boundDelegationPart.optional(),
  standing: z.array(boundDelegationPart).optional(),
});

/** A failed constraint as the policy set evaluated it: the rule, why, and what would pass. */
export const explanationPart = z.object({
  rule: z.string(),
  domain: z.string(),
  reason: z.string(),
  remedy: z.string().optional(),
});

/** One rule's result in the policy evaluation log. */
export const ruleResultPart = explanationPart.extend({
  status: z.enum(['compliant', 'non-compliant', 'not-applicable', 'exempted']),
  context: z.record(z.string(), z.unknown()),
});

export const riskFactorPart = z.object({ name: z.string(), points: z.number(), detail: z.string() });

const overlapPart = z.object({ lane: z.boolean(), services: z.array(z.string()) });

/** What admission saw of another intent, and the predicted change to its time to value. */
export const interferenceCheckPart = z.object({
  intentId: z.string(),
  status: z.enum(['admitted', 'queued']),
  relation: z.enum(['in-flight', 'queued-ahead', 'queued-behind']),
  lane: z.string(),
  overlaps: z.boolean(),
  overlap: overlapPart.nullable(),
  blocks: z.boolean(),
  predictedCompletionAt: z.string(),
  predictedTimeToValueChangeSeconds: z.number(),
  costOfDelayUsd: z.number(),
  /** This decision stops its release and queues it again at the head of its lane. */
  preempted: z.literal(true).optional(),
});

export const nonInterferencePart = z.object({
  arrival: z.number().int(),
  sequencerVersion: z.number().int(),
  settleRounds: z.number().int(),
  override: z.boolean(),
  predictedStrategy: z.string(),
  predictedDurationSeconds: z.number(),
  predictedStartAt: z.string(),
  predictedCompletionAt: z.string(),
  deadline: z.string().nullable(),
  blockers: z.array(
    z.object({
      intentId: z.string(),
      status: z.enum(['admitted', 'queued']),
      overlap: overlapPart,
      predictedFreeAt: z.string(),
    }),
  ),
  abandoned: z.array(z.string()),
  overrideCost: z
    .object({
      delayedIntents: z.number().int(),
      totalDelaySeconds: z.number(),
      totalCostOfDelayUsd: z.number(),
      sharedBlastRadiusWith: z.array(z.string()),
      /** Intents whose release it stopped; entries written before preemption existed lack it. */
      preempted: z.array(z.string()).optional(),
    })
    .nullable(),
  /**
   * What an authorized emergency did about the release holding its lane: `preempted` (stopped and queued again,
   * or `endedFirst` when that deployment had ended before the stop reached it), or `waits` and why. Absent
   * when nobody held the lane, and in entries written before preemption existed.
   */
  preemption: z
    .discriminatedUnion('action', [
      z.object({
        action: z.literal('preempted'),
        intentId: z.string(),
        deploymentId: z.string(),
        endedFirst: z.boolean(),
        predictedTimeToValueChangeSeconds: z.number(),
        costOfDelayUsd: z.number(),
      }),
      z.object({ action: z.literal('waits'), intentId: z.string(), reason: z.string() }),
    ])
    .optional(),
});

export const policyContextPart = z.object({
  evaluatedAt: isoInstant,
  service: z.string(),
  profile: z.string(),
  kind: z.string(),
  requester: z.string(),
  emergencyOverride: z.boolean(),
  fixes: z.string().nullable(),
  tags: z.record(z.string(), z.string()),
});

/**
 * One check Verify counted. A result of a check the intent names says who asserted it: `attached` to the intent
 * by its submitter (`reportedBy` the requester) or `reported` by CI (`reportedBy` the reporter); Verify's own
 * checks and a missing result carry neither. Entries recorded before either was written lack both.
 */
export const checkResultPart = z.object({
  check: z.string(),
  passed: z.boolean(),
  detail: z.string(),
  source: z.enum(['attached', 'reported']).optional(),
  reportedBy: z.string().optional(),
});

export const reusedDecisionPart = z.object({
  decisionId: z.string(),
  intentId: z.string(),
  reviewer: z.string().optional(),
  releasedAt: z.string(),
});

/** Rollback, freeze or roll forward, chosen from the intent's constraints when the release started. */
export const releasePlanPart = z.object({
  onRegression: z.enum(['rollback', 'freeze', 'roll-forward']),
  onPolicyBreach: z.enum(['stop', 'freeze']),
  rollbackOnAlarm: z.boolean(),
  reason: z.string(),
});

/** itv held a release instead of reverting it: frozen, or rolling forward. */
export const escalationPart = z.object({
  response: z.enum(['freeze', 'roll-forward']),
  /** `stop`: a person stopped a release that must not be reverted, so it holds where it is. */
  cause: z.enum(['regression', 'policy-breach', 'stop']),
  reason: z.string(),
  at: z.string(),
  /** Share of users on the change when it was held: targets × the step's exposure for a stepped release. */
  percentage: z.number(),
  alarm: z.string().optional(),
});

/** A stepped release (`core/release/stepped-exposure.ts`): its schedule, the step deployed, its exposure. */
export const exposurePart = z.object({
  steps: z.array(z.number().positive().max(100)).min(1),
  index: z.number().int().nonnegative(),
  percentage: z.number().positive().max(100),
});

/** The telemetry snapshot Observe took over the release window. */
export const telemetrySnapshotPart = z.object({
  service: z.string(),
  windowStart: z.string(),
  windowEnd: z.string(),
  slos: z.array(
    z.object({
      name: z.string(),
      objective: z.number(),
      observed: z.number(),
      baseline: z.number(),
      delta: z.number(),
      met: z.boolean(),
    }),
  ),
  errorBudgetRemaining: z.number(),
  errorBudgetBaseline: z.number().optional(),
  alarms: z.array(z.object({ name: z.string(), state: z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']) })),
  datapoints: z.number().int().nonnegative().optional(),
});

/** A failure as Step Functions hands it to a Catch: the error name and its cause. */
export const failurePart = z.object({ Error: z.string(), Cause: z.unknown().optional() });

/** What the ledger records about a sealed evidence bundle. */
export const sealedBundlePart = z.object({
  uri: z.string(),
  statementSha256: z.string(),
  manifestSha256: z.string(),
  files: z.number().int(),
});
