import type { Catalog } from '../catalog-schema.js';
import type { RecordedDelegation } from './principal-schema.js';

/** The recorded delegations `principal` holds for `service`, live or expired, newest expiry first. */
export function delegationsHeld(catalog: Catalog, principal: string, service: string): RecordedDelegation[] {
  return catalog.delegations
    .filter((d) => d.to === principal && d.services.includes(service))
    .sort((a, b) => b.expiresAt.localeCompare(a.expiresAt));
}

/** Whether a delegation is in force at `now`: it lapses at `expiresAt`, not after it. */
export function isLive(delegation: RecordedDelegation, now: Date): boolean {
  return Date.parse(delegation.expiresAt) > now.getTime();
}
