import * as z from 'zod';
import { checkDetailMaxLength, checkStatuses, checkUrlMaxLength } from '../core/check-report.js';
import { runLinkSchema } from '../core/intake/run-link.js';
import { lacksRequiredReason, rejectionReasonRequired } from '../core/pipeline/review-reason.js';
import { releaseDecisions } from '../core/pipeline/state.js';
import { stopReasonMaxLength } from '../core/pipeline/stop-intent.js';
import { freeText, oneLine } from './free-text.js';
import { atMostCharacters, atMostItems, notEmpty } from './length-limits.js';

/*
 * The request bodies the API takes besides an intent (`submittedIntentSchema`): the handlers parse with them, and
 * the OpenAPI document (`openapi.ts`) describes them from the same schemas.
 */

/**
 * A review: the reviewer is the caller, so a body naming a `reviewer` (or anything else) is refused, not ignored.
 * A rejection says why (400 naming `reason` before anything is recorded); an approval may leave it out.
 */
export const reviewBodySchema = z
  .strictObject({
    decision: z.enum(['approve', 'reject']),
    reason: freeText(z.string().max(2000, atMostCharacters(2000)))
      .optional()
      .describe('why; required to reject (recorded on the ledger for the requester), optional to approve'),
  })
  .superRefine((review, ctx) => {
    if (lacksRequiredReason(review.decision === 'approve' ? 'approved' : 'rejected', review.reason)) {
      ctx.addIssue({ code: 'custom', path: ['reason'], message: rejectionReasonRequired });
    }
  });

/** Strict: who decides is the authenticated caller, so a body naming a `decider` is refused, not ignored. */
export const decisionBodySchema = z.strictObject({
  decision: z.enum(releaseDecisions),
  reason: freeText(
    z.string().trim().min(1, 'say why (it is recorded on the ledger)').max(2000, atMostCharacters(2000)),
  ),
});

/** What a grant names; the grantor is the caller, so `from` (or anything else) is refused, not ignored. */
export const grantBodySchema = z
  .object({
    to: oneLine(z.string().min(1, notEmpty).max(256, atMostCharacters(256))),
    services: z
      .array(oneLine(z.string().min(1, notEmpty).max(128, atMostCharacters(128))))
      .min(1, 'must name at least one service')
      .max(50, atMostItems(50, 'services')),
    role: oneLine(z.string().min(1, notEmpty).max(128, atMostCharacters(128))),
    expiresAt: z.string().min(1, notEmpty).max(64, atMostCharacters(64)),
    reason: freeText(z.string().max(500, atMostCharacters(500))),
  })
  .strict();

/**
 * A stop: who stops is the caller, so anything but `reason` is refused. The reason is recorded on the ledger
 * (`intent.stopped`), so it is required and bounded.
 */
export const stopBodySchema = z.strictObject({
  reason: freeText(
    z
      .string()
      .trim()
      .min(1, 'say why (it is recorded on the ledger)')
      .max(stopReasonMaxLength, atMostCharacters(stopReasonMaxLength)),
  ),
});

/** A retry takes no fields (who retries is the caller); an empty object or no body at all. */
export const retryBodySchema = z.strictObject({});

/**
 * A check result CI reports (`PUT /intents/{id}/checks/{name}`): who reports is the caller, so anything but these
 * is refused. `url` links the CI run; only http(s), so a reader following it opens a page, never a script, and
 * without a credential in it (the secret rules every body meets catch known token formats, not these).
 */
export const checkReportBodySchema = z.strictObject({
  status: z.enum(checkStatuses),
  detail: freeText(z.string().max(checkDetailMaxLength, atMostCharacters(checkDetailMaxLength))).optional(),
  url: runLinkSchema.max(checkUrlMaxLength, atMostCharacters(checkUrlMaxLength)).optional(),
});

/** A check's name as the intent's `constraints.checks` holds it. */
export const checkNameSchema = z.string().min(1, notEmpty).max(128, atMostCharacters(128));

/**
 * The issues of a body its strict schema refused, one per field, as every route names them: a field the body
 * lacks is `is required` (not zod's `expected string, received undefined`), a field the route does not take is
 * named by itself with `unknownField`'s reason, anything else keeps its message; a body that is not an object is
 * `body`.
 */
export function bodyIssues(
  error: z.ZodError,
  body: unknown,
  unknownField: (key: string) => string,
): Array<{ path: string; message: string }> {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: [...issue.path, key].join('.'), message: unknownField(key) }));
    }
    const path = issue.path.join('.');
    if (path === '') return [{ path: 'body', message: issue.message }];
    // An optional field the body leaves out raises no issue: one raised for an absent field is a required one,
    // unless a refinement raised it and says in its own words when the field is required.
    const absent = valueAt(body, issue.path) === undefined && issue.code !== 'custom';
    return [{ path, message: absent ? 'is required' : issue.message }];
  });
}

/** The value at `path` in a parsed JSON body, or undefined where the body holds none. */
function valueAt(body: unknown, path: readonly PropertyKey[]): unknown {
  let value = body;
  for (const key of path) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
