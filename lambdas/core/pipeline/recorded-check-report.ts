import type { LedgerStore } from '../../ports/ledger-store.js';
import type { CheckReport } from '../check-report.js';
import { NotFoundError } from '../errors.js';
import { ledgerPayloads, payloadOf } from '../ledger/entry-payloads.js';

/**
 * The result reported for `check` of an intent, as its `check.reported` entry records it, and that entry's seq:
 * what `PUT /intents/{id}/checks/{name}` created, read back. A check's result is reported once, so the first entry
 * for it is the one. `NotFoundError` for an intent the ledger lacks (`path.id`), or a check nobody reported a
 * result for (`path.name`).
 *
 * @example await recordedCheckReport('int-1', 'unit-tests', deps) // { report: { status: 'passed', … }, seq: 7 }
 */
export async function recordedCheckReport(
  intentId: string,
  check: string,
  deps: { ledger: Pick<LedgerStore, 'forIntent'>; ledgerName: string },
): Promise<{ report: CheckReport; seq: number }> {
  const entries = await deps.ledger.forIntent(deps.ledgerName, intentId);
  if (entries.length === 0) throw new NotFoundError(`no intent ${intentId} on the ledger`);
  const schema = ledgerPayloads['check.reported'];
  const recorded = entries.find(
    (stored) => stored.entry.type === 'check.reported' && stored.entry.payload.check === check,
  );
  if (!recorded) {
    throw new NotFoundError(`no result was reported for check ${check} of intent ${intentId}`, 'path.name');
  }
  return { report: payloadOf(recorded.entry, schema), seq: recorded.entry.seq };
}
