import type { StateStore } from '../../ports/state-store.js';
import type { Catalog } from '../catalog-schema.js';
import { NotFoundError } from '../errors.js';
import { parseDelegationId } from './delegation-id.js';
import { type ListedDelegation, listDelegations } from './list-delegations.js';

/**
 * The delegation granted at run time under `id`, live, expired or revoked now, as `listDelegations` shows it: what
 * `POST /delegations` created, read back. `InvalidInputError` on `path.id` for an id that is not one,
 * `NotFoundError` for an id nobody granted.
 *
 * @example await grantedDelegation('oscar~nina~2026-12-01T00:00:00.000Z', deps) // { status: 'live', … }
 */
export async function grantedDelegation(
  id: string,
  deps: { catalog: Catalog; state: StateStore; now: Date },
): Promise<ListedDelegation> {
  const { to } = parseDelegationId(id, 'path.id');
  // Read as the list reads it, so the two never say differently what a delegation's status is.
  const found = (await listDelegations({ principal: to }, deps)).find((delegation) => delegation.id === id);
  if (!found) throw new NotFoundError('nobody granted a delegation under this id');
  return found;
}
