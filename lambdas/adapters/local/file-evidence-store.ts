import { randomUUID } from 'node:crypto';
import { link, mkdir, readdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EvidenceConflictError } from '../../core/errors.js';
import type { EvidenceStore } from '../../ports/evidence-store.js';

/**
 * Evidence on local disk, write-once like S3 Object Lock: writing different bytes to an existing key fails,
 * the same bytes succeed, also between writers racing for one key (processes sharing an ITV_HOME). An object
 * is written whole to a read-only temp file of its own, then hard-linked to its key: `link` fails when the key
 * exists (where `rename` would replace it), so the first writer wins and no reader sees part of an object.
 */
export class FileEvidenceStore implements EvidenceStore {
  /** Folders this store has made: a bundle's files share one, and a checkpoint's objects another. */
  private readonly folders = new Set<string>();

  constructor(private readonly root: string) {}

  /**
   * No probe before the write: most objects are new, and `link` reports an existing key anyway (then the bytes
   * are compared), so a new object costs a write, a link and an unlink.
   */
  async putObject(key: string, body: Uint8Array, _contentType: string): Promise<string> {
    const path = this.pathOf(key);
    const folder = dirname(path);
    const temp = `${path}.${randomUUID()}.tmp`;
    if (!this.folders.has(folder)) {
      await mkdir(folder, { recursive: true });
      this.folders.add(folder);
    }
    try {
      await writeFile(temp, body, { mode: 0o444 });
    } catch (error) {
      // The folder went away since it was made (another process cleared it): make it again, once.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      await mkdir(folder, { recursive: true });
      await writeFile(temp, body, { mode: 0o444 });
    }
    try {
      await link(temp, path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      return this.sameOrConflict(key, path, await readFile(path), body);
    } finally {
      await unlink(temp);
    }
    return pathToFileURL(path).href;
  }

  private sameOrConflict(key: string, path: string, existing: Buffer, body: Uint8Array): string {
    if (Buffer.compare(existing, Buffer.from(body)) !== 0) {
      throw new EvidenceConflictError(
        `evidence object ${key} is write-once and already holds different bytes`,
      );
    }
    return pathToFileURL(path).href;
  }

  async getObject(key: string): Promise<Uint8Array | undefined> {
    const data = await readFile(this.pathOf(key)).catch(() => undefined);
    return data ? new Uint8Array(data) : undefined;
  }

  async list(prefix: string): Promise<string[]> {
    const base = this.pathOf(prefix.endsWith('/') ? prefix : dirname(prefix));
    const found: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      for (const entry of entries) {
        const full = join(dir, entry.name);
        if (entry.isDirectory()) await walk(full);
        else if (!entry.name.endsWith('.tmp')) found.push(relative(this.root, full).split(sep).join('/'));
      }
    };
    await walk(base);
    return found.filter((key) => key.startsWith(prefix)).sort();
  }

  private pathOf(key: string): string {
    const path = resolve(this.root, key);
    if (!path.startsWith(resolve(this.root)))
      throw new Error(`evidence key ${key} escapes the evidence folder`);
    return path;
  }
}
