import { payloadKey } from '../core/intake/payload-ref.js';
import type { EvidenceStore } from '../ports/evidence-store.js';
import type { PayloadStore } from '../ports/payload-store.js';

/**
 * Payloads kept in the write-once evidence store under `payloads/sha256/<hex>`: the evidence bucket (Object
 * Lock) on AWS, the home's content-addressed files locally, memory in tests. Write-once suits content
 * addressing: a digest names one content, so writing it again writes nothing, and the payload a decision
 * released stays beside the evidence of that decision.
 */
export class EvidencePayloadStore implements PayloadStore {
  constructor(private readonly evidence: EvidenceStore) {}

  async put(sha256: string, bytes: Uint8Array): Promise<void> {
    await this.evidence.putObject(payloadKey(sha256), bytes, 'application/json');
  }

  get(sha256: string): Promise<Uint8Array | undefined> {
    return this.evidence.getObject(payloadKey(sha256));
  }
}
