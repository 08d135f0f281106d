import { readdir, readFile, rmdir, unlink } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { EvidenceConflictError } from '../../core/errors.js';
import { FileEvidenceStore, OBJECTS_FOLDER, REFS_FOLDER } from './file-evidence-store.js';

/**
 * Moves a home's evidence from the earlier layout — each key a read-only file at its own path
 * (`bundles/<id>/…`, `checkpoints/<ledger>/…`) — into the content-addressed one, and returns how many objects
 * it moved. Idempotent and safe to interrupt: each file is stored (a no-op if it already is) before it is
 * removed. A legacy file is adopted with the bytes it holds now, which the earlier layout could not vouch
 * for; the ledger's audit still checks them. A key the new layout already holds with other bytes stops the
 * move with `EvidenceConflictError` naming it, rather than choosing one.
 */
export async function migrateLegacyEvidence(root: string): Promise<number> {
  const top = await readdir(root, { withFileTypes: true }).catch(() => []);
  const legacy = top.filter(
    (entry) => entry.isDirectory() && entry.name !== OBJECTS_FOLDER && entry.name !== REFS_FOLDER,
  );
  if (legacy.length === 0) return 0;
  const store = new FileEvidenceStore(root);
  let moved = 0;
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        await walk(path);
        continue;
      }
      // A temp file is a write a crashed writer never linked into place: no key ever named it.
      if (!entry.name.endsWith('.tmp')) {
        const key = relative(root, path).split(sep).join('/');
        try {
          await store.putObject(key, await readFile(path), 'application/octet-stream');
        } catch (error) {
          if (!(error instanceof EvidenceConflictError)) throw error;
          throw new EvidenceConflictError(
            `cannot move ${path} into the content-addressed evidence store: ${error.message}. Compare the two and remove the one that is not the evidence`,
            { cause: error },
          );
        }
        moved++;
      }
      await unlink(path);
    }
    await rmdir(dir);
  };
  for (const entry of legacy) await walk(join(root, entry.name));
  return moved;
}
