import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { writeBundleDir } from '../../../cli/commands/bundle-folder.js';
import { evidenceVerifyCommand } from '../../../cli/commands/evidence.js';
import { exitCodes } from '../../../cli/exit-codes.js';
import { LocalSigner } from '../../../lambdas/adapters/local/local-signer.js';
import { spkiToPem } from '../../../lambdas/core/evidence/pem.js';
import { admitPolicy } from '../../../lambdas/core/pipeline/admit-policy.js';
import { signCheckpoint } from '../../../lambdas/core/pipeline/checkpoint.js';
import { declareIntent } from '../../../lambdas/core/pipeline/declare-intent.js';
import { formDecision } from '../../../lambdas/core/pipeline/form-decision.js';
import { learn } from '../../../lambdas/core/pipeline/learn.js';
import type { PipelineState } from '../../../lambdas/core/pipeline/state.js';
import { validateStructure } from '../../../lambdas/core/pipeline/validate-structure.js';
import { verify } from '../../../lambdas/core/pipeline/verify.js';
import { submittedBy } from '../core/fixtures.js';
import { compressedSpki } from '../evidence/helpers/compressed-key.js';
import { WriteOnceEvidence } from '../evidence/helpers/write-once-evidence.js';
import { intentAt, pipelineHarness } from '../pipeline/helpers/pipeline-harness.js';

/** A sealed bundle of one intent, signed by `signer`, written to a new folder. */
async function sealedBundleDir(signer: LocalSigner, dir: string): Promise<string> {
  const h = pipelineHarness();
  const evidence = new WriteOnceEvidence();
  const deps = { ...h.deps, evidence, signer, publicKey: () => signer.publicKeySpkiDer() };
  const intent = intentAt(h);
  let state: PipelineState = { intent, source: 'cli', caller: submittedBy(intent) };
  state = { ...state, declared: await declareIntent(state, deps) };
  state = { ...state, structure: await validateStructure(state, deps) };
  state = { ...state, admission: await admitPolicy(state, deps) };
  state = { ...state, decision: await formDecision(state, deps) };
  state = { ...state, verification: await verify(state, deps) };
  state = { ...state, learning: await learn(state, deps) };
  const intentId = state.declared!.intentId;
  await signCheckpoint(intentId, deps);
  writeBundleDir(evidence.bundle(intentId), dir);
  return dir;
}

/**
 * `itv evidence verify` without `--public-key` pins the key of the stack the CLI reaches (the home's signing key,
 * or the current context's), and without one says NOT VERIFIED: a bundle's own key proves only that it agrees
 * with itself, which a bundle an attacker signed does as well.
 */
describe('itv evidence verify, with no key given', () => {
  const work = mkdtempSync(join(tmpdir(), 'itv-evidence-pin-'));
  const home = join(work, 'home');
  const env = { ITV_HOME: home, ITV_CONFIG_DIR: join(work, 'config') };
  let genuine: string;
  let forged: string;
  const out: string[] = [];

  beforeAll(async () => {
    const stack = await LocalSigner.fromFile(join(home, 'keys', 'signing-key.pem'));
    genuine = await sealedBundleDir(stack, join(work, 'genuine'));
    // Mallory runs a stack of her own: every signature in her bundle is hers, and her key is the bundled one.
    forged = await sealedBundleDir(LocalSigner.inMemory(), join(work, 'forged'));
  });
  beforeEach(() => {
    out.length = 0;
    jest.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
  });
  afterEach(() => jest.restoreAllMocks());
  // The folder holds a home's signing key: nothing of it is left behind.
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  test("pins the home's stack key and says so: the genuine bundle is VERIFIED", async () => {
    // Act
    const code = await evidenceVerifyCommand(genuine, {}, env);

    // Assess
    expect(code).toBe(exitCodes.ok);
    expect(out.join('\n')).toContain(`key pinned from the stack of ${home}`);
    expect(out.join('\n')).toContain(': VERIFIED');
  });

  test("a bundle signed by another key fails against the home's stack key", async () => {
    // Act
    const code = await evidenceVerifyCommand(forged, {}, env);

    // Assess
    expect(code).toBe(exitCodes.error);
    expect(out.join('\n')).toMatch(/FAILED[\s\S]*FAIL +public key/);
    expect(out.join('\n')).not.toContain(': VERIFIED');
  });

  test('a failed bundle is headed by the intent id its manifest names, as a verified one is', async () => {
    // Arrange
    const manifest = JSON.parse(readFileSync(join(forged, 'manifest.intoto.json'), 'utf8')) as {
      payload: string;
    };
    const statement = JSON.parse(Buffer.from(manifest.payload, 'base64').toString('utf8')) as {
      predicate: { intentId: string };
    };

    // Act
    const code = await evidenceVerifyCommand(forged, {}, env);

    // Assess
    expect(code).toBe(exitCodes.error);
    expect(out).toContain(`evidence bundle ${statement.predicate.intentId} (${forged}): FAILED`);
  });

  test('with no stack key within reach, a self-consistent bundle is NOT VERIFIED, exit 2, its checks still shown', async () => {
    // Prepare: a home no stack ran in.
    const empty = { ITV_HOME: join(work, 'empty-home'), ITV_CONFIG_DIR: join(work, 'config') };

    // Act
    const code = await evidenceVerifyCommand(forged, {}, empty);

    // Assess
    const text = out.join('\n');
    expect(code).toBe(exitCodes.notVerified);
    expect(exitCodes.notVerified).toBe(2);
    expect(text).not.toContain(': VERIFIED');
    expect(text).toContain('(from the bundle)');
    expect(text).toMatch(/ok +artifacts/);
    expect(text).toMatch(
      /NOT VERIFIED: no key was pinned \(--public-key PEM\).*so the bundle only agrees with itself/,
    );
  });

  test('--json says not-verified, and ok is false, with no key pinned', async () => {
    // Act
    const code = await evidenceVerifyCommand(
      forged,
      { json: true },
      { ITV_HOME: join(work, 'empty-home'), ITV_CONFIG_DIR: join(work, 'config') },
    );

    // Assess
    expect(code).toBe(exitCodes.notVerified);
    expect(JSON.parse(out.join('\n'))).toMatchObject({
      ok: false,
      verdict: 'not-verified',
      selfConsistent: true,
      keyPinnedFrom: null,
    });
  });

  test('--public-key pins the key given, before any stack key', async () => {
    // Prepare: the genuine stack's key, as `itv ledger export --out FILE` writes it to FILE.pub.pem.
    const pem = join(work, 'ledger.pub.pem');
    const stack = await LocalSigner.fromFile(join(home, 'keys', 'signing-key.pem'));
    writeFileSync(pem, spkiToPem(await stack.publicKeySpkiDer()));
    mkdirSync(join(work, 'empty-home'), { recursive: true });

    // Act
    const code = await evidenceVerifyCommand(
      genuine,
      { publicKey: pem },
      { ITV_HOME: join(work, 'empty-home'), ITV_CONFIG_DIR: join(work, 'config') },
    );

    // Assess
    expect(code).toBe(exitCodes.ok);
    expect(out.join('\n')).toContain(`key pinned from ${pem}`);
  });

  test('--public-key given with its point compressed is the same key: VERIFIED, no warning', async () => {
    // Prepare
    const pem = join(work, 'ledger.pub.compressed.pem');
    const stack = await LocalSigner.fromFile(join(home, 'keys', 'signing-key.pem'));
    writeFileSync(pem, spkiToPem(compressedSpki(await stack.publicKeySpkiDer())));
    const warned = jest.spyOn(console, 'error').mockImplementation(() => {});

    // Act
    const code = await evidenceVerifyCommand(genuine, { publicKey: pem }, env);

    // Assess
    expect(code).toBe(exitCodes.ok);
    expect(out.join('\n')).toContain(': VERIFIED');
    expect(warned).not.toHaveBeenCalled();
  });

  test("--public-key naming the bundle's own public-key.pem is NOT VERIFIED (exit 2), as no key pinned: it proves only self-consistency", async () => {
    // Prepare
    const warned: string[] = [];
    const out: string[] = [];
    jest.spyOn(console, 'error').mockImplementation((line: string) => void warned.push(line));
    jest.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));

    // Act
    const code = await evidenceVerifyCommand(forged, { publicKey: join(forged, 'public-key.pem') }, env);

    // Assess
    expect(code).toBe(exitCodes.notVerified);
    expect(out.join('\n')).toContain(': NOT VERIFIED');
    expect(out.join('\n')).not.toContain(': VERIFIED');
    expect(warned.join('\n')).toContain(
      `warning: the pinned key is the one the bundle carries (${join(forged, 'public-key.pem')}): that proves only self-consistency`,
    );
  });

  test('under --json the warning is part of the answer, and stderr stays empty', async () => {
    // Prepare
    const warned: string[] = [];
    const out: string[] = [];
    jest.spyOn(console, 'error').mockImplementation((line: string) => void warned.push(line));
    jest.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));

    // Act
    const code = await evidenceVerifyCommand(
      forged,
      { publicKey: join(forged, 'public-key.pem'), json: true },
      env,
    );

    // Assess
    expect(code).toBe(exitCodes.notVerified);
    expect(warned).toEqual([]);
    expect(JSON.parse(out.join('\n'))).toMatchObject({
      ok: false,
      verdict: 'not-verified',
      warning: expect.stringContaining('the pinned key is the one the bundle carries'),
    });
  });
});

describe('itv evidence verify of a folder that is no bundle', () => {
  const work = mkdtempSync(join(tmpdir(), 'itv-evidence-nobundle-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  test('the folder a bundle tar was unpacked into names the bundle inside it; an unrelated one says what to give', async () => {
    // Prepare: the console's tar unpacked into `unpacked/`, as a user does: its bundle is one folder down.
    const unpacked = join(work, 'unpacked');
    await sealedBundleDir(LocalSigner.inMemory(), join(unpacked, 'itv-evidence-x'));
    const unrelated = join(work, 'examples');
    mkdirSync(unrelated);
    writeFileSync(join(unrelated, 'intent.json'), '{}');

    // Act
    const refusal = (dir: string) =>
      evidenceVerifyCommand(dir, {}).then(
        () => undefined,
        (error: { message: string; issues: unknown }) => ({ message: error.message, issues: error.issues }),
      );

    // Assess
    expect(await refusal(unpacked)).toEqual({
      message: `${unpacked} is not an evidence bundle`,
      issues: [
        {
          path: 'dir',
          message: `holds none of a bundle's files; the bundle is in ${join(unpacked, 'itv-evidence-x')}: run itv evidence verify ${join(unpacked, 'itv-evidence-x')}`,
        },
      ],
    });
    expect((await refusal(unrelated))?.issues).toEqual([
      {
        path: 'dir',
        message: expect.stringMatching(
          /^holds none of a bundle's files \(manifest\.intoto\.json, .*itv-evidence-ID\)$/,
        ),
      },
    ]);
  });
});
