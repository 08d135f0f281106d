import { jest } from '@jest/globals';
import { EvidenceConflictError, LedgerIntegrityError } from '../../../lambdas/core/errors.js';
import { auditStores } from '../../../lambdas/core/evidence/audit-stores.js';
import { checkpointObjectKey } from '../../../lambdas/core/evidence/checkpoint-object.js';
import { verifyBundle } from '../../../lambdas/core/evidence/verify-bundle.js';
import { canonicalBytes } from '../../../lambdas/core/ledger/index.js';
import { signCheckpoint, signPendingCheckpoints } from '../../../lambdas/core/pipeline/checkpoint.js';
import { declareIntent } from '../../../lambdas/core/pipeline/declare-intent.js';
import { learn } from '../../../lambdas/core/pipeline/learn.js';
import type { PipelineState } from '../../../lambdas/core/pipeline/state.js';
import { validateStructure } from '../../../lambdas/core/pipeline/validate-structure.js';
import { keyIdOf } from '../../../lambdas/core/signing/index.js';
import type { LedgerStore } from '../../../lambdas/ports/ledger-store.js';
import { submittedBy } from '../core/fixtures.js';
import { appendFiller } from '../pipeline/helpers/filler-entry.js';
import { intentAt, pipelineHarness, runIntent } from '../pipeline/helpers/pipeline-harness.js';
import { WriteOnceEvidence } from './helpers/write-once-evidence.js';

function harness() {
  const h = pipelineHarness();
  const evidence = new WriteOnceEvidence();
  const deps = { ...h.deps, evidence };
  return { ...h, deps, evidence };
}

type H = ReturnType<typeof harness>;

async function releasedIntent(h: H, title = 'Turn on dark mode'): Promise<string> {
  const state = await runIntent(
    { ...h, deps: h.deps },
    intentAt(h, (d) => Object.assign(d, { title })),
  );
  return state.declared!.intentId;
}

async function rejectedIntent(h: H): Promise<string> {
  let state: PipelineState = {
    intent: intentAt(h, (d) => Object.assign(d.change, { payload: { 'dark-mode': { enabled: 'yes' } } })),
    source: 'cli',
    caller: submittedBy({ authority: { requester: 'alice' } }),
  };
  state = { ...state, declared: await declareIntent(state, h.deps) };
  state = { ...state, structure: await validateStructure(state, h.deps) };
  state = { ...state, learning: await learn(state, h.deps) };
  return state.declared!.intentId;
}

describe('SignCheckpoint seals the evidence bundle', () => {
  test('a released intent: artifacts, proven entries, checkpoint and key, named by a signed in-toto statement', async () => {
    // Prepare
    const h = harness();
    const intentId = await releasedIntent(h);
    // Act
    const result = await signCheckpoint(intentId, h.deps);
    const verification = verifyBundle(h.evidence.bundle(intentId));
    // Assess
    expect(verification).toMatchObject({ ok: true, intentId, keyid: keyIdOf(await h.deps.publicKey()) });
    expect([...h.evidence.bundle(intentId).keys()].sort()).toEqual([
      'authority.json',
      'checkpoint.json',
      'decision.json',
      'intent.json',
      'ledger-entries.jsonl',
      'manifest.intoto.json',
      'observability-snapshot.json',
      'outcome.json',
      'policy-evaluation.json',
      'public-key.pem',
      'release-trace.json',
      'test-results.json',
    ]);
    const intentEntries = await h.ledger.forIntent('test', intentId);
    expect(result).toEqual({
      size: intentEntries.length - 1,
      rootHash: expect.any(String),
      seq: intentEntries.length - 1,
      sealedSize: intentEntries.length,
    });
    // The closing head covers the checkpoint.signed entry itself, and names the head that entry records.
    const closing = JSON.parse(
      Buffer.from(
        (await h.deps.evidence.getObject(checkpointObjectKey('test', result.sealedSize!)))!,
      ).toString(),
    );
    expect(closing.checkpoint.previous).toEqual({ size: result.size, checkpointSha256: expect.any(String) });
    const sealed = intentEntries.at(-1)!.entry;
    expect(sealed).toMatchObject({
      type: 'checkpoint.signed',
      payload: { uri: `memory://${checkpointObjectKey('test', result.size)}`, bundle: { files: 12 } },
    });
    const manifest = JSON.parse(
      Buffer.from(h.evidence.bundle(intentId).get('manifest.intoto.json')!).toString(),
    );
    const statement = JSON.parse(Buffer.from(manifest.payload, 'base64').toString());
    expect(statement).toMatchObject({
      _type: 'https://in-toto.io/Statement/v1',
      predicateType: 'https://itv.dev/attestations/evidence-bundle/v1',
      predicate: {
        intentId,
        outcome: 'released',
        checkpoint: { size: result.size, rootHash: result.rootHash },
      },
    });
    expect(statement.subject).toHaveLength(11);
  });

  test('a rejected intent gets a bundle too', async () => {
    const h = harness();
    const intentId = await rejectedIntent(h);
    await signCheckpoint(intentId, h.deps);
    const verification = verifyBundle(h.evidence.bundle(intentId));
    expect(verification.ok).toBe(true);
    const outcome = JSON.parse(Buffer.from(h.evidence.bundle(intentId).get('outcome.json')!).toString());
    expect(outcome.outcome).toBe('rejected-structure');
    expect(JSON.parse(Buffer.from(h.evidence.bundle(intentId).get('decision.json')!).toString())).toEqual([]);
  });

  test('a retried step writes nothing new, signs nothing new and appends once', async () => {
    // Prepare
    const h = harness();
    const intentId = await releasedIntent(h);
    const first = await signCheckpoint(intentId, h.deps);
    const puts = h.evidence.puts;
    const size = (await h.ledger.read('test')).length;
    const sign = jest.spyOn(h.deps.signer!, 'sign');
    // Act
    const second = await signCheckpoint(intentId, h.deps);
    // Assess
    expect(second).toEqual(first);
    expect(h.evidence.puts).toBe(puts);
    expect((await h.ledger.read('test')).length).toBe(size);
    expect(sign).not.toHaveBeenCalled();
  });

  test("a first attempt writes each evidence object once: the pinned head is the bundle's checkpoint file", async () => {
    // Prepare
    const h = harness();
    const intentId = await releasedIntent(h);
    const before = { writes: h.evidence.writes, puts: h.evidence.puts };
    // Act
    await signCheckpoint(intentId, h.deps);
    // Assess
    expect(h.evidence.writes - before.writes).toBe(h.evidence.puts - before.puts);
    expect(verifyBundle(h.evidence.bundle(intentId)).ok).toBe(true);
  });

  test('a retry after a crash between pinning and recording bundles the head pinned first', async () => {
    // Prepare: the first attempt dies appending checkpoint.signed; another intent appends meanwhile.
    const h = harness();
    const intentId = await releasedIntent(h);
    const failing: LedgerStore = {
      read: (l, f, t) => h.ledger.read(l, f, t),
      head: (l) => h.ledger.head(l),
      forIntent: (l, i) => h.ledger.forIntent(l, i),
      append: async (l, draft) => {
        if (draft.type === 'checkpoint.signed') throw new Error('Lambda timed out');
        return h.ledger.append(l, draft);
      },
    };
    await expect(signCheckpoint(intentId, { ...h.deps, ledger: failing })).rejects.toThrow('timed out');
    const pinnedSize = (await h.ledger.read('test')).length;
    await appendFiller(h.deps, 'int-other', 'intent.declared', { n: 1 });
    // Act
    const retried = await signCheckpoint(intentId, h.deps);
    // Assess
    expect(retried.size).toBe(pinnedSize);
    expect(verifyBundle(h.evidence.bundle(intentId)).ok).toBe(true);
  });

  test('checkpoints fall at every multiple of the interval and at each intent end; bundles prove from there', async () => {
    // Prepare
    const h = harness();
    const first = await releasedIntent(h, 'first');
    await signCheckpoint(first, h.deps, { interval: 4 });
    const second = await releasedIntent(h, 'second');
    const reads = jest.spyOn(h.ledger, 'read');
    // Act
    const result = await signCheckpoint(second, h.deps, { interval: 4 });
    expect(reads.mock.calls.map(([, from]) => from ?? 0).every((from) => from > 0)).toBe(true);
    // Assess
    const sizes = (await h.evidence.list('checkpoints/test/')).map((key) =>
      Number(key.match(/(\d+)\.json$/)![1]),
    );
    const multiples = Array.from({ length: Math.floor(result.size / 4) }, (_, i) => 4 * (i + 1));
    expect(sizes).toEqual(expect.arrayContaining([...multiples, result.size]));
    expect(verifyBundle(h.evidence.bundle(second)).ok).toBe(true);
    const audit = await auditStores({
      ledger: h.ledger,
      evidence: h.evidence,
      ledgerName: 'test',
      publicKeySpkiDer: await h.deps.publicKey(),
    });
    expect(audit).toMatchObject({
      ok: true,
      checkpoints: new Set(sizes).size,
    });
  });

  test('two intents sealing at once both get verifying bundles and the ledger audits', async () => {
    const h = harness();
    const a = await releasedIntent(h, 'a');
    const b = await releasedIntent(h, 'b');
    await Promise.all([
      signCheckpoint(a, h.deps, { interval: 8 }),
      signCheckpoint(b, h.deps, { interval: 8 }),
    ]);
    expect([verifyBundle(h.evidence.bundle(a)).ok, verifyBundle(h.evidence.bundle(b)).ok]).toEqual([
      true,
      true,
    ]);
    const audit = await auditStores({
      ledger: h.ledger,
      evidence: h.evidence,
      ledgerName: 'test',
      publicKeySpkiDer: await h.deps.publicKey(),
    });
    expect(audit.ok).toBe(true);
  });

  test('two executions ending together in one process take turns: the second pins the head the first signed', async () => {
    // Prepare
    const h = harness();
    const a = await releasedIntent(h, 'a');
    const b = await releasedIntent(h, 'b');
    const signed = (await h.evidence.list('checkpoints/test/')).length;
    const signs = jest.spyOn(h.deps.signer!, 'sign');
    // Act
    const results = await Promise.all([
      signCheckpoint(a, h.deps, { interval: 1000 }),
      signCheckpoint(b, h.deps, { interval: 1000 }),
    ]);
    // Assess: one head pinned for both (each signed its own, the second thrown away on meeting the first's object,
    // before they took turns), two manifests, and a closing head after each checkpoint.signed.
    expect(signs).toHaveBeenCalledTimes(5);
    expect(results[0]!.size).toBe(results[1]!.size);
    expect((await h.evidence.list('checkpoints/test/')).length - signed).toBe(3);
    const head = await h.ledger.head('test');
    for (const result of results) expect(result.sealedSize).toBeGreaterThan(result.seq);
    expect(Math.max(...results.map((result) => result.sealedSize!))).toBe(head!.entry.seq + 1);
  });

  test("a head another execution signed after an intent's last entry is pinned for it as it is", async () => {
    // Prepare: the intent's entries, a head over them, then another intent's entry after it
    const h = harness();
    const a = await releasedIntent(h, 'a');
    const before = await signPendingCheckpoints(h.deps, 64);
    await appendFiller(h.deps, 'int-z', 'intent.declared', { n: 1 });
    const signs = jest.spyOn(h.deps.signer!, 'sign');

    // Act
    const result = await signCheckpoint(a, h.deps, { interval: 64 });

    // Assess: the head pinned is the one signed before (no new head for it), then the manifest and the closing
    // head over checkpoint.signed; the bundle verifies against it
    expect(result.size).toBe(before.signed.checkpoint.size);
    expect(signs).toHaveBeenCalledTimes(2);
    expect(verifyBundle(h.evidence.bundle(a)).ok).toBe(true);
    expect(result.sealedSize).toBeGreaterThan(result.seq);
  });

  test('a head already signed over the entry asked for is returned as it is, nothing signed', async () => {
    // Prepare: a signed head, then two entries after it.
    const h = harness();
    await appendFiller(h.deps, 'int-a', 'intent.declared', { n: 1 });
    const signedHead = await signPendingCheckpoints(h.deps, 64);
    await appendFiller(h.deps, 'int-b', 'intent.declared', { n: 2 });
    await appendFiller(h.deps, 'int-b', 'admission.admitted', { n: 3 });
    const signs = jest.spyOn(h.deps.signer!, 'sign');
    // Act
    const covered = await signPendingCheckpoints(h.deps, 64, 0);
    const signsCovered = signs.mock.calls.length;
    const uncovered = await signPendingCheckpoints(h.deps, 64, 1);
    // Assess
    expect([covered.signed.checkpoint.size, signsCovered]).toEqual([signedHead.signed.checkpoint.size, 0]);
    expect([uncovered.signed.checkpoint.size, signs.mock.calls.length]).toEqual([3, 1]);
  });

  test('refuses to sign entries whose chain does not hold', async () => {
    const h = harness();
    await appendFiller(h.deps, 'int-a', 'intent.declared', { n: 1 });
    await appendFiller(h.deps, 'int-a', 'admission.admitted', { n: 2 });
    const tampered: LedgerStore = {
      append: (l, draft) => h.ledger.append(l, draft),
      head: (l) => h.ledger.head(l),
      forIntent: (l, i) => h.ledger.forIntent(l, i),
      read: async (l, f, t) => {
        const entries = await h.ledger.read(l, f, t);
        if (entries[1]) entries[1].entry.payload = { n: 3 };
        return entries;
      },
    };
    await expect(signPendingCheckpoints({ ...h.deps, ledger: tampered }, 64)).rejects.toThrow(
      LedgerIntegrityError,
    );
  });

  test('a ledger rewritten under a signed head cannot be signed again', async () => {
    // Prepare: the evidence store already holds a different head of the size the ledger has now.
    const h = harness();
    await appendFiller(h.deps, 'int-a', 'intent.declared', { n: 1 });
    const other = harness();
    await appendFiller(other.deps, 'int-z', 'intent.declared', { n: 9 });
    const foreign = (
      await signPendingCheckpoints({ ...other.deps, signer: h.deps.signer, ledgerName: 'test' }, 64)
    ).signed;
    await h.evidence.putObject(checkpointObjectKey('test', 1), canonicalBytes(foreign), 'application/json');
    // Act / Assess
    await expect(signPendingCheckpoints(h.deps, 64)).rejects.toThrow(
      /entries covered by a signed checkpoint were changed/,
    );
  });

  test('a manifest for another statement under the key is a conflict, never overwritten', async () => {
    const h = harness();
    const intentId = await releasedIntent(h);
    await h.evidence.putObject(
      `bundles/${intentId}/manifest.intoto.json`,
      canonicalBytes({ nope: 1 }),
      'application/json',
    );
    await expect(signCheckpoint(intentId, h.deps)).rejects.toThrow();
    await expect(
      h.evidence.putObject(`bundles/${intentId}/manifest.intoto.json`, canonicalBytes({ nope: 2 }), 'x'),
    ).rejects.toThrow(EvidenceConflictError);
  });
});
