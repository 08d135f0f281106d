import { chainEntry } from '../../../lambdas/core/ledger/index.js';
import type { LedgerEntryDraft, StoredEntry } from '../../../lambdas/ports/ledger-store.js';

export function draftAt(i: number): LedgerEntryDraft {
  return {
    intentId: `intent-${i % 3}`,
    type: 'intent.declared',
    idempotencyKey: `step-${i}`,
    timestamp: `2026-11-01T10:00:${String(i % 60).padStart(2, '0')}.000Z`,
    payload: { step: i, note: 'déjà vu €' },
  };
}

/** A valid chain of `size` entries on `ledger`. */
export function buildChain(size: number, ledger = 'main'): StoredEntry[] {
  const chain: StoredEntry[] = [];
  for (let i = 0; i < size; i += 1) chain.push(chainEntry(ledger, draftAt(i), chain[i - 1]));
  return chain;
}
