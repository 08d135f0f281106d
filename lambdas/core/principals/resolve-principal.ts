import { ConfigurationError } from '../errors.js';
import { identitiesOverlap, parseCallerArn } from './iam-identity.js';
import type { IdentityClaim } from './identity-claims.js';

/**
 * The catalog principal an authenticated caller is, from the ARN API Gateway reports for it
 * (`requestContext.identity.userArn`); undefined when no principal claims that identity.
 *
 * Matching rules:
 * - an IAM user or role ARN matches the identical ARN (path included; names compare case-insensitively,
 *   as IAM treats them);
 * - `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION` matches `{ role: arn:aws:iam::ACCOUNT:role/PATH/ROLE,
 *   session: SESSION }` (the path is not part of a session ARN; role names are unique per account whatever
 *   their path), `{ role, session: '*' }`, or the identical session ARN; session names compare exactly;
 * - partition and account always match exactly; anything else (root, federated users, malformed) matches
 *   nothing.
 *
 * Example: `arn:aws:sts::123456789012:assumed-role/ItvReviewers/xavier@example.com` → `xavier`.
 */
export function resolvePrincipal(claims: readonly IdentityClaim[], callerArn: string): string | undefined {
  return resolveIdentity(claims, callerArn)?.principal;
}

/** The catalog claim a caller's ARN matches (its `source` says where the catalog declares it), if any. */
export function resolveIdentity(
  claims: readonly IdentityClaim[],
  callerArn: string,
): IdentityClaim | undefined {
  const caller = parseCallerArn(callerArn);
  if (!caller) return undefined;
  const matching = claims.filter((claim) => identitiesOverlap(claim.identity, caller));
  const principals = new Set(matching.map((claim) => claim.principal));
  // A loaded catalog never has two (checkIdentityClaims); refusing beats picking one if one is built by hand.
  if (principals.size > 1) {
    throw new ConfigurationError(
      `${callerArn} is claimed by several principals: ${[...principals].join(', ')}`,
    );
  }
  return matching[0];
}
