import { chmod, mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EvidenceConflictError } from '../../core/errors.js';
import type { EvidenceStore } from '../../ports/evidence-store.js';

/**
 * Evidence on local disk, write-once like S3 Object Lock: objects are written atomically (temp file +
 * rename) and made read-only; writing different bytes to an existing key fails, the same bytes succeed.
 */
export class FileEvidenceStore implements EvidenceStore {
  constructor(private readonly root: string) {}

  async putObject(key: string, body: Uint8Array, _contentType: string): Promise<string> {
    const path = this.pathOf(key);
    const existing = await readFile(path).catch(() => undefined);
    if (existing) {
      if (Buffer.compare(existing, Buffer.from(body)) !== 0) {
        throw new EvidenceConflictError(
          `evidence object ${key} is write-once and already holds different bytes`,
        );
      }
      return pathToFileURL(path).href;
    }
    await mkdir(dirname(path), { recursive: true });
    const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(temp, body, { mode: 0o444 });
    await rename(temp, path);
    await chmod(path, 0o444);
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
