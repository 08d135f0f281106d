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
 * The bundle's files from what the store holds under its prefix (flat name → bytes): the archive's files and
 * the objects beside it, the archive itself left out. An object beside the archive that the archive also holds
 * (the pinned checkpoint) must hold the same bytes. Throws EvidenceIntegrityError naming the archive's key when
 * it is not a bundle archive or disagrees with what is beside it.
 */
export function bundleFilesOf(
  intentId: string,
  stored: ReadonlyMap<string, Uint8Array>,
): Map<string, Uint8Array> {
  const archive = stored.get(ARCHIVE_FILE);
  if (archive === undefined) return new Map(stored);
  const key = bundleKey(intentId, ARCHIVE_FILE);
  let files: Map<string, Uint8Array>;
  try {
    files = readUstar(archive);
  } catch (error) {
    throw new EvidenceIntegrityError(
      `evidence object ${key} is not a bundle archive: ${(error as Error).message}`,
      { key },
    );
  }
  for (const name of [ARCHIVE_FILE, MANIFEST_FILE]) {
    if (files.has(name))
      throw new EvidenceIntegrityError(
        `evidence object ${key} holds ${name}, which a bundle archive never does`,
        { key },
      );
  }
  for (const [name, bytes] of stored) {
    if (name === ARCHIVE_FILE) continue;
    const archived = files.get(name);
    if (archived !== undefined && Buffer.compare(Buffer.from(archived), Buffer.from(bytes)) !== 0) {
      throw new EvidenceIntegrityError(
        `evidence object ${bundleKey(intentId, name)} is not the ${name} that ${key} holds`,
        { key: bundleKey(intentId, name) },
      );
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
  return bundleFilesOf(intentId, stored);
}
