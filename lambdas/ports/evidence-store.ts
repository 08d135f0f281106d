/** Write-once store for evidence bundles and checkpoints: S3 with Object Lock on AWS, read-only files locally. */
export interface EvidenceStore {
  /** Writes the object once; a second write of different bytes under the same key throws. Returns its URI. */
  putObject(key: string, body: Uint8Array, contentType: string): Promise<string>;
  getObject(key: string): Promise<Uint8Array | undefined>;
  /** The URI `putObject` answers for `key`, without writing: for an object already read back. */
  uriOf(key: string): string;
  list(prefix: string): Promise<string[]>;
}
