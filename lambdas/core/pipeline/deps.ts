import type { Clock, IdSource } from '../../ports/clock.js';
import type { EvidenceStore } from '../../ports/evidence-store.js';
import type { LaneWake } from '../../ports/lane-wake.js';
import type { LedgerEntryDraft, LedgerStore, StoredEntry } from '../../ports/ledger-store.js';
import type { PayloadStore } from '../../ports/payload-store.js';
import type { Releaser, Telemetry } from '../../ports/releaser.js';
import type { Signer } from '../../ports/signer.js';
import type { StateStore } from '../../ports/state-store.js';
import type { Catalog } from '../catalog-schema.js';
import type { LedgerPayload } from '../ledger/entry-payloads.js';
import type { LedgerEntryType } from '../ledger/entry-types.js';
import type { PolicySet } from '../policy/types.js';

/** Everything a stage may touch, chosen by a composition root (AWS or local). */
export interface PipelineDeps {
  ledgerName: string;
  ledger: LedgerStore;
  state: StateStore;
  catalog: Catalog;
  /** The policy set admission, verification and release evaluate, and who must review what. */
  policies: PolicySet;
  clock: Clock;
  ids: IdSource;
  /** Present only where the role may sign (FormDecision and SignCheckpoint). */
  signer?: Signer;
  /** Verifies signatures; every stage may read the public key. */
  publicKey: () => Promise<Uint8Array>;
  releaser: Releaser;
  telemetry: Telemetry;
  evidence: EvidenceStore;
  /** Payloads by reference, read by the stages that validate, judge or release the content. */
  payloads: PayloadStore;
  /**
   * Resumes executions parked on a task token (their lane, due instant or check results): Step Functions'
   * SendTaskSuccess on AWS, for the functions that wake them (the parks themselves, Learn, RecordFailure, the
   * check report route). Absent locally in the stages, where the in-process runner wakes its parks itself.
   */
  laneWake?: LaneWake;
}

/**
 * Appends one ledger entry for an intent; retries with the same step name append it exactly once. The payload
 * is the one `ledgerPayloads` declares for the type (`core/ledger/entry-payloads.ts`), checked when compiled.
 */
export function record<T extends LedgerEntryType>(
  deps: Pick<PipelineDeps, 'ledger' | 'ledgerName' | 'clock'>,
  intentId: string,
  type: T,
  payload: LedgerPayload<T>,
  step: string = type,
): Promise<StoredEntry> {
  const draft: LedgerEntryDraft = {
    intentId,
    type,
    idempotencyKey: `${intentId}/${step}`,
    timestamp: deps.clock.now().toISOString(),
    payload,
  };
  return deps.ledger.append(deps.ledgerName, draft);
}
