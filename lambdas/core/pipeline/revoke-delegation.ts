import type { StateStore } from '../../ports/state-store.js';
import { NotFoundError, NotTheGrantorError } from '../errors.js';
import type { Caller } from '../principals/caller.js';
import { stateKeys } from '../state-keys.js';
import { parseDelegationId } from './delegation-id.js';
import type { GrantedDelegation } from './delegations.js';
import { type AuthorityRevocation, revokeAuthority, revokesDelegation } from './revocations.js';

export interface RevokedDelegation {
  revocation: AuthorityRevocation;
  /** True when an earlier request had already revoked it: nothing new was recorded. */
  alreadyRevoked: boolean;
}

/**
 * Revokes a delegation granted at run time (`grantDelegation`), as its grantor: records the revocation that
 * admission, Verify and Release read, so an intent relying on it stops, and a new one is not admitted. Only
 * the grantor may revoke it, as only the grantor could grant it (`NotTheGrantorError`); a delegation nobody
 * granted is `NotFoundError`; a second revocation records nothing and answers the first.
 */
export async function revokeGrantedDelegation(
  id: string,
  reason: string,
  caller: Caller,
  deps: { state: StateStore; now: Date },
): Promise<RevokedDelegation> {
  const { to, from, expiresAt } = parseDelegationId(id);
  const key = stateKeys.delegation(to, `${from}#${new Date(expiresAt).toISOString()}`);
  const granted = await deps.state.get<GrantedDelegation>(key.pk, key.sk);
  if (!granted) throw new NotFoundError(`no delegation ${id} was granted`);
  if (caller.principal !== granted.data.from) {
    throw new NotTheGrantorError(
      `you are ${caller.principal}; delegation ${id} was granted by ${granted.data.from}, who alone may revoke it`,
    );
  }
  const earlier = (await deps.state.list<AuthorityRevocation>(stateKeys.revocation(to).pk)).find(({ data }) =>
    revokesDelegation(data, granted.data),
  );
  if (earlier) return { revocation: earlier.data, alreadyRevoked: true };
  const revocation = await revokeAuthority(
    {
      principal: to,
      services: granted.data.services,
      delegation: { from, expiresAt: granted.data.expiresAt },
      reason,
      revokedBy: caller.principal,
    },
    deps,
  );
  return { revocation, alreadyRevoked: false };
}
