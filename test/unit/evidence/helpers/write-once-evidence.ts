import { MemoryEvidenceStore } from '../../../../lambdas/adapters/local/memory-evidence-store.js';
import { bundleFilesOf, storeLocation } from '../../../../lambdas/core/evidence/bundle-archive.js';

/**
 * The in-memory evidence store (the port's semantics, test/contract/evidence-store-contract.ts), with what tests
 * look at: its objects, and how many writes it was asked for and made.
 */
export class WriteOnceEvidence extends MemoryEvidenceStore {
  declare readonly objects: Map<string, Uint8Array>;
  puts = 0;
  /** Every write asked for, new or not. */
  writes = 0;

  override async putObject(
    key: string,
    body: Uint8Array,
    contentType = 'application/octet-stream',
  ): Promise<string> {
    this.writes++;
    const isNew = !this.objects.has(key);
    const uri = await super.putObject(key, body, contentType);
    if (isNew) this.puts++;
    return uri;
  }

  override uriOf(key: string): string {
    return `memory://${key}`;
  }

  /** The files of one bundle, by name, its archive unpacked. */
  bundle(intentId: string): Map<string, Uint8Array> {
    return bundleFilesOf(this.stored(intentId), storeLocation(intentId));
  }

  /** The objects of one bundle as stored, by name. */
  stored(intentId: string): Map<string, Uint8Array> {
    const prefix = `bundles/${intentId}/`;
    return new Map(
      [...this.objects]
        .filter(([key]) => key.startsWith(prefix))
        .map(([key, body]) => [key.slice(prefix.length), body]),
    );
  }
}
