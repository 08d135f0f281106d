import type { LedgerEntry, StoredEntry } from '../../ports/ledger-store.js';
import type { StateStore } from '../../ports/state-store.js';
import type { Catalog } from '../catalog-schema.js';
import { NotInControlError } from '../errors.js';
import { ledgerPayloads, payloadOf } from '../ledger/entry-payloads.js';
import type { Caller } from '../principals/caller.js';
import {
  assertInControl,
  authorityOf,
  type ControlVerdict,
  controllersOf,
  controlVerdict,
  describeAuthority,
  entriesOf,
  type StopAuthority,
  stewardsClause,
  stopRequestOf,
} from './intent-control.js';

/*
 * Who may run an intent again after its attempt ended — by a retry, or by submitting it again — as one rule
 * (`retry-intent.ts` plans a retry; a submission asks it before it claims the next attempt).
 */

/** Who stopped an intent, and under which authority (absent from stops recorded before it was kept). */
export type StopBy = { by: string; as?: StopAuthority | undefined };

/** The stop the ledger records for the attempt whose entries are `entries`, if one was recorded. */
export function recordedStop(entries: readonly LedgerEntry[] | readonly StoredEntry[]): StopBy | undefined {
  const recorded = entriesOf(entries).find((entry) => entry.type === 'intent.stopped');
  return recorded ? payloadOf(recorded, ledgerPayloads['intent.stopped']) : undefined;
}

/**
 * Whether `principal` may retry the attempt `runId` whose entries are `entries`, stopped by `stop` if anybody
 * stopped it: its requester, an owner of its service or a release steward (`controlVerdict`); and after a stop
 * by somebody other than the requester, a decision the requester alone may not undo, only an owner or a
 * release steward. The API refuses with its `refusal`; the console offers Retry only where it `may`.
 */
export function retryVerdict(
  runId: string,
  entries: readonly LedgerEntry[] | readonly StoredEntry[],
  principal: string,
  catalog: Catalog,
  stop: StopBy | undefined,
): ControlVerdict {
  const verdict = controlVerdict(runId, entries, principal, catalog, 'retry');
  if (!verdict.may || !stop) return verdict;
  const controllers = controllersOf(entries, catalog);
  const { requester, service, owners } = controllers;
  if (stop.by === requester || verdict.as === 'owner' || verdict.as === 'release-steward') return verdict;
  if (owners.includes(principal)) return verdict;
  // The authority recorded with the stop; for a stop recorded before it was kept, the one its maker holds now.
  const as = stop.as ?? authorityOf(stop.by, controllers);
  const stopper = as ? `${stop.by} (${describeAuthority(as, controllers)})` : stop.by;
  const who = [`an owner of ${service} (${owners.join(', ')})`, stewardsClause(controllers)]
    .filter(Boolean)
    .join(' or ');
  return {
    may: false,
    who,
    because: `it was stopped by ${stopper}`,
    refusal: `${principal} may not retry intent ${runId}: it was stopped by ${stopper}; only ${who} may retry it`,
  };
}

/**
 * `retryVerdict` for `caller`. The stop is read from the ledger (`intent.stopped`) or, should the run have
 * failed before recording it, from the request the stages honoured. Throws `NotInControlError` naming who may.
 * The retry route asks it, and so does a submission that would start the next attempt (`chooseAttempt`): one
 * rule says when an intent may run again. A submission (`by: 'submission'`) comes from its requester, bound to the
 * caller, whose id it is (`refuseAnotherRequestersId`): only a stop by somebody else can refuse it.
 */
export async function assertMayRetry(
  runId: string,
  entries: StoredEntry[],
  caller: Caller,
  deps: { state: StateStore; catalog: Catalog },
  by: 'retry' | 'submission' = 'retry',
): Promise<void> {
  // Neither requester, owner nor steward is refused before the stop is read.
  if (by === 'retry') assertInControl(runId, entries, caller, deps.catalog, 'retry');
  const stop = recordedStop(entries) ?? (await stopRequestOf(runId, deps));
  if (by === 'submission' && !stop) return;
  const verdict = retryVerdict(runId, entries, caller.principal, deps.catalog, stop);
  if (verdict.may) return;
  throw new NotInControlError(
    by === 'retry'
      ? verdict.refusal
      : `${verdict.refusal}; submitting it again would run it again as a retry does, so it is refused too`,
  );
}
