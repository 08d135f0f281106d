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
  const fileOf = (key: string) => join(root, key);
  /** What an owner can do to a read-only file in a folder they own. */
  const overwrite = (key: string, bytes: Buffer) => {
    chmodSync(fileOf(key), 0o644);
    writeFileSync(fileOf(key), bytes);
  };

  test('the honest folder verifies, every entry covered', async () => {
    expect(await audit()).toMatchObject({ ok: true, trailing: 0, checkpoints: keys.length });
  });

  test.each([
    ['a middle checkpoint object', 3],
    ['the newest checkpoint object', -1],
  ])("%s replaced with another's bytes is named as replaced", async (_name, index) => {
    // Prepare
    const target = keys.at(index)!;
    const other = keys.at(index - 1)!;
    overwrite(target, readFileSync(fileOf(other)));
    // Act
    const result = await audit();
    // Assess
    expect(result).toMatchObject({ ok: false, fault: 'checkpoint-mismatch' });
    expect((result as { reason: string }).reason).toContain(
      `evidence object ${target} holds the checkpoint of`,
    );
  });

  test('a deleted middle checkpoint object is named by its successor', async () => {
    unlinkSync(fileOf(keys[3]!));
    const result = await audit();
    expect(result).toMatchObject({ ok: false, fault: 'missing-checkpoint' });
  });

  test('the newest checkpoint object deleted leaves the last entry trailing', async () => {
    unlinkSync(fileOf(keys.at(-1)!));
    const result = await audit();
    expect(result).toMatchObject({ ok: true, trailing: 1 });
  });
});
