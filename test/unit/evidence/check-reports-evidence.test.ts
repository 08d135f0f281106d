import { createHash } from 'node:crypto';
import { namedLocally } from '../../../cli/runtime/local-caller.js';
import { verifyBundle } from '../../../lambdas/core/evidence/verify-bundle.js';
import type { IntentInput } from '../../../lambdas/core/intent.js';
import { canonicalBytes } from '../../../lambdas/core/ledger/index.js';
import { admitPolicy } from '../../../lambdas/core/pipeline/admit-policy.js';
import { signCheckpoint } from '../../../lambdas/core/pipeline/checkpoint.js';
import { declareIntent } from '../../../lambdas/core/pipeline/declare-intent.js';
import { formDecision } from '../../../lambdas/core/pipeline/form-decision.js';
import { learn } from '../../../lambdas/core/pipeline/learn.js';
import { reportCheck } from '../../../lambdas/core/pipeline/report-check.js';
import type { PipelineState } from '../../../lambdas/core/pipeline/state.js';
import { validateStructure } from '../../../lambdas/core/pipeline/validate-structure.js';
import { verify } from '../../../lambdas/core/pipeline/verify.js';
import { IN_TOTO_PAYLOAD_TYPE, signEnvelope } from '../../../lambdas/core/signing/index.js';
import type { Signer } from '../../../lambdas/ports/signer.js';
import { catalog, submittedBy } from '../core/fixtures.js';
import { intentAt, pipelineHarness } from '../pipeline/helpers/pipeline-harness.js';
import { WriteOnceEvidence } from './helpers/write-once-evidence.js';

type Files = Map<string, Uint8Array>;
const json = (bytes: Uint8Array | undefined) => JSON.parse(Buffer.from(bytes ?? []).toString('utf8'));

/** Replaces one file and re-signs the manifest with the real key: what only the key's holder could do. */
async function resigned(files: Files, signer: Signer, name: string, body: Uint8Array): Promise<Files> {
  const out = new Map(files).set(name, body);
  const statement = JSON.parse(
    Buffer.from(json(out.get('manifest.intoto.json')).payload, 'base64').toString('utf8'),
  );
  statement.subject = [...out.keys()]
    .filter((file) => file !== 'manifest.intoto.json')
    .sort()
    .map((file) => ({
      name: file,
      digest: { sha256: createHash('sha256').update(out.get(file)!).digest('hex') },
    }));
  const signed = await signEnvelope(IN_TOTO_PAYLOAD_TYPE, canonicalBytes(statement), signer);
  return out.set('manifest.intoto.json', canonicalBytes(signed));
}

/**
 * A check CI reported under a delegation, as the evidence bundle shows it: `test-results.json` names who
 * reported each result, how it authenticated, why it may, and the delegation it relied on, beside Verify's verdict.
 */
describe("a reported check in the evidence bundle's test results", () => {
  let files: Files;
  let signer: Signer;
  beforeAll(async () => {
    // Prepare: alice's intent names the check e2e; ci-growth, which alice delegated launch-flags to, reports it.
    const h = pipelineHarness();
    const evidence = new WriteOnceEvidence();
    const deps = { ...h.deps, evidence };
    const intent = intentAt(h, (draft) => {
      draft.constraints = { ...(draft.constraints ?? {}), checks: ['e2e'] } as IntentInput['constraints'];
    });
    let state: PipelineState = { intent, source: 'cli', caller: submittedBy(intent) };
    state = { ...state, declared: await declareIntent(state, deps) };
    state = { ...state, structure: await validateStructure(state, deps) };
    state = { ...state, admission: await admitPolicy(state, deps) };
    state = { ...state, decision: await formDecision(state, deps) };
    const intentId = state.declared!.intentId;
    await reportCheck(
      {
        intentId,
        check: 'e2e',
        status: 'failed',
        detail: '3 of 120 scenarios failed',
        caller: namedLocally('ci-growth', 'test'),
      },
      deps,
    );
    state = { ...state, verification: await verify(state, deps) };
    state = { ...state, learning: await learn(state, deps) };
    await signCheckpoint(intentId, deps);
    files = evidence.bundle(intentId);
    signer = deps.signer!;
  });

  test('names who reported the result, as whom it authenticated, and under which delegation', () => {
    // Act
    const results = json(files.get('test-results.json')) as Array<Record<string, unknown>>;

    // Assess
    const delegation = catalog.delegations.find((d) => d.to === 'ci-growth' && d.from === 'alice');
    expect(results).toContainEqual(
      expect.objectContaining({
        type: 'check.reported',
        check: 'e2e',
        status: 'failed',
        reportedBy: 'ci-growth',
        authenticatedAs: { method: 'local', via: 'test' },
        standing: 'delegation',
        delegation,
      }),
    );
    expect(results.map((result) => result.type)).toEqual([
      'structure.validated',
      'check.reported',
      'verification.failed',
    ]);
    expect(verifyBundle(files)).toMatchObject({ ok: true });
  });

  test('a bundle sealed before check reports were listed there still verifies, and says so', async () => {
    // Prepare: test-results.json as an earlier itv wrote it, the manifest signed over it.
    const results = json(files.get('test-results.json')) as Array<{ type: string }>;
    const earlier = results.filter((result) => result.type !== 'check.reported');
    const bundle = await resigned(files, signer, 'test-results.json', canonicalBytes(earlier));

    // Act
    const verification = verifyBundle(bundle);

    // Assess
    expect(verification.ok).toBe(true);
    expect(verification.checks.at(-1)).toMatchObject({
      check: 'artifacts',
      detail: expect.stringContaining('test-results.json as itv wrote it before it listed check reports'),
    });
  });

  test('a reporter changed in test-results.json fails, even with the manifest re-signed', async () => {
    // Prepare
    const results = json(files.get('test-results.json')) as Array<{ type: string; reportedBy?: string }>;
    const forged = results.map((r) => (r.type === 'check.reported' ? { ...r, reportedBy: 'alice' } : r));
    const bundle = await resigned(files, signer, 'test-results.json', canonicalBytes(forged));

    // Act
    const verification = verifyBundle(bundle);

    // Assess
    expect(verification.ok).toBe(false);
    expect(verification.checks.at(-1)).toMatchObject({
      check: 'artifacts',
      ok: false,
      detail: 'test-results.json is not what the proven ledger entries record',
    });
  });
});

/**
 * A result attached to the intent by its submitter beside one CI reported: `test-results.json` says who asserted
 * each, so an attached claim never reads as CI's.
 */
describe("who asserted each check result in the evidence bundle's test results", () => {
  test('an attached result names the submitter and says it was attached; a reported one names its reporter', async () => {
    // Prepare: alice's intent names e2e and unit and carries a passed unit result of her own; ci-growth reports e2e.
    const h = pipelineHarness();
    const evidence = new WriteOnceEvidence();
    const deps = { ...h.deps, evidence };
    const intent = intentAt(h, (draft) => {
      draft.constraints = {
        ...(draft.constraints ?? {}),
        checks: ['e2e', 'unit'],
      } as IntentInput['constraints'];
      draft.testResults = [{ check: 'unit', passed: true }];
    });
    let state: PipelineState = { intent, source: 'cli', caller: submittedBy(intent) };
    state = { ...state, declared: await declareIntent(state, deps) };
    state = { ...state, structure: await validateStructure(state, deps) };
    state = { ...state, admission: await admitPolicy(state, deps) };
    state = { ...state, decision: await formDecision(state, deps) };
    const intentId = state.declared!.intentId;
    await reportCheck(
      { intentId, check: 'e2e', status: 'passed', caller: namedLocally('ci-growth', 'test') },
      deps,
    );
    state = { ...state, verification: await verify(state, deps) };
    state = { ...state, learning: await learn(state, deps) };
    await signCheckpoint(intentId, deps);

    // Act
    const files = evidence.bundle(intentId);
    const results = json(files.get('test-results.json')) as Array<{ type: string; results?: unknown[] }>;
    const verified = results.find((result) => result.type.startsWith('verification.'));

    // Assess
    expect(verified?.results).toEqual(
      expect.arrayContaining([
        {
          check: 'e2e',
          passed: true,
          detail: 'reported passed by ci-growth',
          source: 'reported',
          reportedBy: 'ci-growth',
        },
        {
          check: 'unit',
          passed: true,
          detail: 'attached by the submitter',
          source: 'attached',
          reportedBy: 'alice',
        },
      ]),
    );
    expect(JSON.stringify(results)).not.toContain('attached by CI');
    expect(verifyBundle(files)).toMatchObject({ ok: true });
  });
});
