import type { StateStore } from '../../ports/state-store.js';
import type { Catalog } from '../catalog-schema.js';
import { InvalidInputError } from '../errors.js';
import type { Intent } from '../intent.js';
import { delegationsHeld, isLive } from '../principals/delegations.js';
import { stateKeys } from '../state-keys.js';

/**
 * Revoked authority, kept beside the catalog: the catalog says who may change a service, a revocation takes
 * that away from one principal from an instant on (now, or scheduled: a contractor's engagement ends at 17:00).
 * Release and Verify read it, so a change already admitted stops when its requester, or the owner who
 * delegated to them, loses authority mid-flight.
 */
export interface AuthorityRevocation {
  principal: string;
  /** Services the revocation covers; every service when empty. */
  services: string[];
  /** Set when one delegation to `principal` is revoked (identified by its grantor and expiry), not all authority. */
  delegation?: { from: string; expiresAt: string };
  reason: string;
  revokedBy: string;
  effectiveAt: string;
  recordedAt: string;
}

/** Records a revocation; `effectiveAt` defaults to `now`. Throws `InvalidInputError` naming a bad field. */
export async function revokeAuthority(
  input: {
    principal: string;
    services?: string[];
    delegation?: { from: string; expiresAt: string };
    reason: string;
    revokedBy: string;
    effectiveAt?: Date;
  },
  deps: { state: StateStore; now: Date },
): Promise<AuthorityRevocation> {
  const issues: Array<{ path: string; message: string }> = [];
  if (!input.principal.trim()) issues.push({ path: 'principal', message: 'must name a principal' });
  if (!input.revokedBy.trim()) issues.push({ path: 'revokedBy', message: 'must name who revokes' });
  if (!input.reason.trim()) issues.push({ path: 'reason', message: 'must say why' });
  const effectiveAt = input.effectiveAt ?? deps.now;
  if (Number.isNaN(effectiveAt.getTime()))
    issues.push({ path: 'effectiveAt', message: 'must be a valid instant' });
  if (issues.length > 0) throw new InvalidInputError('cannot revoke authority', issues);
  const revocation: AuthorityRevocation = {
    principal: input.principal,
    services: [...(input.services ?? [])].sort(),
    ...(input.delegation ? { delegation: { ...input.delegation } } : {}),
    reason: input.reason,
    revokedBy: input.revokedBy,
    effectiveAt: effectiveAt.toISOString(),
    recordedAt: deps.now.toISOString(),
  };
  const grant = revocation.delegation
    ? `#${revocation.delegation.from}@${revocation.delegation.expiresAt}`
    : '';
  const scope = `${revocation.services.join(',') || '*'}${grant}`;
  const { pk, sk } = stateKeys.revocation(revocation.principal, `${revocation.effectiveAt}#${scope}`);
  await deps.state.put(pk, sk, revocation);
  return revocation;
}

/**
 * The revocation in force at `now` that voids the intent's authority over its service: the requester's own,
 * or — when the requester relies on delegations — one for every delegation relied on (the delegation itself
 * revoked, or its grantor's authority). The delegations relied on are those the intent cites, else every live
 * one the requester holds for the service; one still standing keeps the authority. Undefined when authority
 * stands.
 */
export async function revokedAuthority(
  intent: Intent,
  catalog: Catalog,
  state: StateStore,
  now: Date,
): Promise<AuthorityRevocation | undefined> {
  const service = intent.change.service;
  const requester = intent.authority.requester;
  const inForce = (principal: string) => revocationsInForce(principal, service, state, now);
  const own = await inForce(requester);
  const blanket = own.find((revocation) => !revocation.delegation);
  if (blanket) return blanket;

  const held = delegationsHeld(catalog, requester, service).filter((d) => isLive(d, now));
  const cited = held.filter((d) =>
    intent.authority.delegations.some(
      (c) => c.from === d.from && Date.parse(c.expiresAt) === Date.parse(d.expiresAt),
    ),
  );
  const reliedOn = cited.length > 0 ? cited : held;
  if (reliedOn.length === 0) return undefined;
  let first: AuthorityRevocation | undefined;
  for (const delegation of reliedOn) {
    const revoked = await voidingRevocation(delegation, own, service, state, now);
    // A delegation still standing keeps the requester's delegated authority.
    if (!revoked) return undefined;
    first ??= revoked;
  }
  return first;
}

/** Whether `revocation` takes back this very delegation (known by its grantor and expiry), not a whole authority. */
export function revokesDelegation(
  revocation: AuthorityRevocation,
  delegation: { from: string; expiresAt: string },
): boolean {
  return (
    revocation.delegation?.from === delegation.from &&
    Date.parse(revocation.delegation.expiresAt) === Date.parse(delegation.expiresAt)
  );
}

/**
 * The revocation in force that voids a delegation its holder relies on over `service`: one of the delegation itself,
 * among the holder's revocations in force (`holders`), or its grantor's revocation of their whole authority.
 */
export async function voidingRevocation(
  delegation: { from: string; expiresAt: string },
  holders: readonly AuthorityRevocation[],
  service: string,
  state: StateStore,
  now: Date,
): Promise<AuthorityRevocation | undefined> {
  return (
    holders.find((r) => revokesDelegation(r, delegation)) ??
    (await revocationsInForce(delegation.from, service, state, now)).find((r) => !r.delegation)
  );
}

/** The revocations of `principal`'s authority in force at `now` that cover `service`. */
export async function revocationsInForce(
  principal: string,
  service: string,
  state: StateStore,
  now: Date,
): Promise<AuthorityRevocation[]> {
  return (await state.list<AuthorityRevocation>(stateKeys.revocation(principal).pk))
    .map((item) => item.data)
    .filter(
      (revocation) =>
        Date.parse(revocation.effectiveAt) <= now.getTime() &&
        (revocation.services.length === 0 || revocation.services.includes(service)),
    );
}

/** One line for the ledger and the requester: who lost authority, since when, and why. */
export function describeRevocation(revocation: AuthorityRevocation): string {
  const scope = revocation.services.length > 0 ? revocation.services.join(', ') : 'every service';
  const what = revocation.delegation
    ? `delegation from ${revocation.delegation.from} to ${revocation.principal} over ${scope}`
    : `authority of ${revocation.principal} over ${scope}`;
  return `${what} revoked by ${revocation.revokedBy} from ${revocation.effectiveAt}: ${revocation.reason}`;
}
