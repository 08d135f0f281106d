import type { LedgerStore, StoredEntry } from '../../../../lambdas/ports/ledger-store.js';

export const ledgerName = 'main';

/** A LedgerStore that counts the entries each call hands back: what a request costs in reads. */
export class CountingLedger implements LedgerStore {
  entriesRead = 0;

  constructor(private readonly inner: LedgerStore) {}

  append: LedgerStore['append'] = (ledger, draft) => this.inner.append(ledger, draft);
  head: LedgerStore['head'] = (ledger) => this.inner.head(ledger);

  async read(ledger: string, fromSeq?: number, toSeq?: number): Promise<StoredEntry[]> {
    return this.counted(await this.inner.read(ledger, fromSeq, toSeq));
  }

  async forIntent(ledger: string, intentId: string): Promise<StoredEntry[]> {
    return this.counted(await this.inner.forIntent(ledger, intentId));
  }

  private counted(entries: StoredEntry[]): StoredEntry[] {
    this.entriesRead += entries.length;
    return entries;
  }
}

export interface ConcludedChange {
  id: string;
  /** Minutes after 2026-11-01T00:00:00Z at which it concludes. */
  at: number;
  /** `failed`: the execution failed, so a `stage.failed` entry ends it instead of `intent.concluded`. */
  outcome?: string;
  service?: string;
  tags?: Record<string, string>;
  valuePerHourUsd?: number;
  /** A value model naming employees and a growth model. */
  model?: { employeeCount?: number; growth: Record<string, unknown> };
  /** Rolled back: a release started, then a roll-back started and completed. */
  rolledBack?: boolean;
  /** The release's verdict, recorded on the conclusion when given. */
  releaseVerdict?: 'clean' | 'regressed' | 'not-judged';
}

const base = Date.parse('2026-11-01T00:00:00Z');
const at = (minutes: number) => new Date(base + minutes * 60_000).toISOString();

/**
 * The entries of changes as the pipeline records them for the value report, interleaved: every change is declared
 * (with its value model), released (and rolled back), and only then do they conclude, in the order given.
 */
export async function recordChanges(
  ledger: LedgerStore,
  changes: readonly ConcludedChange[],
  name = ledgerName,
): Promise<void> {
  const append = (id: string, type: string, minutes: number, payload: Record<string, unknown>) =>
    ledger.append(name, {
      intentId: id,
      type,
      idempotencyKey: `${id}/${type}`,
      timestamp: at(minutes),
      payload,
    });
  for (const change of changes) {
    const valueModel = change.model && {
      basis: 'labor-cost-avoided',
      totalValueUsd: 87_600,
      years: 1,
      ...change.model,
    };
    await append(change.id, 'intent.declared', change.at - 60, {
      intent: { title: change.id, goal: valueModel ? { valueModel } : {} },
    });
    await append(change.id, 'release.started', change.at - 40, { deploymentId: `d-${change.id}` });
    if (change.rolledBack) {
      await append(change.id, 'release.rollback-started', change.at - 30, { at: at(change.at - 31) });
      await append(change.id, 'release.rollback-completed', change.at - 20, { at: at(change.at - 21) });
    }
  }
  for (const change of changes) {
    // A failed execution records no conclusion: RecordFailure's `stage.failed` ends it, and the intent is sealed.
    if (change.outcome === 'failed') {
      await append(change.id, 'stage.failed', change.at, { error: 'Error', cause: 'boom', release: null });
      await append(change.id, 'checkpoint.signed', change.at, {});
      continue;
    }
    await append(change.id, 'intent.concluded', change.at, {
      outcome: change.outcome ?? (change.rolledBack ? 'rolled-back' : 'released'),
      service: change.service ?? 'launch-flags',
      kind: 'feature-flag',
      tier: 1,
      tags: change.tags ?? {},
      valuePerHourUsd: change.valuePerHourUsd ?? 10,
      costOfDelayUsd: 2,
      timeToValueSeconds: 3600,
      ...(change.releaseVerdict ? { releaseVerdict: change.releaseVerdict } : {}),
    });
  }
}
