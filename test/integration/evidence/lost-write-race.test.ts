import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileEvidenceStore } from '../../../lambdas/adapters/local/file-evidence-store.js';
import { VirtualClock } from '../../../lambdas/adapters/local/virtual-clock.js';
import { auditStores } from '../../../lambdas/core/evidence/audit-stores.js';
import { bundleKey, MANIFEST_FILE } from '../../../lambdas/core/evidence/bundle-layout.js';
import {
  checkpointObjectKey,
  openCheckpointObject,
} from '../../../lambdas/core/evidence/checkpoint-object.js';
import { signCheckpoint } from '../../../lambdas/core/pipeline/checkpoint.js';
import type { DsseEnvelope } from '../../../lambdas/core/signing/envelope.js';
import { IN_TOTO_PAYLOAD_TYPE } from '../../../lambdas/core/signing/payload-types.js';
import { verifyEnvelope } from '../../../lambdas/core/signing/verify-envelope.js';
import { fromAnotherProcess } from '../../support/another-process.js';
import { appendFiller } from '../../unit/pipeline/helpers/filler-entry.js';
import { type Harness, pipelineHarness } from '../../unit/pipeline/helpers/pipeline-harness.js';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );

/**
 * Two writers racing for one evidence key: a SignCheckpoint retried (Step Functions' Retry, or a redelivered
 * task) while its first attempt still runs, on the local store. Both sign the same head at their own instant,
 * so their checkpoint objects differ; the store keeps each object under its digest before its key names it,
 * so the loser leaves its object unnamed. Removing it is not safe — another key may have come to name the
 * same bytes meanwhile, and would then name a missing object — so it stays. What is left is harmless: it is
 * served under no key and listed by none, its name is its digest, and it is a signed head of the very tree the
 * kept one signs (or a manifest over the same statement), so even pointed at by hand it vouches for nothing
 * the ledger's audit would not. (Signed over another root, the race fails as LedgerIntegrityError instead.)
 * (On S3 the loser leaves nothing: a PutObject refused by `If-None-Match: *` stores no version.)
 */
describe('SignCheckpoint retried while its first attempt still runs, on the local store', () => {
  let root: string;
  let h: Harness;
  let store: FileEvidenceStore;
  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'itv-lost-race-'));
    h = pipelineHarness();
    store = new FileEvidenceStore(root);
    h.deps.evidence = store;
    for (let i = 0; i < 3; i++) {
      for (const type of ['intent.declared', 'admission.admitted', 'intent.concluded']) {
        h.clock.advance(1000);
        await appendFiller(h.deps, `int-${i}`, type, { i });
      }
      if (i < 2) await signCheckpoint(`int-${i}`, h.deps, { interval: 8 });
    }
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const audit = async () =>
    auditStores({
      ledger: h.ledger,
      evidence: store,
      ledgerName: h.deps.ledgerName,
      publicKeySpkiDer: await h.deps.publicKey(),
    });
  /** Object files no key names, by digest. */
  const unnamedObjects = () => {
    const named = new Set(
      filesUnder(join(root, 'refs')).map((path) => readFileSync(path, 'utf8').trim().replace('sha256:', '')),
    );
    return filesUnder(join(root, 'objects'))
      .map((path) => ({ path, body: readFileSync(path) }))
      .filter(({ path }) => !named.has(path.split('/').slice(-2).join('')));
  };

  async function race() {
    // The retry runs in another process (a second Lambda container), so the two race rather than take turns.
    const retry = {
      ...h.deps,
      state: fromAnotherProcess(h.deps.state),
      clock: new VirtualClock(new Date(h.clock.now().getTime() + 500)),
    };
    return Promise.allSettled([
      signCheckpoint('int-2', h.deps, { interval: 8 }),
      signCheckpoint('int-2', retry, { interval: 8 }),
    ]);
  }

  test('both attempts succeed and agree; the ledger and its checkpoints verify, every entry covered', async () => {
    // Act
    const outcomes = await race();

    // Assess
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled']);
    const [first, second] = outcomes as Array<PromiseFulfilledResult<unknown>>;
    expect(second!.value).toEqual(first!.value);
    expect(await audit()).toMatchObject({ ok: true, size: 12, trailing: 0 });
  });

  test("the loser's objects are left unnamed, each named by its digest and signing what the kept one signs", async () => {
    // Act
    await race();

    // Assess
    const orphans = unnamedObjects();
    expect(orphans.length).toBeGreaterThanOrEqual(1);
    const publicKey = await h.deps.publicKey();
    for (const { path, body } of orphans) {
      expect(path.split('/').slice(-2).join('')).toBe(sha256(body));
      const value = JSON.parse(body.toString('utf8'));
      if ('checkpoint' in value) {
        // A signed head: the same ledger, size and root as the checkpoint object its size's key names.
        const opened = openCheckpointObject(value, publicKey);
        if (!opened.ok) throw new Error(`the unnamed object does not open: ${opened.reason}`);
        const { ledger, size, rootHash } = opened.signed.checkpoint;
        const kept = openCheckpointObject(
          (await store.getObject(checkpointObjectKey(ledger, size)))!,
          publicKey,
        );
        expect(kept.ok && kept.signed.checkpoint).toMatchObject({ ledger, size, rootHash });
      } else {
        // A manifest signed by the other attempt: the same in-toto statement as the bundle's kept manifest.
        const kept = await store.getObject(bundleKey('int-2', MANIFEST_FILE));
        const payloadOf = (envelope: unknown) => {
          const verified = verifyEnvelope(envelope as DsseEnvelope, publicKey, {
            payloadType: IN_TOTO_PAYLOAD_TYPE,
          });
          if (!verified.ok) throw new Error(`the unnamed object does not verify: ${verified.reason}`);
          return Buffer.from(verified.payload).toString('utf8');
        };
        expect(payloadOf(value)).toBe(payloadOf(JSON.parse(Buffer.from(kept!).toString('utf8'))));
      }
    }
  });

  test('its key pointed at it by hand, the audit vouches for exactly what it vouched for before', async () => {
    // Prepare
    await race();
    const before = await audit();
    const orphan = unnamedObjects().find(({ body }) => 'checkpoint' in JSON.parse(body.toString('utf8')));
    const opened = openCheckpointObject(new Uint8Array(orphan!.body), await h.deps.publicKey());
    if (!opened.ok) throw new Error(opened.reason);
    const ref = join(root, 'refs', checkpointObjectKey(h.deps.ledgerName, opened.signed.checkpoint.size));
    chmodSync(ref, 0o644);
    writeFileSync(ref, `sha256:${sha256(orphan!.body)}\n`);

    // Act
    const after = await audit();

    // Assess
    expect(after).toEqual(before);
    expect(after).toMatchObject({ ok: true, anchored: 12, trailing: 0 });
  });
});
