import type { StateStore } from '../../ports/state-store.js';
import type { Catalog } from '../catalog-schema.js';
import {
  DelegationExistsError,
  DelegationRevokedError,
  InvalidInputError,
  NotAServiceOwnerError,
  VersionConflictError,
} from '../errors.js';
import { notAPrincipal } from '../principals/bind-requester.js';
import type { Caller } from '../principals/caller.js';
import { delegationsHeld } from '../principals/delegations.js';
import type { RecordedDelegation } from '../principals/principal-schema.js';
import { delegationReasonMaxLength, recordedDelegationSchema } from '../principals/principal-schema.js';
import { stateKeys } from '../state-keys.js';
import { delegationId } from './delegation-id.js';
import {
  type AuthorityRevocation,
  describeRevocation,
  revocationsInForce,
  revokesDelegation,
  voidingRevocation,
} from './revocations.js';

/** The longest a delegation granted at run time may last; longer standing ones belong in the catalog. */
export const maxGrantDays = 90;

/** A delegation granted at run time: who granted it (authenticated) and when, beside what it grants. */
export interface GrantedDelegation extends RecordedDelegation {
  grantedBy: Caller;
  grantedAt: string;
}

/**
 * Records a delegation the authenticated caller grants from their own authority: a service owner lets
 * another principal act with `role` (one held in a team of theirs) on services they own until `expiresAt` (at
 * most 90 days ahead). Nobody
 * grants on somebody else's behalf. Revoked like any delegation (`revokeAuthority` with `delegation`).
 * Throws `InvalidInputError` naming the field before anything is written, and `NotAServiceOwnerError` (403)
 * naming each service of an otherwise well-formed grant that the caller does not own. A live delegation keeps its terms:
 * granting it again answers it as it was granted, or with other terms throws `DelegationExistsError`.
 */
export async function grantDelegation(
  input: { to: string; role: string; services: string[]; expiresAt: string; reason: string },
  grantor: Caller,
  deps: { state: StateStore; catalog: Catalog; now: Date },
): Promise<GrantedDelegation> {
  const from = grantor.principal;
  const parsed = recordedDelegationSchema.safeParse({ ...input, from });
  const knownTo = deps.catalog.principals[input.to] !== undefined;
  const issues: Array<{ path: string; message: string }> = parsed.success
    ? []
    : parsed.error.issues
        // The reason is checked below, in words; so is a grantee nobody is, which says more than its spelling.
        .filter((issue) => issue.path.join('.') !== 'reason' && (knownTo || issue.path.join('.') !== 'to'))
        .map((issue) => ({ path: issue.path.join('.') || 'delegation', message: issue.message }));
  if (!knownTo) {
    issues.push({ path: 'to', message: notAPrincipal(deps.catalog, input.to) });
  }
  // A role no team holds is one no rule reads: the delegation would grant nothing (a misspelt role, most often).
  const roles = catalogRoles(deps.catalog);
  if (input.role && !roles.includes(input.role)) {
    issues.push({
      path: 'role',
      message: `"${input.role.slice(0, 60)}" is not a role any team of the catalog holds; roles: ${roles.join(', ')}`,
    });
  } else if (input.role) {
    // A grant lends the grantor's standing: a role of another team would make its grantee what no one lent.
    const teams = Object.values(deps.catalog.teams).filter((team) =>
      team.members.some((member) => member.principal === from),
    );
    const lendable = [...new Set(teams.flatMap((team) => team.members.map((member) => member.role)))].sort();
    if (!lendable.includes(input.role)) {
      issues.push({
        path: 'role',
        message: `${from} may lend only a role held in a team of theirs: ${input.role} is not held in ${teams.map((team) => team.name).join(', ') || 'any team (they belong to none)'}${lendable.length > 0 ? ` (roles: ${lendable.join(', ')})` : ''}`,
      });
    }
  }
  // Whose the services are is asked of a grant that is otherwise well formed: refused as access (403), not input.
  const notOwned: Array<{ service: string; issue: { path: string; message: string } }> = [];
  input.services.forEach((name, i) => {
    const service = deps.catalog.services[name];
    const first = input.services.indexOf(name);
    if (first < i) {
      issues.push({
        path: `services[${i}]`,
        message: `"${name}" is named twice (services[${first}] names it too)`,
      });
    } else if (!service)
      issues.push({ path: `services[${i}]`, message: `"${name}" is not in the service catalog` });
    else if (!service.owners.includes(from)) {
      notOwned.push({
        service: name,
        issue: {
          path: `services[${i}]`,
          message: `${from} does not own ${name} (owners: ${service.owners.join(', ') || 'none'}), so cannot delegate it`,
        },
      });
    }
  });
  const expires = Date.parse(input.expiresAt);
  if (Number.isFinite(expires)) {
    // Named with the stack's instant: a virtual clock may run ahead of the machine's, past an expiry that is
    // still to come by the wall clock.
    if (expires <= deps.now.getTime()) {
      issues.push({
        path: 'expiresAt',
        message: `must be after the stack's clock, now ${deps.now.toISOString()}`,
      });
    }
    if (expires > deps.now.getTime() + maxGrantDays * 86_400_000) {
      issues.push({
        path: 'expiresAt',
        message: `must be at most ${maxGrantDays} days ahead; a standing delegation belongs in the catalog`,
      });
    }
  }
  if (!input.reason.trim()) issues.push({ path: 'reason', message: 'must say why' });
  else if (input.reason.length > delegationReasonMaxLength) {
    issues.push({
      path: 'reason',
      message: `must be at most ${delegationReasonMaxLength} characters, not ${input.reason.length}`,
    });
  }
  if (issues.length > 0 || !parsed.success) {
    throw new InvalidInputError('cannot grant the delegation', [
      ...issues,
      ...notOwned.map(({ issue }) => issue),
    ]);
  }
  if (notOwned.length > 0) {
    throw new NotAServiceOwnerError(
      `${from} may not delegate ${notOwned.map(({ service }) => service).join(', ')}: only an owner delegates a service, from their own authority`,
      notOwned.map(({ issue }) => issue),
    );
  }
  const granted: GrantedDelegation = {
    ...parsed.data,
    expiresAt: new Date(expires).toISOString(),
    services: [...parsed.data.services].sort(),
    grantedBy: grantor,
    grantedAt: deps.now.toISOString(),
  };
  await refuseRevokedGrant(granted, deps.state);
  const key = stateKeys.delegation(granted.to, `${granted.from}#${granted.expiresAt}`);
  try {
    await deps.state.put(key.pk, key.sk, granted, 0);
    return granted;
  } catch (error) {
    if (!(error instanceof VersionConflictError)) throw error;
  }
  // Read by listing the grantee's delegations, as a grant already does: its role may Query, not GetItem.
  const existing = (await deps.state.list<GrantedDelegation>(key.pk)).find(
    (item) => item.sk === key.sk,
  )?.data;
  if (existing === undefined)
    throw new Error(`delegation ${delegationId(granted)} vanished as it was granted`);
  if (sameTerms(existing, granted)) return existing;
  throw new DelegationExistsError(
    `${granted.from}→${granted.to} until ${granted.expiresAt} is already granted (${existing.role} over ${existing.services.join(', ')}, by ${existing.grantedBy.principal} at ${existing.grantedAt}): a live delegation keeps its terms; revoke it (DELETE /delegations/${delegationId(granted)}) and grant one with another expiresAt`,
  );
}

function sameTerms(a: RecordedDelegation, b: RecordedDelegation): boolean {
  return (
    a.role === b.role &&
    a.reason === b.reason &&
    a.services.length === b.services.length &&
    a.services.every((service, i) => b.services[i] === service)
  );
}

/** The roles the catalog's teams give their members, sorted. */
function catalogRoles(catalog: Catalog): string[] {
  const roles = new Set<string>();
  for (const team of Object.values(catalog.teams)) for (const member of team.members) roles.add(member.role);
  return [...roles].sort();
}

/**
 * A delegation is known by its grantee, grantor and expiry, and so is its revocation: the same grant made again
 * would overwrite the grant and answer 201 while the revocation keeps it void. Refused, naming a way that works.
 */
async function refuseRevokedGrant(granted: GrantedDelegation, state: StateStore): Promise<void> {
  const revocations = await state.list<AuthorityRevocation>(stateKeys.revocation(granted.to).pk);
  const revoked = revocations.find(({ data }) => revokesDelegation(data, granted));
  if (revoked) {
    throw new DelegationRevokedError(
      `the delegation ${delegationId(granted)} was revoked by ${revoked.data.revokedBy}: it stays revoked; grant one with another expiresAt`,
    );
  }
}

/**
 * What `principal` may rely on at `now` when binding a change to `service`: the catalog with the delegations
 * granted to them at run time (`withGrantsTo`), and those of their delegations over the service a revocation in
 * force voids — the delegation itself, or its grantor's whole authority — each with the revocation in words.
 */
export async function delegationsSeenBy(
  catalog: Catalog,
  principal: string,
  service: string,
  state: StateStore,
  now: Date,
): Promise<{ catalog: Catalog; voided: Map<RecordedDelegation, string> }> {
  const seen = await withGrantsTo(catalog, principal, state);
  const voided = new Map<RecordedDelegation, string>();
  const held = delegationsHeld(seen, principal, service);
  if (held.length === 0) return { catalog: seen, voided };
  const holders = await revocationsInForce(principal, service, state, now);
  for (const delegation of held) {
    const revocation = await voidingRevocation(delegation, holders, service, state, now);
    if (revocation) voided.set(delegation, describeRevocation(revocation));
  }
  return { catalog: seen, voided };
}

/**
 * The catalog as seen for `principal`: with the delegations granted to it at run time added to those the
 * catalog records. Binding and the authority rules read delegations from the catalog, so this is how both
 * see grants. A grant keeps who granted it (authenticated) and when: a declaration relying on it records both
 * in its binding, which is the ledger's record of the grant (the state table's item is not hash-chained).
 */
export async function withGrantsTo(catalog: Catalog, principal: string, state: StateStore): Promise<Catalog> {
  const granted = await state.list<GrantedDelegation>(stateKeys.delegation(principal).pk);
  if (granted.length === 0) return catalog;
  return {
    ...catalog,
    delegations: [...catalog.delegations, ...granted.map(({ data }) => data)],
  };
}
