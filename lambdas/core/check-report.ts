import * as z from 'zod';
import { authenticatedAsSchema } from './principals/caller.js';

/** What a CI system may say of a check: the body of `PUT /intents/{id}/checks/{name}`. */
export const checkStatuses = ['passed', 'failed'] as const;

/** Longest `detail` kept, as for a result attached to the intent (`testResults[].detail`). */
export const checkDetailMaxLength = 2000;
/** Longest `url`: links to CI runs are short; anything longer is not a link a reader would follow. */
export const checkUrlMaxLength = 2048;

/**
 * Why a principal may report a check for an intent: it submitted it (`requester`), the change is made for it
 * (`on-behalf-of`), it owns the service (`owner`), or it holds a live delegation over the service
 * (`delegation`) — as a CI principal does for the teams whose changes it builds.
 */
export const reporterStandings = ['requester', 'on-behalf-of', 'owner', 'delegation'] as const;

/**
 * The delegation a reporter with `standing: delegation` acted under: its terms, and when it was granted if an owner
 * granted it at run time (`POST /delegations`) rather than the catalog recording it.
 */
export const reportDelegationSchema = z.strictObject({
  from: z.string(),
  to: z.string(),
  role: z.string(),
  services: z.array(z.string()),
  expiresAt: z.string(),
  reason: z.string().optional(),
  grantedAt: z.string().optional(),
});

/** A reported check result as kept in the state table (Verify reads it) and recorded as `check.reported`. */
export const checkReportSchema = z.strictObject({
  check: z.string(),
  status: z.enum(checkStatuses),
  passed: z.boolean(),
  detail: z.string(),
  url: z.string().optional(),
  /** The authenticated caller, resolved to a catalog principal: never a name from the body. */
  reportedBy: z.string(),
  authenticatedAs: authenticatedAsSchema,
  standing: z.enum(reporterStandings),
  /** With `standing: delegation`: the live delegation the reporter acted under (absent on reports made before). */
  delegation: reportDelegationSchema.optional(),
  reportedAt: z.string(),
});

export type CheckReport = z.infer<typeof checkReportSchema>;

/** The detail Verify records for a reported check: who reported what, so the ledger says where it came from. */
export function reportedCheckDetail(
  report: Pick<CheckReport, 'status' | 'reportedBy' | 'detail' | 'url'>,
): string {
  const said = report.detail || report.url;
  return `reported ${report.status} by ${report.reportedBy}${said ? `: ${said}` : ''}`;
}
