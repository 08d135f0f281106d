import { EvidenceConflictError } from '../../../../lambdas/core/errors.js';
import { bundleFilesOf, storeLocation } from '../../../../lambdas/core/evidence/bundle-archive.js';
import type { EvidenceStore } from '../../../../lambdas/ports/evidence-store.js';

/** An evidence store in memory with the port's semantics (test/contract/evidence-store-contract.ts). */
export class WriteOnceEvidence implements EvidenceStore {
  readonly objects = new Map<string, Uint8Array>();
  puts = 0;
  /** Every write asked for, new or not. */
  writes = 0;

  async putObject(key: string, body: Uint8Array, _contentType?: string): Promise<string> {
    this.writes++;
    const existing = this.objects.get(key);
    if (existing && Buffer.compare(Buffer.from(existing), Buffer.from(body)) !== 0) {
      throw new EvidenceConflictError(
        `evidence object ${key} is write-once and already holds different bytes`,
      );
    }
    if (!existing) this.puts++;
    this.objects.set(key, new Uint8Array(body));
    return this.uriOf(key);
  }

  /** A copy, as a real store returns fresh bytes: a caller's edit must not reach what is stored. */
  async getObject(key: string): Promise<Uint8Array | undefined> {
    const body = this.objects.get(key);
    return body === undefined ? undefined : new Uint8Array(body);
  }

  uriOf(key: string): string {
    return `memory://${key}`;
  }

  async list(prefix: string): Promise<string[]> {
    return [...this.objects.keys()].filter((key) => key.startsWith(prefix)).sort();
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
