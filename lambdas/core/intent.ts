import * as z from 'zod';
import { payloadRefSchema } from './intake/payload-ref.js';
import { runLinkSchema } from './intake/run-link.js';
import { isOnlyDots, onlyDotsReason } from './intent-id-syntax.js';
import { tagMapSchema } from './tags.js';

/**
 * The intent contract: goal G, constraints Θ, authority A, timestamp τ, the change itself and
 * open-ended grouping tags. Every other representation (JSON Schema for API Gateway, OpenAPI)
 * is generated from these schemas. Every object of it is strict: a field it does not have is refused, never
 * dropped (a misspelt `constraints.notBefore` dropped would release the change at once). The open objects are
 * `tags` and `change.payload`, whose content the catalog's contract checks.
 */

const name = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'must be lower-case letters, digits, ".", "_" or "-"');
const principal = z.string().min(1).max(256);
const isoInstant = z.iso.datetime({ offset: true });

const growthShapes = [
  { model: z.literal('none') },
  { model: z.literal('discrete'), rate: z.number().gt(-1).max(10) },
  { model: z.literal('continuous'), rate: z.number().min(-10).max(10) },
  {
    model: z.literal('compound'),
    rate: z.number().min(-10).max(10),
    flywheelRate: z.number().min(-10).max(10),
  },
] as const;

/** A growth model as stored: what the ledger holds reads whatever else an older entry carried. */
export const growthSchema = z.discriminatedUnion('model', [
  z.object(growthShapes[0]),
  z.object(growthShapes[1]),
  z.object(growthShapes[2]),
  z.object(growthShapes[3]),
]);

/** A growth model as submitted: a field it does not name (`flywheel` for `flywheelRate`) is refused. */
const submittedGrowthSchema = z.discriminatedUnion('model', [
  z.strictObject(growthShapes[0]),
  z.strictObject(growthShapes[1]),
  z.strictObject(growthShapes[2]),
  z.strictObject(growthShapes[3]),
]);

const valueModelShape = {
  basis: z.enum([
    'labor-cost-avoided',
    'gross-margin',
    'outage-cost-avoided',
    'penalty-avoided',
    'savings',
    'productivity-gain',
    'revenue',
    'risk-reduced',
  ]),
  totalValueUsd: z.number().nonnegative().max(1e13),
  /** At least one day: value per hour divides by the horizon, and a shorter one makes any value absurd. */
  years: z
    .number()
    .min(1 / 365, 'one day')
    .max(100),
  employeeCount: z.number().int().positive().max(10_000_000).optional(),
};

/**
 * The seed's $/hour framing: a total value over a horizon, optionally per employee and compounding. This is the
 * model as stored, which reads any declaration the ledger holds; a submitted one is `submittedValueModelSchema`.
 */
export const valueModelSchema = z.object({
  ...valueModelShape,
  growth: growthSchema.default({ model: 'none' }),
});

/**
 * The value model as a caller submits it: strict, so a field it does not name (`currency: "EUR"`, a misspelt
 * `employeCount`) is refused naming its path rather than dropped, leaving figures read in dollars or without the
 * headcount the caller meant.
 */
export const submittedValueModelSchema = z.strictObject({
  ...valueModelShape,
  growth: submittedGrowthSchema.default({ model: 'none' }),
});

export const goalSchema = z
  .object({
    outcome: z.string().min(1).max(2000),
    metric: z.string().min(1).max(256),
    target: z.number().optional(),
    valueModel: valueModelSchema,
  })
  .strict();

/** The goal as submitted: its value model strict (`submittedValueModelSchema`). */
const submittedGoalSchema = goalSchema.extend({ valueModel: submittedValueModelSchema });

export const constraintsSchema = z
  .object({
    /** Earliest start: until then the change is scheduled, not released (`intent-timing.ts`). */
    notBefore: isoInstant.optional(),
    /** Latest acceptable release completion; admission rejects when the queue cannot meet it. */
    deadline: isoInstant.optional(),
    reversibility: z.enum(['reversible', 'irreversible']).default('reversible'),
    /** What to do when the release regresses: revert, hold where it is and escalate, or fix forward. */
    onRegression: z.enum(['rollback', 'freeze', 'roll-forward']).default('rollback'),
    /** Names of automated checks that must pass in Verify (CI results may arrive by callback). */
    checks: z.array(z.string().min(1).max(128)).max(50).default([]),
    maxRiskTier: z.number().int().min(0).max(3).optional(),
  })
  .strict();

export const delegationSchema = z
  .object({
    from: principal,
    role: z.string().min(1).max(128),
    services: z.array(name).min(1),
    expiresAt: isoInstant,
  })
  .strict();

/**
 * Who asks for the change. The requester is the authenticated caller, bound by the entry point before
 * anything is recorded (`principals/bind-requester.ts`); a submitted intent may leave it out, name the caller
 * by principal id or e-mail, or name a principal the caller acts for under a recorded delegation (then kept
 * as `onBehalfOf`). `team` and `role` are the requester's claim; the authority rules trust the catalog.
 */
export const authoritySchema = z
  .object({
    requester: principal,
    onBehalfOf: principal.optional(),
    team: name,
    role: z.string().min(1).max(128),
    /** Recorded delegations (catalog) the requester relies on, cited; an intent cannot create one. */
    delegations: z.array(delegationSchema).max(20).default([]),
    emergencyOverride: z.boolean().default(false),
  })
  .strict();

export const changeKinds = ['feature-flag', 'configuration', 'schema-update', 'policy', 'migration'] as const;

export const changeSchema = z
  .object({
    service: name,
    /** The AppConfig configuration or feature-flag profile the payload is written to. */
    profile: name,
    contractVersion: z.string().regex(/^\d+\.\d+\.\d+$/, 'must be a semantic version such as 1.2.0'),
    kind: z.enum(changeKinds),
    /** The configuration content, inline. Exactly one of `payload` and `payloadRef`. */
    payload: z.record(z.string(), z.unknown()).optional(),
    /**
     * The configuration content by reference, for content larger than an intent may carry: a JSON object
     * stored once under its SHA-256 (`itv payload put`, `POST /payloads`). Checked at the door like an inline
     * payload; the stages that read the content fetch it by digest and hash it again.
     */
    payloadRef: payloadRefSchema.optional(),
    /** The incident or SLO breach this change fixes, e.g. `INC-2291`; with an exhausted error budget only fixes pass. */
    fixes: z.string().min(1).max(256).optional(),
  })
  .strict()
  .superRefine((change, ctx) => {
    if ((change.payload === undefined) === (change.payloadRef === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: change.payload === undefined ? ['payload'] : ['payloadRef'],
        message:
          change.payload === undefined
            ? 'is required: give the content inline (payload) or by reference (payloadRef)'
            : 'give the content either inline (payload) or by reference (payloadRef), not both',
      });
    }
  });

/** A result of an automated check, attached by the CI system that submits the intent. */
export const testResultSchema = z
  .object({
    check: z.string().min(1).max(128),
    passed: z.boolean(),
    detail: z.string().max(2000).default(''),
    url: runLinkSchema.optional(),
  })
  .strict();

/** Local-runtime only: telemetry faults injected into the synthetic metrics during this intent's release. */
export const simulationSchema = z
  .object({
    fault: z
      .object({
        metric: z.enum(['errorRate', 'latencyP99Ms']),
        value: z.number().nonnegative(),
        /** The fault starts once the rollout reaches this percentage. */
        atPercent: z.number().min(0).max(100).default(0),
      })
      .strict()
      .optional(),
  })
  .strict();

/** The suffix a later attempt of an intent runs under (`pipeline/attempts.ts`): no intent's own id ends so. */
export const reservedAttemptSuffix = /:attempt-\d+$/;

export const intentSchema = z
  .object({
    apiVersion: z.literal('itv/v1'),
    kind: z.literal('Intent'),
    /**
     * Client idempotency key; when absent the id is derived from the intent's canonical content. `int-` is
     * kept for derived ids, so a client cannot take the id another's intent content would derive.
     */
    id: z
      .string()
      .regex(/^[A-Za-z0-9._:-]{1,128}$/, 'must be 1 to 128 of A-Z a-z 0-9 . _ : -')
      .refine((id) => !isOnlyDots(id), onlyDotsReason)
      .refine((id) => !id.startsWith('int-'), 'must not start with "int-", which derived ids use')
      .refine((id) => !reservedAttemptSuffix.test(id), {
        message: 'must not end with ":attempt-<n>": that suffix names the attempts of a resubmitted intent',
      })
      .optional(),
    title: z.string().min(1).max(200),
    goal: goalSchema,
    constraints: constraintsSchema.default({
      reversibility: 'reversible',
      onRegression: 'rollback',
      checks: [],
    }),
    authority: authoritySchema,
    timestamp: isoInstant,
    change: changeSchema,
    /**
     * Grouping dimensions from the enterprise taxonomy, open-ended and unchecked: e.g. { region: "EMEA" }. The team
     * a change is attributed to is `authority.team`; a tag named `team` is the value report's `tag:team`.
     */
    tags: tagMapSchema.default({}),
    /** Results of the checks `constraints.checks` names, as CI attaches them; later results may be posted. */
    testResults: z.array(testResultSchema).max(100).default([]),
    simulation: simulationSchema.optional(),
  })
  .strict();

/**
 * An intent as the door checks it (`completeness.ts`): `intentSchema` with the value model strict. Every entry
 * point (the CLI's validate and submit, `POST /intents`, the EventBridge intake) goes through it; what the ledger
 * already holds is read by `intentSchema`, which stays as lenient as it was.
 */
export const intakeIntentSchema = intentSchema.extend({ goal: submittedGoalSchema });

/** An intent as a caller submits it: `authority.requester` may be left out (the caller is the requester). */
export const submittedIntentSchema = intakeIntentSchema.extend({
  authority: authoritySchema.extend({ requester: principal.optional() }),
});

export type Intent = z.infer<typeof intentSchema>;
export type IntentInput = z.input<typeof intentSchema>;
export type ValueModel = z.infer<typeof valueModelSchema>;
export type Change = z.infer<typeof changeSchema>;
/** An intent whose content is in hand: inline as submitted, or fetched by its reference and hashed again (`pipeline/payloads.ts`). */
export type ResolvedIntent = Intent & { change: Change & { payload: Record<string, unknown> } };
export type ChangeKind = (typeof changeKinds)[number];
export type Authority = z.infer<typeof authoritySchema>;
export type Constraints = z.infer<typeof constraintsSchema>;

/**
 * An intent whose payload is inline, typed as resolved; throws for one by reference, whose content must be
 * fetched and checked first (`pipeline/payloads.ts` `withPayload`).
 */
export function inlineIntent(intent: Intent): ResolvedIntent {
  if (intent.change.payload === undefined) {
    throw new TypeError('the intent names its payload by reference (change.payloadRef): fetch it first');
  }
  return intent as ResolvedIntent;
}
