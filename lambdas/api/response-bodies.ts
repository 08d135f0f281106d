import * as z from 'zod';
import { ledgerEntrySchema } from '../core/ledger/entry.js';
import type { DryRunReport } from '../core/pipeline/dry-run.js';
import type { IntentPage, IntentSummary } from '../core/pipeline/intent-list.js';
import type { IntentStatus } from '../core/pipeline/status.js';
import { authenticatedAsSchema } from '../core/principals/caller.js';
import { reviewerRoles } from '../core/reviewers.js';

/**
 * The bodies of the answers the OpenAPI document describes beyond "an object" (`openapi.ts`): those of the routes
 * clients read most, `GET /intents`, `GET /intents/{id}` and `POST /intents`. The types the server builds them
 * from are the core's; the checks at the end of this file fail to compile when a schema and its type drift apart,
 * and a test validates real answers against the exported schemas. Objects stay open (more members may come).
 */

const nullableText = z.string().nullable();
const nullableNumber = z.number().nullable();

/** What an intent's status and its summary in a list share (`IntentStatus` without its steps and reasons). */
const statusFields = {
  intentId: z.string(),
  title: nullableText,
  service: nullableText,
  status: z
    .string()
    .describe(
      'awaiting-review, awaiting-checks, awaiting-decision, releasing, registering-contract (a schema update: nothing to deploy), the outcome once concluded, or the last step recorded',
    ),
  outcome: nullableText,
  tier: nullableNumber,
  timeToValueSeconds: nullableNumber,
  valuePerHourUsd: nullableNumber,
  valuePerHourPerEmployeeUsd: nullableNumber,
  valueRealised: z
    .boolean()
    .nullable()
    .describe(
      'true when valuePerHourUsd was realised (the change released); false when it is the value model’s figure of an intent that concluded otherwise (the value report counts it as $0); null with no figure',
    ),
  change: z
    .object({ service: z.string(), profile: z.string(), contractVersion: z.string(), kind: z.string() })
    .nullable()
    .describe('what the intent changes, as declared, without its payload; null before it is declared'),
  rolloutPercentage: nullableNumber,
  deploymentPercentage: nullableNumber,
  requester: nullableText.describe(
    'who requested the change (its declared authority.requester); null before it is declared',
  ),
  review: z
    .object({
      decision: z.enum(['approved', 'rejected']),
      reviewer: z.string(),
      as: z
        .enum(reviewerRoles)
        .optional()
        .describe(
          'the capacity the reviewer decided in: owner, compliance-reviewer, or release-steward (a break-glass only); absent from reviews recorded before it was',
        ),
      decidedAt: z.string(),
      reason: nullableText,
      authenticatedAs: authenticatedAsSchema
        .nullable()
        .describe(
          'how the reviewer authenticated, as the review recorded it (an IAM ARN, an event source, or a local name, which is not verified); null for reviews recorded before it was',
        ),
    })
    .nullable()
    .describe("the reviewer of record's decision once one is recorded: who, what, when and why"),
};

const stepSchema = z.looseObject({ seq: z.number().int(), type: z.string(), timestamp: z.string() });

/** `GET /intents/{id}`: the intent's status and steps; its entries and metrics when `include` names them. */
export const intentStatusBodySchema = z.looseObject({
  ...statusFields,
  reasons: z
    .array(z.string())
    .describe('why the intent did not (or not yet) release, in the requester’s terms'),
  steps: z.array(stepSchema),
  entries: z.array(ledgerEntrySchema).optional().describe('with include=entries: its ledger entries whole'),
  metrics: z
    .looseObject({ service: z.string(), from: z.string(), to: z.string(), series: z.array(z.unknown()) })
    .nullable()
    .optional()
    .describe('with include=metrics: the monitored metrics over the release, null before a release started'),
});

const intentSummarySchema = z.looseObject({
  ...statusFields,
  team: nullableText,
  tags: z.record(z.string(), z.string()),
  declaredAt: z.string(),
  updatedAt: z.string(),
  lastStep: z.string(),
});

/** `GET /intents`: a page of intents, newest first. */
export const intentPageBodySchema = z.looseObject({
  items: z.array(intentSummarySchema),
  nextCursor: z.string().optional().describe('hand it back as cursor for the next page; absent on the last'),
  searchedBackTo: z
    .string()
    .optional()
    .describe(
      'the page ended because the walk read as much of the ledger as one page may, back to this instant',
    ),
});

/** `POST /intents` 202: the intent is accepted and its execution started. */
export const submissionAcceptedBodySchema = z.looseObject({
  intentId: z.string(),
  executionId: z.string(),
  status: z.string().describe("the intent's status path, /intents/{id}"),
  previousIntentId: z.string().optional().describe('the attempt this one follows, for a resubmission'),
});

/** `POST /intents` 200 for a resubmission of an intent already running or released. */
const duplicateSubmissionSchema = z.looseObject({
  intentId: z.string(),
  status: z.string(),
  duplicate: z.literal(true),
});

/** `POST /intents?dryRun=true` 200: what the pipeline would decide, with nothing written. */
const dryRunReportSchema = z.looseObject({
  dryRun: z.literal(true),
  intentId: z.string(),
  verdict: z.enum([
    'admitted',
    'queued',
    'scheduled',
    'rejected-structure',
    'schema-update-required',
    'rejected-policy',
  ]),
  structure: z.looseObject({}),
  policy: z.looseObject({}).optional(),
});

/** `POST /intents` 200: a resubmission's answer, or the dry-run report. */
export const submissionRepeatedBodySchema = z.union([duplicateSubmissionSchema, dryRunReportSchema]);

// Compile-time: each schema describes what the server builds from the core's types, both ways.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Checked<T extends true> = T;
type Shape<S extends z.ZodType, K extends PropertyKey> = Pick<z.infer<S>, K & keyof z.infer<S>>;
export type ResponseSchemasMatch = [
  Checked<Same<Shape<typeof intentStatusBodySchema, keyof IntentStatus>, IntentStatus>>,
  Checked<Same<Shape<typeof intentSummarySchema, keyof IntentSummary>, IntentSummary>>,
  Checked<
    Same<Shape<typeof intentPageBodySchema, 'nextCursor' | 'searchedBackTo'>, Omit<IntentPage, 'items'>>
  >,
  Checked<Same<z.infer<typeof dryRunReportSchema>['verdict'], DryRunReport['verdict']>>,
];
