import type { PipelineDeps } from '../../lambdas/core/pipeline/deps.js';
import type { LedgerEntryDraft } from '../../lambdas/ports/ledger-store.js';

/** The ledger's device as a test fills and frees it. */
export interface DiskSwitch {
  /** Whether the disk is full now. */
  readonly full: boolean;
  /** Frees the disk: appends succeed again. */
  free(): void;
}

/**
 * `deps` with a ledger whose disk fills as the entry `fillsAt` is appended: that append and every one after it
 * fail with ENOSPC, as a home on a full file system does, until `free` is called.
 */
export function ledgerOutOfSpace(
  deps: PipelineDeps,
  fillsAt: string,
): { deps: PipelineDeps; disk: DiskSwitch } {
  const ledger = deps.ledger;
  let full = false;
  const disk: DiskSwitch = {
    get full() {
      return full;
    },
    free: () => {
      full = false;
    },
  };
  return {
    disk,
    deps: {
      ...deps,
      ledger: {
        ...ledger,
        read: ledger.read.bind(ledger),
        head: ledger.head.bind(ledger),
        forIntent: ledger.forIntent.bind(ledger),
        append: async (name: string, draft: LedgerEntryDraft) => {
          if (draft.type === fillsAt) full = true;
          if (full) {
            throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
          }
          return ledger.append(name, draft);
        },
      } as PipelineDeps['ledger'],
    },
  };
}
