import { ConfigurationError } from '../errors.js';
import { describeIdentity, type IamIdentity, identitiesOverlap } from './iam-identity.js';

/** One catalog principal's claim to authenticate as `identity`; `source` says where the catalog declares it. */
export interface IdentityClaim {
  principal: string;
  identity: IamIdentity;
  /** e.g. `teams.clinical.members[0]` or `reviewers.HIPAA[0]`, for messages that point at the entry. */
  source: string;
}

/**
 * Refuses a catalog in which two principals claim one identity, or identities that overlap (a session name
 * and `*` on the same role): a caller must resolve to one principal or none, never to a choice. One principal
 * may declare the same identity in several places (as a team member and as a reviewer of record).
 */
export function checkIdentityClaims(claims: readonly IdentityClaim[]): void {
  claims.forEach((claim, i) => {
    for (const other of claims.slice(i + 1)) {
      if (other.principal !== claim.principal && identitiesOverlap(claim.identity, other.identity)) {
        throw new ConfigurationError(
          `catalog: principals "${claim.principal}" (${claim.source}: ${describeIdentity(claim.identity)}) and "${other.principal}" (${other.source}: ${describeIdentity(other.identity)}) claim the same IAM identity; each identity belongs to one principal`,
        );
      }
    }
  });
}
