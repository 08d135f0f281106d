import type { EvidenceStore } from '../../ports/evidence-store.js';
import { EvidenceIntegrityError } from '../errors.js';
import { ARCHIVE_FILE, bundleKey, bundlePrefix, MANIFEST_FILE } from './bundle-layout.js';
import type { EvidenceFile } from './evidence-files.js';
import { readUstar, ustarArchive } from './ustar.js';

/**
 * Every archived file's date: the epoch, as reproducible archives use. The checkpoint's time would be the same on
 * a retry too, but on the local virtual clock it can lie ahead of the wall clock, and `tar -x` then warns of
 * every file; the checkpoint inside says when the bundle was sealed.
 */
const ARCHIVED_AT = new Date(0);

/**
 * A bundle is stored as few objects: `bundle.tar`, a ustar archive of every file but the manifest (so a retry,
 * which signs a new manifest, rewrites the archive byte for byte), beside `manifest.intoto.json` and the
 * `checkpoint.json` pinned before sealing. The files, the statement and the manifest are what they were when
 * each file was its own object; bundles written that way are still read as they are.
 */
export function bundleArchive(files: readonly EvidenceFile[]): Uint8Array {
  return ustarArchive(new Map(files.map((file) => [file.name, file.body])), ARCHIVED_AT);
}

/**
 * Where a bundle's stored files are, as an error names them: `of(name)` is a file's store key (`inStore`) or its
 * path in a folder, where no store key applies.
 */
export interface BundleLocation {
  of(name: string): string;
  inStore: boolean;
}

/** A bundle in the evidence store: each file named by its key. */
export const storeLocation = (intentId: string): BundleLocation => ({
  of: (name) => bundleKey(intentId, name),
  inStore: true,
});

/**
 * The bundle's files from what the store holds under its prefix, or a folder holds (flat name → bytes): the
 * archive's files and the objects beside it, the archive itself left out. An object beside the archive that the
 * archive also holds (the pinned checkpoint) must hold the same bytes. Throws EvidenceIntegrityError naming the
 * archive as `where` says (a store's object by its key, a folder's file by its path) when it is not a bundle
 * archive or disagrees with what is beside it.
 */
export function bundleFilesOf(
  stored: ReadonlyMap<string, Uint8Array>,
  where: BundleLocation,
): Map<string, Uint8Array> {
  const archive = stored.get(ARCHIVE_FILE);
  if (archive === undefined) return new Map(stored);
  const refuse = (message: string, name: string) =>
    new EvidenceIntegrityError(message, where.inStore ? { key: where.of(name) } : {});
  const subject = (name: string) => (where.inStore ? `evidence object ${where.of(name)}` : where.of(name));
  let files: Map<string, Uint8Array>;
  try {
    files = readUstar(archive);
  } catch (error) {
    throw refuse(
      `${subject(ARCHIVE_FILE)} is not a bundle archive: ${(error as Error).message}`,
      ARCHIVE_FILE,
    );
  }
  for (const name of [ARCHIVE_FILE, MANIFEST_FILE]) {
    if (files.has(name))
      throw refuse(`${subject(ARCHIVE_FILE)} holds ${name}, which a bundle archive never does`, ARCHIVE_FILE);
  }
  for (const [name, bytes] of stored) {
    if (name === ARCHIVE_FILE) continue;
    const archived = files.get(name);
    if (archived !== undefined && Buffer.compare(Buffer.from(archived), Buffer.from(bytes)) !== 0) {
      throw refuse(`${subject(name)} is not the ${name} that ${where.of(ARCHIVE_FILE)} holds`, name);
    }
    files.set(name, bytes);
  }
  return files;
}

/**
 * An intent's bundle as the evidence store holds it: file name → bytes (its archive unpacked), nothing if it holds
 * none. Throws EvidenceIntegrityError when an object cannot be served as written or the archive is not sound.
 */
export async function storedBundleFiles(
  evidence: EvidenceStore,
  intentId: string,
): Promise<Map<string, Uint8Array>> {
  const prefix = bundlePrefix(intentId);
  const stored = new Map<string, Uint8Array>();
  for (const key of await evidence.list(prefix)) {
    const name = key.slice(prefix.length);
    // A bundle is flat; anything in a subfolder is not one of its files.
    if (name.includes('/')) continue;
    const body = await evidence.getObject(key);
    if (body !== undefined) stored.set(name, body);
  }
  return bundleFilesOf(stored, storeLocation(intentId));
}
