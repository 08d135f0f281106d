import { createHash, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { LocalSigner } from '../../../lambdas/adapters/local/local-signer.js';
import { spkiToPem } from '../../../lambdas/core/evidence/pem.js';
import { verifyBundle } from '../../../lambdas/core/evidence/verify-bundle.js';
import type { IntentInput } from '../../../lambdas/core/intent.js';
import { canonicalBytes, canonicalJson } from '../../../lambdas/core/ledger/index.js';
import { signCheckpoint } from '../../../lambdas/core/pipeline/checkpoint.js';
import { IN_TOTO_PAYLOAD_TYPE, signEnvelope } from '../../../lambdas/core/signing/index.js';
import type { Signer } from '../../../lambdas/ports/signer.js';
import { intentAt, pipelineHarness, runIntent } from '../pipeline/helpers/pipeline-harness.js';
import { compressedSpki } from './helpers/compressed-key.js';
import { WriteOnceEvidence } from './helpers/write-once-evidence.js';

type Files = Map<string, Uint8Array>;
const highRisk = JSON.parse(
  readFileSync(new URL('../../../examples/04-high-risk-review.json', import.meta.url), 'utf8'),
) as IntentInput;
const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');

/** Rewrites files and re-signs the manifest with the real key: what only a key holder could do. */
async function resigned(files: Files, signer: Signer, edit: (files: Files) => void): Promise<Files> {
  const out = new Map(files);
  edit(out);
  const envelope = JSON.parse(text(out.get('manifest.intoto.json')!));
  const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8'));
  statement.subject = [...out.keys()]
    .filter((name) => name !== 'manifest.intoto.json')
    .sort()
    .map((name) => ({ name, digest: { sha256: createHash('sha256').update(out.get(name)!).digest('hex') } }));
  const signed = await signEnvelope(IN_TOTO_PAYLOAD_TYPE, canonicalBytes(statement), signer);
  out.set('manifest.intoto.json', canonicalBytes(signed));
  return out;
}

describe('a bundle sealed before the reviewer check was renamed', () => {
  test('its test-results.json, naming the check reviewer-of-record, still verifies', async () => {
    // Prepare: the HIPAA change Verify passes to its reviewer, recorded as an earlier itv named the check.
    const h = pipelineHarness();
    const evidence = new WriteOnceEvidence();
    const append = h.ledger.append.bind(h.ledger);
    h.ledger.append = (ledger, draft) => {
      const results = (draft.payload as { results?: Array<{ check: string; detail: string }> }).results;
      const earlier = draft.type.startsWith('verification.')
        ? {
            ...draft,
            payload: {
              ...draft.payload,
              results: results?.map((r) =>
                r.check === 'reviewer-of-record-assigned'
                  ? { ...r, check: 'reviewer-of-record', detail: 'a reviewer of record decides: xavier' }
                  : r,
              ),
            },
          }
        : draft;
      return append(ledger, earlier);
    };
    const deps = { ...h.deps, evidence };
    const state = await runIntent({ ...h, deps }, highRisk);
    await signCheckpoint(state.declared!.intentId, deps);
    const bundle = evidence.bundle(state.declared!.intentId);

    // Act
    const verification = verifyBundle(bundle);

    // Assess
    expect(text(bundle.get('test-results.json')!)).toContain(
      '"check":"reviewer-of-record","detail":"a reviewer of record decides: xavier"',
    );
    expect(verification.ok).toBe(true);
  });
});

describe('verifying an evidence bundle', () => {
  let files: Files;
  let signer: Signer;
  beforeAll(async () => {
    const h = pipelineHarness();
    const evidence = new WriteOnceEvidence();
    const deps = { ...h.deps, evidence };
    const state = await runIntent({ ...h, deps }, intentAt(h));
    await signCheckpoint(state.declared!.intentId, deps);
    files = evidence.bundle(state.declared!.intentId);
    signer = deps.signer!;
  });

  test('an untouched bundle verifies, every check named', () => {
    const verification = verifyBundle(files);
    expect(verification.ok).toBe(true);
    expect(verification.checks.map((c) => c.check)).toEqual([
      'public key',
      'manifest signature',
      'file digests',
      'checkpoint signature',
      'inclusion proofs',
      'decision signatures',
      'artifacts',
    ]);
  });

  const failing = (verification: ReturnType<typeof verifyBundle>) => verification.checks.find((c) => !c.ok);

  test('a signed decision whose recorded digest is not that of its signed package fails, as the ledger check does', async () => {
    // Prepare: a writer that records a wrong digest beside a decision signed with the real key; the bundle is
    // sealed and signed as usual, so only comparing the digest with the signed package can catch it.
    const h = pipelineHarness();
    const evidence = new WriteOnceEvidence();
    const ledger = h.deps.ledger;
    const append: typeof ledger.append = (name, draft, ...rest) =>
      ledger.append(
        name,
        draft.type === 'decision.signed'
          ? { ...draft, payload: { ...draft.payload, digest: 'f'.repeat(64) } }
          : draft,
        ...rest,
      );
    const deps = { ...h.deps, evidence, ledger: Object.assign(Object.create(ledger), { append }) };
    const state = await runIntent({ ...h, deps }, intentAt(h));
    await signCheckpoint(state.declared!.intentId, deps);

    // Act
    const verification = verifyBundle(evidence.bundle(state.declared!.intentId));

    // Assess
    expect(failing(verification)).toMatchObject({
      check: 'decision signatures',
      detail: expect.stringMatching(/^seq \d+: decision digest f{64} is not that of the signed package$/),
    });
  });

  test('an extra file the statement does not name fails', () => {
    const verification = verifyBundle(new Map([...files, ['notes.txt', Buffer.from('trust me')]]));
    expect(failing(verification)).toMatchObject({
      check: 'file digests',
      detail: expect.stringContaining('notes.txt'),
    });
  });

  test('a missing file fails', () => {
    const without = new Map(files);
    without.delete('release-trace.json');
    expect(failing(verifyBundle(without))).toMatchObject({ check: 'files' });
  });

  test('a pinned key other than the bundled one fails before anything is trusted', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const other = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
    expect(failing(verifyBundle(files, { publicKeySpkiDer: other }))).toMatchObject({ check: 'public key' });
  });

  test('the pinned key given with its point compressed is the same key: the bundle verifies', async () => {
    // Prepare: the bundle's key as `openssl pkey -ec_conv_form compressed` writes it, 59 bytes instead of 91.
    const compressed = compressedSpki(await signer.publicKeySpkiDer());
    expect(compressed).toHaveLength(59);

    // Act
    const verification = verifyBundle(files, { publicKeySpkiDer: compressed });

    // Assess
    expect(failing(verification)).toBeUndefined();
    expect(verification.ok).toBe(true);
  });

  test('a bundle re-signed by another key: its checkpoint gives it away, and a pinned key refuses it', async () => {
    // Prepare: Mallory swaps in her key and signs the manifest; the checkpoint stays signed by the ledger's key.
    const mallory = LocalSigner.inMemory();
    const malloryPem = Buffer.from(spkiToPem(await mallory.publicKeySpkiDer()));
    const forged = await resigned(files, mallory, (f) => f.set('public-key.pem', malloryPem));
    // Act
    const unpinned = verifyBundle(forged);
    const pinned = verifyBundle(forged, { publicKeySpkiDer: await signer.publicKeySpkiDer() });
    // Assess
    expect(failing(unpinned)).toMatchObject({ check: 'checkpoint signature' });
    expect(failing(pinned)).toMatchObject({ check: 'public key' });
  });

  test('with the manifest re-signed, a wrong inclusion proof still fails', async () => {
    // Prepare: a sibling flipped in the first entry's audit path.
    const forged = await resigned(files, signer, (f) => {
      const lines = text(f.get('ledger-entries.jsonl')!).trimEnd().split('\n');
      const first = JSON.parse(lines[0]!);
      const sibling = first.proof.path[0] as string;
      first.proof.path[0] = `${sibling.slice(0, 63)}${sibling.endsWith('0') ? '1' : '0'}`;
      lines[0] = canonicalJson(first);
      f.set('ledger-entries.jsonl', Buffer.from(`${lines.join('\n')}\n`));
    });
    // Act / Assess
    expect(failing(verifyBundle(forged))).toMatchObject({
      check: 'inclusion proofs',
      detail: expect.stringContaining('recomputed root differs'),
    });
  });

  test('with the manifest re-signed, an entry left out of the bundle is noticed', async () => {
    const forged = await resigned(files, signer, (f) => {
      const lines = text(f.get('ledger-entries.jsonl')!).trimEnd().split('\n');
      f.set('ledger-entries.jsonl', Buffer.from(`${lines.slice(1).join('\n')}\n`));
    });
    expect(failing(verifyBundle(forged))).toMatchObject({ check: 'inclusion proofs' });
  });

  test('with the manifest re-signed, an artifact that disagrees with the proven entries fails', async () => {
    const forged = await resigned(files, signer, (f) => {
      const intent = JSON.parse(text(f.get('intent.json')!));
      intent.title = 'something else';
      f.set('intent.json', canonicalBytes(intent));
    });
    expect(failing(verifyBundle(forged))).toMatchObject({
      check: 'artifacts',
      detail: expect.stringContaining('intent.json'),
    });
  });

  test('a checkpoint whose signature does not hold fails', async () => {
    const forged = await resigned(files, signer, (f) => {
      const object = JSON.parse(text(f.get('checkpoint.json')!));
      object.checkpoint.timestamp = '2000-01-01T00:00:00.000Z';
      f.set('checkpoint.json', canonicalBytes(object));
    });
    expect(failing(verifyBundle(forged))).toMatchObject({ check: 'checkpoint signature' });
  });
});
