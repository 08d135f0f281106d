/** Write-once store for evidence bundles and checkpoints: S3 with Object Lock on AWS, read-only files locally. */
export interface EvidenceStore {
  /** Writes the object once; a second write of different bytes under the same key throws. Returns its URI. */
  putObject(key: string, body: Uint8Array, contentType: string): Promise<string>;
  getObject(key: string): Promise<Uint8Array | undefined>;
  list(prefix: string): Promise<string[]>;
}
