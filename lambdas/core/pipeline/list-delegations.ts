import type { StateStore } from '../../ports/state-store.js';
import type { Catalog } from '../catalog-schema.js';
import { InvalidInputError } from '../errors.js';
import { findPrincipal, notAPrincipal } from '../principals/bind-requester.js';
import type { Caller } from '../principals/caller.js';
import { isLive } from '../principals/delegations.js';
import type { RecordedDelegation } from '../principals/principal-schema.js';
import { stateKeys } from '../state-keys.js';
import { delegationId } from './delegation-id.js';
import type { GrantedDelegation } from './delegations.js';
import { type AuthorityRevocation, revokesDelegation } from './revocations.js';

export const delegationStatuses = ['live', 'expired', 'revoked'] as const;
export type DelegationStatus = (typeof delegationStatuses)[number];

/**
 * A delegation as the list shows it: the catalog's standing ones and those granted at run time (with who granted
 * them, when, and the `id` that revokes them), each with its status at the instant of the list. `revoked`: a
 * revocation of this very delegation is in force; one scheduled for later is shown beside a `live` status.
 */
export interface ListedDelegation extends RecordedDelegation {
  source: 'catalog' | 'granted';
  status: DelegationStatus;
  /** Granted at run time: its id, for `DELETE /delegations/{id}`. */
  id?: string;
  grantedBy?: Caller;
  grantedAt?: string;
  revocation?: Pick<AuthorityRevocation, 'revokedBy' | 'reason' | 'effectiveAt' | 'recordedAt'>;
}

export interface DelegationFilter {
  /** Only delegations this principal granted or holds. */
  principal?: string;
  status?: DelegationStatus;
}

/** Partitions read at once: one Query each, a grantee's grants or revocations. */
const READS_AT_ONCE = 8;

/**
 * Every delegation the catalog records or a principal granted at run time, newest expiry first, filtered. Grants
 * are kept by grantee, so each catalog principal's grants are read (a Query each, eight at a time), then the
 * revocations of each grantee found. A blanket revocation of a grantor's or grantee's authority voids what they
 * delegate or hold, too, but is not this delegation's own: the authority rules read it, the list does not.
 */
export async function listDelegations(
  filter: DelegationFilter,
  deps: { catalog: Catalog; state: StateStore; now: Date },
): Promise<ListedDelegation[]> {
  const principals = Object.keys(deps.catalog.principals).sort();
  const granted = (
    await inTurns(principals, (principal) =>
      deps.state.list<GrantedDelegation>(stateKeys.delegation(principal).pk),
    )
  ).flatMap((items) => items.map(({ data }) => data));
  const all: Array<{ delegation: RecordedDelegation; granted?: GrantedDelegation }> = [
    ...deps.catalog.delegations.map((delegation) => ({ delegation })),
    ...granted.map((grant) => ({ delegation: grant, granted: grant })),
  ].filter(
    ({ delegation }) =>
      filter.principal === undefined ||
      delegation.from === filter.principal ||
      delegation.to === filter.principal,
  );
  const grantees = [...new Set(all.map(({ delegation }) => delegation.to))].sort();
  const revocations = new Map(
    (
      await inTurns(grantees, (grantee) =>
        deps.state.list<AuthorityRevocation>(stateKeys.revocation(grantee).pk),
      )
    ).map((items, i) => [grantees[i]!, items.map(({ data }) => data)]),
  );
  const listed = all.map(({ delegation, granted }) => {
    const revocation = (revocations.get(delegation.to) ?? [])
      .filter((r) => revokesDelegation(r, delegation))
      .sort((a, b) => a.effectiveAt.localeCompare(b.effectiveAt))[0];
    const revoked = revocation !== undefined && Date.parse(revocation.effectiveAt) <= deps.now.getTime();
    const entry: ListedDelegation = {
      ...(granted
        ? {
            from: granted.from,
            to: granted.to,
            role: granted.role,
            services: granted.services,
            expiresAt: granted.expiresAt,
            ...(granted.reason !== undefined ? { reason: granted.reason } : {}),
          }
        : delegation),
      source: granted ? 'granted' : 'catalog',
      status: revoked ? 'revoked' : isLive(delegation, deps.now) ? 'live' : 'expired',
      ...(granted
        ? { id: delegationId(granted), grantedBy: granted.grantedBy, grantedAt: granted.grantedAt }
        : {}),
      ...(revocation
        ? {
            revocation: {
              revokedBy: revocation.revokedBy,
              reason: revocation.reason,
              effectiveAt: revocation.effectiveAt,
              recordedAt: revocation.recordedAt,
            },
          }
        : {}),
    };
    return entry;
  });
  return listed
    .filter((entry) => filter.status === undefined || entry.status === filter.status)
    .sort(
      (a, b) =>
        b.expiresAt.localeCompare(a.expiresAt) || a.to.localeCompare(b.to) || a.from.localeCompare(b.from),
    );
}

/** A list filter from query text: the principal by id (the catalog's), the status one of the three. */
export function delegationFilter(
  query: { principal?: string; status?: string },
  catalog: Catalog,
): DelegationFilter {
  const issues: Array<{ path: string; message: string }> = [];
  const filter: DelegationFilter = {};
  if (query.principal !== undefined) {
    const principal = findPrincipal(catalog, query.principal.trim());
    if (principal === undefined) {
      issues.push({
        path: 'principal',
        message: notAPrincipal(catalog, query.principal.trim(), 'by id or e-mail'),
      });
    } else filter.principal = principal;
  }
  if (query.status !== undefined) {
    const status = query.status.trim();
    if ((delegationStatuses as readonly string[]).includes(status))
      filter.status = status as DelegationStatus;
    else {
      issues.push({
        path: 'status',
        message: `"${status.slice(0, 60)}" is not a delegation status; one of ${delegationStatuses.join(', ')}`,
      });
    }
  }
  if (issues.length > 0) throw new InvalidInputError('cannot list delegations', issues);
  return filter;
}

/** `read` of each item, at most READS_AT_ONCE in flight, answers in the items' order. */
async function inTurns<T, R>(items: readonly T[], read: (item: T) => Promise<R>): Promise<R[]> {
  const answers = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      answers[i] = await read(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(READS_AT_ONCE, items.length) }, worker));
  return answers;
}
