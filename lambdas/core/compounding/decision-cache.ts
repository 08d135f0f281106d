import type { StateStore } from '../../ports/state-store.js';
import { stateKeys } from '../state-keys.js';
import type { FingerprintAttributes } from './fingerprint.js';

/**
 * Decisions validated and released cleanly, by fingerprint. The first clean release of a fingerprint is kept
 * (later reuses do not replace the decision they reused); a regression under the fingerprint removes it, so a
 * change kind that failed must earn its standard status again.
 */
export interface CachedDecision {
  fingerprint: string;
  decisionId: string;
  /** The intent whose release proved the decision. */
  intentId: string;
  /** SHA-256 of the signed decision body, as on the ledger. */
  decisionDigest: string;
  /** The reviewer of record who approved it, when its tier needed one. */
  reviewer?: string;
  releasedAt: string;
  attributes: FingerprintAttributes;
}

/** The cached decision for a fingerprint, if one was released cleanly and not since regressed. */
export async function findCachedDecision(
  state: StateStore,
  fingerprint: string,
): Promise<CachedDecision | undefined> {
  const { pk, sk } = stateKeys.decisionCache(fingerprint);
  return (await state.get<CachedDecision>(pk, sk))?.data;
}

/** Caches a cleanly released decision unless its fingerprint already has one; returns the one in force. */
export async function cacheDecision(state: StateStore, decision: CachedDecision): Promise<CachedDecision> {
  const existing = await findCachedDecision(state, decision.fingerprint);
  if (existing) return existing;
  const { pk, sk } = stateKeys.decisionCache(decision.fingerprint);
  await state.put(pk, sk, decision);
  return decision;
}

/** Removes the cached decision of a fingerprint whose change regressed. */
export async function forgetDecision(state: StateStore, fingerprint: string): Promise<void> {
  const { pk, sk } = stateKeys.decisionCache(fingerprint);
  await state.delete(pk, sk);
}
