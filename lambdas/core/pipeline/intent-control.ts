import type * as z from 'zod';
import type { LedgerEntry, StoredEntry } from '../../ports/ledger-store.js';
import type { Catalog } from '../catalog-schema.js';
import { NotInControlError } from '../errors.js';
import { intentDeclaredPayload, payloadOf, type stopAuthoritySchema } from '../ledger/entry-payloads.js';
import type { AuthenticatedAs, Caller } from '../principals/caller.js';
import { stateKeys } from '../state-keys.js';
import type { PipelineDeps } from './deps.js';

/*
 * Who is in control of an intent — its requester, its service's owners and the release stewards — and the stop
 * request one of them may have made: what stopping, retrying and submitting again are judged by. Kept apart from
 * `stop-intent.ts`, which carries stops out, so that what only judges (a submission's check) bundles light.
 */

/** What a stop request keeps: who asked (the authenticated caller) and as what, why, when. */
export interface StopRequest {
  intentId: string;
  by: string;
  /** The authority the stop was made under; absent from requests written before it was kept. */
  as?: StopAuthority;
  authenticatedAs: AuthenticatedAs;
  reason: string;
  requestedAt: string;
}

/** The stop request of `intentId`, if somebody asked. */
export async function stopRequestOf(
  intentId: string,
  deps: Pick<PipelineDeps, 'state'>,
): Promise<StopRequest | undefined> {
  const key = stateKeys.stopRequest(intentId);
  return (await deps.state.get<StopRequest>(key.pk, key.sk))?.data;
}

/**
 * Who may stop or retry an intent: its requester, its service's owners and the catalog's release stewards.
 */
export interface IntentControllers {
  requester: string | undefined;
  service: string | undefined;
  owners: readonly string[];
  stewards: readonly string[];
}

/** The principals in control of the intent whose ledger entries are `entries`. */
export function controllersOf(
  entries: readonly LedgerEntry[] | readonly StoredEntry[],
  catalog: Catalog,
): IntentControllers {
  const declared = entriesOf(entries).find((entry) => entry.type === 'intent.declared');
  const payload = declared ? payloadOf(declared, intentDeclaredPayload) : undefined;
  const requester =
    typeof payload?.authority?.requester === 'string' ? payload.authority.requester : undefined;
  const service = payload?.intent.change?.service;
  const owners = service ? (catalog.services[service]?.owners ?? []) : [];
  return { requester, service, owners, stewards: catalog.releaseStewards };
}

/** The authority under which a principal stops or retries an intent; the one used is recorded with a stop. */
export type StopAuthority = z.infer<typeof stopAuthoritySchema>;

/** What `as` says in words: `owner` → `an owner of launch-flags`. */
export function describeAuthority(as: StopAuthority, controllers: IntentControllers): string {
  if (as === 'owner') return `an owner of ${controllers.service ?? 'its service'}`;
  if (as === 'release-steward') return 'a release steward';
  return 'its requester';
}

/** The authority `principal` holds over the intent, the narrowest first, if any. */
export function authorityOf(principal: string, controllers: IntentControllers): StopAuthority | undefined {
  if (principal === controllers.requester) return 'requester';
  if (controllers.owners.includes(principal)) return 'owner';
  if (controllers.stewards.includes(principal)) return 'release-steward';
  return undefined;
}

/** `a release steward (heidi)`, or nothing when the catalog names none. */
export function stewardsClause(controllers: IntentControllers): string | undefined {
  return controllers.stewards.length > 0
    ? `a release steward (${controllers.stewards.join(', ')})`
    : undefined;
}

/** The entries themselves, whether as stored (with their hashes) or as the API serves them. */
export function entriesOf(entries: readonly LedgerEntry[] | readonly StoredEntry[]): LedgerEntry[] {
  return entries.map((e) => ('entry' in e ? e.entry : e));
}

/**
 * Whether a principal may stop or retry an intent: the authority it acts under, or, when it holds none, who may
 * (`who`, in words, and `because` of what, where more than the rule) and the refusal the API answers (HTTP 403). One rule for the API, which refuses, and for the
 * console, which offers only what the API would accept and names who may otherwise.
 */
export type ControlVerdict =
  | { may: true; as: StopAuthority }
  | { may: false; who: string; because?: string; refusal: string };

/**
 * Who may stop or retry an intent: its requester (the principal the intent was bound to when it was submitted),
 * an owner of its service or a release steward (`catalog.releaseStewards`); answers which of them `principal`
 * is (an owner who requested is its requester), or who may instead.
 */
export function controlVerdict(
  intentId: string,
  entries: readonly LedgerEntry[] | readonly StoredEntry[],
  principal: string,
  catalog: Catalog,
  verb: 'stop' | 'retry',
): ControlVerdict {
  const controllers = controllersOf(entries, catalog);
  const { requester, service, owners } = controllers;
  const authority = authorityOf(principal, controllers);
  if (authority) return { may: true, as: authority };
  const who =
    [
      requester ? `its requester ${requester}` : undefined,
      owners.length > 0 ? `an owner of ${service} (${owners.join(', ')})` : undefined,
      stewardsClause(controllers),
    ]
      .filter(Boolean)
      .join(' or ') || 'its requester or an owner of its service';
  return { may: false, who, refusal: `${principal} may not ${verb} intent ${intentId}: only ${who} may` };
}

/**
 * `controlVerdict` for `caller`: answers the authority it acts under. Throws `NotInControlError` naming who may,
 * otherwise.
 */
export function assertInControl(
  intentId: string,
  entries: StoredEntry[],
  caller: Caller,
  catalog: Catalog,
  verb: 'stop' | 'retry',
): StopAuthority {
  const verdict = controlVerdict(intentId, entries, caller.principal, catalog, verb);
  if (!verdict.may) throw new NotInControlError(verdict.refusal);
  return verdict.as;
}
