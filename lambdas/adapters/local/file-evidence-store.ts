import { createHash, randomUUID } from 'node:crypto';
import { linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { bytesCopy } from '../../core/bytes.js';
import { EvidenceConflictError, EvidenceIntegrityError, EvidenceMissingError } from '../../core/errors.js';
import type { EvidenceStore } from '../../ports/evidence-store.js';
import { makePrivateFolder } from './private-folder.js';

/** Where the store keeps what: objects by digest, keys by name. Both folders sit under the store's root. */
export const OBJECTS_FOLDER = 'objects';
export const REFS_FOLDER = 'refs';

const DIGEST_REFERENCE = /^sha256:([0-9a-f]{64})\n?$/;

/**
 * What a write answers, and the ledger records, for a key: `itv-evidence:<key>`, the key in the home's evidence
 * store — as `s3://<bucket>/<key>` names it on AWS — never the folder's path on this machine (`/home/<user>/…`
 * would go into signed entries for good, and be wrong once the home moved).
 */
export const localUri = (key: string) => `itv-evidence:${key}`;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * Evidence on local disk, content-addressed and write-once like S3 Object Lock.
 *
 * Guarantees:
 * - An object's bytes are kept once under their SHA-256 (`objects/sha256/ab/cdef…`, read-only), and its key is a
 *   read-only file naming that digest (`refs/<key>`, `sha256:<hex>`). Every read hashes the object again: bytes
 *   changed after the write (`EvidenceIntegrityError`) or an object deleted from under its key
 *   (`EvidenceMissingError`) fail the read, naming the key — they are never served as evidence.
 * - A key keeps its first bytes: writing different bytes to it fails (`EvidenceConflictError`), the same bytes
 *   succeed, also between writers racing for one key (processes sharing an ITV_HOME). Each file is written
 *   whole to a temp file of its own, then hard-linked into place: `link` fails when the name exists (where
 *   `rename` would replace it), so the first writer wins and no reader sees part of a file. The object is in
 *   place before its key names it.
 * - `list` walks the keys, so a key whose object was deleted is still listed and its read says it is missing.
 *
 * What it cannot stop: the folder's owner deleting a key together with its object, or pointing a key at
 * another stored object (the ledger's audit catches both where a later signed record names them), or deleting
 * everything.
 *
 * A racing writer that loses a key leaves its object unnamed. Removing it is not safe: another key may have come
 * to name the same bytes meanwhile and would be left naming a missing object. It is harmless: no key serves it,
 * `list` never returns it, its name is its digest, and the race that makes one — a retried SignCheckpoint —
 * leaves a signed head of the same tree (or a manifest of the same statement) as the one kept
 * (test/integration/evidence/lost-write-race.test.ts).
 */
export class FileEvidenceStore implements EvidenceStore {
  /** Folders this store has made: a bundle's keys share one, and objects spread over 256. */
  private readonly folders = new Set<string>();

  /**
   * `beforeWrite` runs before every write and throws to refuse it: the home's owner checks there that the home is
   * still at `root`'s path, since folders made through a path its home has left would re-create it there.
   */
  constructor(
    readonly root: string,
    private readonly beforeWrite: () => void = () => {},
  ) {}

  /**
   * A new object costs two writes, two links and two unlinks. They are made synchronously: each is a small file
   * into the page cache (no fsync), and through the thread pool each cost five times the CPU (≈ 330 against
   * 60 µs for a write, a link and an unlink) on the one thread every stage runs on. The key is not probed
   * before its write (keys are mostly new, and `link` reports an existing name anyway); the object is.
   */
  async putObject(key: string, body: Uint8Array, _contentType: string): Promise<string> {
    const refPath = this.refPathOf(key);
    const digest = sha256(body);
    await this.keepObject(digest, body);
    const reference = `sha256:${digest}\n`;
    if (await this.linkNew(refPath, reference)) return this.uriOf(key);
    const existing = readFileSync(refPath, 'utf8');
    if (existing !== reference) {
      throw new EvidenceConflictError(
        `evidence object ${key} is write-once and already holds different bytes`,
      );
    }
    return this.uriOf(key);
  }

  uriOf(key: string): string {
    return localUri(key);
  }

  async getObject(key: string): Promise<Uint8Array | undefined> {
    // Never written (or a folder of keys, not a key): what S3 answers as NoSuchKey.
    const reference = readOrAbsent(this.refPathOf(key), 'utf8', ['ENOENT', 'EISDIR', 'ENOTDIR']);
    if (reference === undefined) return undefined;
    const digest = DIGEST_REFERENCE.exec(reference)?.[1];
    if (digest === undefined) {
      throw new EvidenceIntegrityError(
        `evidence object ${key} was tampered with: its key no longer names a SHA-256 digest`,
        { key },
      );
    }
    const body = readOrAbsent(this.objectPathOf(digest), undefined, ['ENOENT']);
    if (body === undefined) {
      throw new EvidenceMissingError(
        `evidence object ${key} (sha256:${digest}) is missing: it was written, and has since been deleted from the store`,
        { key },
      );
    }
    const actual = sha256(body);
    if (actual !== digest) {
      throw new EvidenceIntegrityError(
        `evidence object ${key} was changed after it was written: stored as sha256:${digest}, it now hashes to sha256:${actual}`,
        { key },
      );
    }
    return bytesCopy(body);
  }

  async list(prefix: string): Promise<string[]> {
    const refs = join(this.root, REFS_FOLDER);
    const base = this.refPathOf(prefix.endsWith('/') ? prefix : dirname(prefix));
    const found: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      for (const entry of entries) {
        const full = join(dir, entry.name);
        if (entry.isDirectory()) await walk(full);
        else if (!entry.name.endsWith('.tmp')) found.push(relative(refs, full).split(sep).join('/'));
      }
    };
    await walk(base);
    return found.filter((key) => key.startsWith(prefix)).sort();
  }

  /**
   * Keeps `body` under its digest; one already there must still hold those bytes. About one object in four is
   * already there (a bundle pins a checkpoint the ledger's run of checkpoints holds), so it is looked for first:
   * a failed open costs microseconds where writing the temp file to link costs a new file.
   */
  private async keepObject(digest: string, body: Uint8Array): Promise<void> {
    const path = this.objectPathOf(digest);
    const existing =
      readOrAbsent(path, undefined, ['ENOENT']) ??
      ((await this.linkNew(path, body)) ? undefined : readFileSync(path));
    if (existing !== undefined && sha256(existing) !== digest) {
      throw new EvidenceIntegrityError(
        `evidence object sha256:${digest} was changed after it was written (${path}): it now hashes to sha256:${sha256(existing)}`,
      );
    }
  }

  /** Writes `body` read-only at `path` unless something is there already: true when this call wrote it. */
  private async linkNew(path: string, body: Uint8Array | string): Promise<boolean> {
    this.beforeWrite();
    const folder = dirname(path);
    const temp = `${path}.${randomUUID()}.tmp`;
    if (!this.folders.has(folder)) {
      makePrivateFolder(folder);
      this.folders.add(folder);
    }
    try {
      writeFileSync(temp, body, { mode: 0o444 });
    } catch (error) {
      // The folder went away since it was made (another process cleared it): make it again, once.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      makePrivateFolder(folder);
      writeFileSync(temp, body, { mode: 0o444 });
    }
    try {
      linkSync(temp, path);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      return false;
    } finally {
      unlinkSync(temp);
    }
  }

  private objectPathOf(digest: string): string {
    return join(this.root, OBJECTS_FOLDER, 'sha256', digest.slice(0, 2), digest.slice(2));
  }

  private refPathOf(key: string): string {
    const refs = resolve(this.root, REFS_FOLDER);
    const path = resolve(refs, key);
    if (path !== refs && !path.startsWith(refs + sep))
      throw new Error(`evidence key ${key} escapes the evidence folder`);
    return path;
  }
}

/** The file's content, or undefined where reading it fails with one of `absent` (it is not there). */
function readOrAbsent(path: string, encoding: 'utf8', absent: readonly string[]): string | undefined;
function readOrAbsent(path: string, encoding: undefined, absent: readonly string[]): Buffer | undefined;
function readOrAbsent(
  path: string,
  encoding: 'utf8' | undefined,
  absent: readonly string[],
): string | Buffer | undefined {
  try {
    return encoding ? readFileSync(path, encoding) : readFileSync(path);
  } catch (error) {
    if (absent.includes((error as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw error;
  }
}
