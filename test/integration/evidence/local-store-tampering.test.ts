import { chmodSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileEvidenceStore } from '../../../lambdas/adapters/local/file-evidence-store.js';
import { auditStores } from '../../../lambdas/core/evidence/audit-stores.js';
import { checkpointPrefix } from '../../../lambdas/core/evidence/checkpoint-object.js';
import { signCheckpoint } from '../../../lambdas/core/pipeline/checkpoint.js';
import { appendFiller } from '../../unit/pipeline/helpers/filler-entry.js';
import { type Harness, pipelineHarness } from '../../unit/pipeline/helpers/pipeline-harness.js';

/**
 * The local write-once store is a folder its owner can write: what an owner who edits it by hand can and cannot
 * slip past `itv ledger verify` (auditStores, the audit the API's client runs on the same objects).
 */
describe('tampering with the local evidence folder', () => {
  let root: string;
  let h: Harness;
  let keys: string[];

  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'itv-local-store-'));
    h = pipelineHarness();
    h.deps.evidence = new FileEvidenceStore(root);
    for (let i = 0; i < 6; i++) {
      for (const type of ['intent.declared', 'admission.admitted', 'intent.concluded']) {
        h.clock.advance(1000);
        await appendFiller(h.deps, `int-${i}`, type, { i });
      }
      await signCheckpoint(`int-${i}`, h.deps, { interval: 8 });
    }
    keys = await h.deps.evidence.list(checkpointPrefix(h.deps.ledgerName));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const audit = async () =>
    auditStores({
      ledger: h.ledger,
      evidence: h.deps.evidence,
      ledgerName: h.deps.ledgerName,
      publicKeySpkiDer: await h.deps.publicKey(),
    });
  /** The file holding a key's reference (its digest) and the object file that digest names. */
  const refOf = (key: string) => join(root, 'refs', key);
  const objectOf = (key: string) => {
    const digest = readFileSync(refOf(key), 'utf8')
      .trim()
      .replace(/^sha256:/, '');
    return join(root, 'objects', 'sha256', digest.slice(0, 2), digest.slice(2));
  };
  /** What an owner can do to a read-only file in a folder they own. */
  const overwrite = (path: string, bytes: Buffer) => {
    chmodSync(path, 0o644);
    writeFileSync(path, bytes);
  };

  test('the honest folder verifies, every entry covered', async () => {
    expect(await audit()).toMatchObject({ ok: true, trailing: 0, checkpoints: keys.length });
  });

  test.each([
    ['a middle checkpoint object', 3],
    ['the newest checkpoint object', -1],
  ])(
    "%s's bytes replaced with another's: not one checkpoint silently dropped, the key named",
    async (_name, index) => {
      // Prepare
      const target = keys.at(index)!;
      const other = keys.at(index - 1)!;
      overwrite(objectOf(target), readFileSync(objectOf(other)));
      // Act
      const result = await audit();
      // Assess
      expect(result).toMatchObject({ ok: false, fault: 'evidence-damaged' });
      expect((result as { reason: string }).reason).toContain(`evidence object ${target}`);
    },
  );

  test.each([
    ['a middle checkpoint key', 3],
    ['the newest checkpoint key', -1],
  ])("%s pointed at another's object is named as replaced", async (_name, index) => {
    // Prepare: the reference edited, which the store cannot tell from a write; the key names the size.
    const target = keys.at(index)!;
    const other = keys.at(index - 1)!;
    overwrite(refOf(target), readFileSync(refOf(other)));
    // Act
    const result = await audit();
    // Assess
    expect(result).toMatchObject({ ok: false, fault: 'checkpoint-mismatch' });
    expect((result as { reason: string }).reason).toContain(
      `evidence object ${target} holds the checkpoint of`,
    );
  });

  test.each([
    ['a middle checkpoint object', 3],
    ['the newest checkpoint object', -1],
  ])('%s deleted is reported missing by its key', async (_name, index) => {
    const target = keys.at(index)!;
    unlinkSync(objectOf(target));
    const result = await audit();
    expect(result).toMatchObject({ ok: false, fault: 'evidence-damaged' });
    expect((result as { reason: string }).reason).toContain(`evidence object ${target}`);
    expect((result as { reason: string }).reason).toContain('missing');
  });

  test('a middle checkpoint deleted whole (key and object) is named by its successor', async () => {
    unlinkSync(objectOf(keys[3]!));
    unlinkSync(refOf(keys[3]!));
    const result = await audit();
    expect(result).toMatchObject({ ok: false, fault: 'missing-checkpoint' });
  });

  test('the newest checkpoint deleted whole (key and object) leaves the last entry trailing', async () => {
    // What content addressing cannot stop: the owner deletes what was written last, key and object.
    unlinkSync(objectOf(keys.at(-1)!));
    unlinkSync(refOf(keys.at(-1)!));
    const result = await audit();
    expect(result).toMatchObject({ ok: true, trailing: 1 });
  });
});
