/**
 * Payload objects kept by their SHA-256 (`payloads/sha256/<hex>`): the evidence bucket on AWS, the home's
 * content-addressed store locally. Write-once: a digest names one content forever. The store does not vouch
 * for what it returns; readers hash it again (`core/pipeline/payloads.ts`).
 */
export interface PayloadStore {
  /** Stores `bytes` under `sha256`, which the caller computed; writing the same bytes again is a no-op. */
  put(sha256: string, bytes: Uint8Array): Promise<void>;
  /** The bytes stored under `sha256`, or undefined when there are none. */
  get(sha256: string): Promise<Uint8Array | undefined>;
}
