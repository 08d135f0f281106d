import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyStoredBundles } from '../../../cli/commands/evidence.js';
import { FileEvidenceStore } from '../../../lambdas/adapters/local/file-evidence-store.js';
import { migrateLegacyEvidence } from '../../../lambdas/adapters/local/legacy-evidence-layout.js';
import { LocalSigner } from '../../../lambdas/adapters/local/local-signer.js';
import {
  EvidenceConflictError,
  EvidenceIntegrityError,
  EvidenceMissingError,
} from '../../../lambdas/core/errors.js';

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as Error,
  );

describe('FileEvidenceStore', () => {
  let root: string;
  let store: FileEvidenceStore;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'itv-evidence-test-'));
    store = new FileEvidenceStore(root);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  test('writes nothing, not even its folders, once the check before each write refuses (its home moved away)', async () => {
    // Prepare: the store's folder is gone (the home moved) and the check before a write says so.
    const home = join(root, 'home-that-moved');
    const guarded = new FileEvidenceStore(join(home, 'evidence'), () => {
      throw new Error('the home moved');
    });

    // Act
    const refused = await failure(guarded.putObject('bundles/b1/manifest.json', Buffer.from('{}'), 'json'));

    // Assess
    expect(refused?.message).toBe('the home moved');
    expect(existsSync(home)).toBe(false);
  });

  /** The object file a digest is kept in, and what its owner can do to a read-only file. */
  const objectFile = (digest: string) => join(root, 'objects', 'sha256', digest.slice(0, 2), digest.slice(2));
  const overwrite = (path: string, bytes: Buffer | string) => {
    chmodSync(path, 0o644);
    writeFileSync(path, bytes);
  };

  test('a folder removed after the store made it is made again on the next put', async () => {
    // Prepare
    await store.putObject('bundles/a/one.json', Buffer.from('1'), 'application/json');
    rmSync(join(root, 'refs', 'bundles'), { recursive: true, force: true });

    // Act
    await store.putObject('bundles/a/two.json', Buffer.from('2'), 'application/json');

    // Assess
    expect(Buffer.from((await store.getObject('bundles/a/two.json'))!).toString()).toBe('2');
    await expect(
      store.putObject('bundles/a/two.json', Buffer.from('3'), 'application/json'),
    ).rejects.toBeInstanceOf(EvidenceConflictError);
    expect(await store.list('bundles/')).toEqual(['bundles/a/two.json']);
  });

  test('the URI a write answers names the key in the store, not the folder it has on this machine', async () => {
    // Act
    const uri = await store.putObject('bundles/a/manifest.json', Buffer.from('x'), 'application/json');
    const again = await store.putObject('bundles/a/manifest.json', Buffer.from('x'), 'application/json');
    // Assess: it goes into signed ledger entries for good, where a home path (/home/<user>/…) would be personal.
    expect([uri, again]).toEqual([
      'itv-evidence:bundles/a/manifest.json',
      'itv-evidence:bundles/a/manifest.json',
    ]);
  });

  test('an object is kept once under its SHA-256, and its key names that digest', async () => {
    // Act
    await store.putObject('bundles/a/manifest.json', Buffer.from('same'), 'application/json');
    await store.putObject('bundles/b/manifest.json', Buffer.from('same'), 'application/json');

    // Assess
    const digest = sha256('same');
    expect(readFileSync(objectFile(digest), 'utf8')).toBe('same');
    expect(readFileSync(join(root, 'refs', 'bundles', 'a', 'manifest.json'), 'utf8')).toBe(
      `sha256:${digest}\n`,
    );
    expect(readFileSync(join(root, 'refs', 'bundles', 'b', 'manifest.json'), 'utf8')).toBe(
      `sha256:${digest}\n`,
    );
  });

  test("an object's bytes replaced with another's: the read fails naming the key", async () => {
    // Prepare
    await store.putObject('checkpoints/main/00000008.json', Buffer.from('{"size":8}'), 'application/json');
    await store.putObject('checkpoints/main/00000016.json', Buffer.from('{"size":16}'), 'application/json');
    overwrite(objectFile(sha256('{"size":16}')), '{"size":8}');

    // Act
    const error = await failure(store.getObject('checkpoints/main/00000016.json'));

    // Assess
    expect(error).toBeInstanceOf(EvidenceIntegrityError);
    expect(error?.name).toBe('EvidenceIntegrityError');
    expect(error?.message).toContain('evidence object checkpoints/main/00000016.json');
    expect(error?.message).toContain(sha256('{"size":16}'));
    expect(error?.message).toContain(sha256('{"size":8}'));
    // The untouched one still reads.
    expect(Buffer.from((await store.getObject('checkpoints/main/00000008.json'))!).toString()).toBe(
      '{"size":8}',
    );
  });

  test('an object edited in place (one byte) fails every read, and a put of its first bytes too', async () => {
    // Prepare
    await store.putObject('bundles/x/log.json', Buffer.from('{"ok":true}'), 'application/json');
    overwrite(objectFile(sha256('{"ok":true}')), '{"ok":fals}');

    // Act
    const read = await failure(store.getObject('bundles/x/log.json'));
    const put = await failure(
      store.putObject('bundles/y/log.json', Buffer.from('{"ok":true}'), 'text/plain'),
    );

    // Assess
    expect(read).toBeInstanceOf(EvidenceIntegrityError);
    expect(put).toBeInstanceOf(EvidenceIntegrityError);
  });

  test('a deleted object is reported missing: its key stays listed, its read names it', async () => {
    // Prepare
    await store.putObject('bundles/a/manifest.json', Buffer.from('m'), 'application/json');
    await store.putObject('bundles/a/intent.json', Buffer.from('i'), 'application/json');
    unlinkSync(objectFile(sha256('m')));

    // Act
    const listed = await store.list('bundles/a/');
    const error = await failure(store.getObject('bundles/a/manifest.json'));

    // Assess
    expect(listed).toEqual(['bundles/a/intent.json', 'bundles/a/manifest.json']);
    expect(error).toBeInstanceOf(EvidenceMissingError);
    expect(error).toBeInstanceOf(EvidenceIntegrityError);
    expect(error?.message).toContain('evidence object bundles/a/manifest.json');
    expect(error?.message).toContain('missing');
  });

  test('a key pointing at no digest (an edited reference) fails the read naming the key', async () => {
    // Prepare
    await store.putObject('bundles/a/manifest.json', Buffer.from('m'), 'application/json');
    overwrite(join(root, 'refs', 'bundles', 'a', 'manifest.json'), 'whatever');

    // Act
    const error = await failure(store.getObject('bundles/a/manifest.json'));

    // Assess
    expect(error).toBeInstanceOf(EvidenceIntegrityError);
    expect(error?.message).toContain('evidence object bundles/a/manifest.json');
  });

  test("the demo's verification of stored bundles names a damaged object instead of failing whole", async () => {
    // Prepare
    await store.putObject('bundles/int-a/manifest.intoto.json', Buffer.from('{}'), 'application/json');
    unlinkSync(objectFile(sha256('{}')));

    // Act
    const key = await LocalSigner.inMemory().publicKeySpkiDer();
    const verified = await verifyStoredBundles(store, ['int-a'], key);

    // Assess
    expect(verified).toMatchObject({ verified: 0, total: 1 });
    expect(verified.failures[0]?.detail).toContain('evidence object bundles/int-a/manifest.intoto.json');
  });

  test('a key that was never written reads as undefined, as S3 answers NoSuchKey', async () => {
    expect(await store.getObject('bundles/none/manifest.json')).toBeUndefined();
  });
});

describe('migrateLegacyEvidence (a home from the layout that kept each key as a file)', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'itv-evidence-legacy-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const legacy = (key: string, text: string) => {
    const path = join(root, key);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text, { mode: 0o444 });
  };

  test('moves every file into the content-addressed layout, once, and reads them back', async () => {
    // Prepare
    legacy('bundles/int-1/manifest.json', '{"m":1}');
    legacy('bundles/int-1/ledger/entries.jsonl', 'line\n');
    legacy('checkpoints/main/00000008.json', '{"size":8}');
    legacy('bundles/int-1/left.json.1234.tmp', 'partial');

    // Act
    const first = await migrateLegacyEvidence(root);
    const second = await migrateLegacyEvidence(root);

    // Assess
    expect(first).toBe(3);
    expect(second).toBe(0);
    const store = new FileEvidenceStore(root);
    expect(await store.list('')).toEqual([
      'bundles/int-1/ledger/entries.jsonl',
      'bundles/int-1/manifest.json',
      'checkpoints/main/00000008.json',
    ]);
    expect(Buffer.from((await store.getObject('checkpoints/main/00000008.json'))!).toString()).toBe(
      '{"size":8}',
    );
    expect(existsSync(join(root, 'bundles'))).toBe(false);
    expect(existsSync(join(root, 'checkpoints'))).toBe(false);
  });

  test('a legacy file whose key the new layout already holds with other bytes is refused, naming it', async () => {
    // Prepare
    const store = new FileEvidenceStore(root);
    await store.putObject('checkpoints/main/00000008.json', Buffer.from('{"size":8}'), 'application/json');
    legacy('checkpoints/main/00000008.json', '{"size":9}');

    // Act
    const error = await failure(migrateLegacyEvidence(root));

    // Assess
    expect(error).toBeInstanceOf(EvidenceConflictError);
    expect(error?.message).toContain('checkpoints/main/00000008.json');
  });

  test('an empty or new folder needs nothing', async () => {
    expect(await migrateLegacyEvidence(join(root, 'not-yet'))).toBe(0);
  });
});
