import { chainEntry } from '../../../../lambdas/core/ledger/entry.js';
import type { LedgerEntryDraft, LedgerStore, StoredEntry } from '../../../../lambdas/ports/ledger-store.js';

/** A LedgerStore in memory with the port's exactly-once-per-idempotency-key append. */
export class MemoryLedgerStore implements LedgerStore {
  private readonly entries = new Map<string, StoredEntry[]>();

  async append(ledger: string, draft: LedgerEntryDraft): Promise<StoredEntry> {
    const list = this.entries.get(ledger) ?? [];
    const existing = list.find((stored) => stored.entry.idempotencyKey === draft.idempotencyKey);
    if (existing) return structuredClone(existing);
    const stored = chainEntry(ledger, structuredClone(draft), list[list.length - 1]);
    list.push(stored);
    this.entries.set(ledger, list);
    return structuredClone(stored);
  }

  async read(ledger: string, fromSeq = 0, toSeq?: number): Promise<StoredEntry[]> {
    const list = this.entries.get(ledger) ?? [];
    return structuredClone(list.slice(fromSeq, toSeq ?? list.length));
  }

  async head(ledger: string): Promise<StoredEntry | undefined> {
    const list = this.entries.get(ledger) ?? [];
    return structuredClone(list[list.length - 1]);
  }

  async forIntent(ledger: string, intentId: string): Promise<StoredEntry[]> {
    return structuredClone((this.entries.get(ledger) ?? []).filter((s) => s.entry.intentId === intentId));
  }
}
