import { posix } from 'node:path';
import { bytesCopy } from '../../core/bytes.js';
import { EvidenceConflictError } from '../../core/errors.js';
import type { EvidenceStore } from '../../ports/evidence-store.js';
import { localUri } from './file-evidence-store.js';

/**
 * Write-once evidence held in memory: the store of a stack whose tables are in memory too
 * (`openLocalStack({ inMemory: true })`: tests, the bench, `itv demo --in-memory`), so its evidence ends with it
 * as its ledger does. It answers as the home's files do (`FileEvidenceStore`): the same URIs, a second write of
 * other bytes refused, a key that would leave the evidence folder refused, and reads that hand back a copy.
 *
 * Why not files in a temporary folder, as before: they were deleted when the stack closed, so nobody could read
 * them afterwards, and making them cost the writing thread about a quarter of a core in the pipeline bench. On a
 * file system without a journal, ext4 scans past every inode freed in the last minutes before it hands out a new
 * one (`recently_deleted` in fs/ext4/ialloc.c), so after a run that deleted many files each new file took
 * milliseconds of kernel time.
 */
export class MemoryEvidenceStore implements EvidenceStore {
  protected readonly objects = new Map<string, Uint8Array>();

  async putObject(key: string, body: Uint8Array, _contentType: string): Promise<string> {
    checkKey(key);
    const existing = this.objects.get(key);
    if (existing === undefined) {
      this.objects.set(key, bytesCopy(body));
    } else if (Buffer.compare(existing, body) !== 0) {
      throw new EvidenceConflictError(
        `evidence object ${key} is write-once and already holds different bytes`,
      );
    }
    return this.uriOf(key);
  }

  async getObject(key: string): Promise<Uint8Array | undefined> {
    const body = this.objects.get(key);
    return body === undefined ? undefined : bytesCopy(body);
  }

  uriOf(key: string): string {
    return localUri(key);
  }

  async list(prefix: string): Promise<string[]> {
    return [...this.objects.keys()].filter((key) => key.startsWith(prefix)).sort();
  }
}

/** Refuses a key the home's files would refuse: one that resolves outside the evidence folder. */
function checkKey(key: string): void {
  const path = posix.resolve('/evidence', key);
  if (!path.startsWith('/evidence/')) throw new Error(`evidence key ${key} escapes the evidence folder`);
}
