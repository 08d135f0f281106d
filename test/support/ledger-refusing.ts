import type { PipelineDeps } from '../../lambdas/core/pipeline/deps.js';
import type { LedgerEntryDraft } from '../../lambdas/ports/ledger-store.js';

/** `deps` with a ledger that refuses one entry type: the stage that writes it fails, not retried. */
export function ledgerRefusing(deps: PipelineDeps, type: string): PipelineDeps {
  const ledger = deps.ledger;
  return {
    ...deps,
    ledger: {
      ...ledger,
      read: ledger.read.bind(ledger),
      head: ledger.head.bind(ledger),
      forIntent: ledger.forIntent.bind(ledger),
      append: async (name: string, draft: LedgerEntryDraft) => {
        if (draft.type === type) throw new Error(`ledger refused ${type}`);
        return ledger.append(name, draft);
      },
    } as PipelineDeps['ledger'],
  };
}
