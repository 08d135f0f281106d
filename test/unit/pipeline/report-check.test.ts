import { namedLocally } from '../../../cli/runtime/local-caller.js';
import {
  CheckReportConflictError,
  NotACheckReporterError,
  NotFoundError,
} from '../../../lambdas/core/errors.js';
import type { IntentInput } from '../../../lambdas/core/intent.js';
import { admitPolicy } from '../../../lambdas/core/pipeline/admit-policy.js';
import { declareIntent } from '../../../lambdas/core/pipeline/declare-intent.js';
import { formDecision } from '../../../lambdas/core/pipeline/form-decision.js';
import { type CheckReportInput, reportCheck } from '../../../lambdas/core/pipeline/report-check.js';
import { revokeAuthority } from '../../../lambdas/core/pipeline/revocations.js';
import type { PipelineState } from '../../../lambdas/core/pipeline/state.js';
import { intentStatus } from '../../../lambdas/core/pipeline/status.js';
import { validateStructure } from '../../../lambdas/core/pipeline/validate-structure.js';
import { verify } from '../../../lambdas/core/pipeline/verify.js';
import { stateKeys } from '../../../lambdas/core/state-keys.js';
import { submittedBy } from '../core/fixtures.js';
import { type Harness, intentAt, ledgerTypes, pipelineHarness } from './helpers/pipeline-harness.js';

/** DeclareIntent → … → FormDecision: the intent is decided and Verify is next. */
async function runToDecision(h: Harness, intent: IntentInput): Promise<PipelineState> {
  let state: PipelineState = { intent, source: 'cli', caller: submittedBy(intent) };
  state = { ...state, declared: await declareIntent(state, h.deps) };
  state = { ...state, structure: await validateStructure(state, h.deps) };
  state = { ...state, admission: await admitPolicy(state, h.deps) };
  if (state.admission?.verdict !== 'admitted') throw new Error(JSON.stringify(state.admission));
  return { ...state, decision: await formDecision(state, h.deps) };
}

const withCheck = (h: Harness) =>
  intentAt(h, (draft) => {
    draft.constraints = { ...(draft.constraints ?? {}), checks: ['e2e'] } as IntentInput['constraints'];
  });

const report = (h: Harness, intentId: string, edit: Partial<CheckReportInput> & { as?: string } = {}) => {
  const { as = 'ci-growth', ...rest } = edit;
  return reportCheck(
    { intentId, check: 'e2e', status: 'passed', caller: namedLocally(as, 'test'), ...rest },
    h.deps,
  );
};

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as Error,
  );

describe('a check result reported for an intent (PUT /intents/{id}/checks/{name})', () => {
  test('reported before Verify by the CI principal alice delegated to: Verify counts it, the ledger says who', async () => {
    // Prepare
    const h = pipelineHarness();
    const decided = await runToDecision(h, withCheck(h));
    const intentId = decided.declared!.intentId;

    // Act
    const outcome = await report(h, intentId, {
      status: 'failed',
      detail: '3 of 120 scenarios failed',
      url: 'https://ci.example.com/runs/42',
    });
    const verification = await verify(decided, h.deps);

    // Assess
    expect(outcome).toMatchObject({
      repeated: false,
      report: {
        check: 'e2e',
        status: 'failed',
        passed: false,
        reportedBy: 'ci-growth',
        standing: 'delegation',
      },
    });
    expect(verification.passed).toBe(false);
    expect(verification.results.find((r) => r.check === 'e2e')).toEqual({
      check: 'e2e',
      passed: false,
      detail: 'reported failed by ci-growth: 3 of 120 scenarios failed',
      source: 'reported',
      reportedBy: 'ci-growth',
    });
    const entries = await h.ledger.forIntent('test', intentId);
    const reported = entries.find((s) => s.entry.type === 'check.reported')!.entry;
    expect(reported.seq).toBe(outcome.seq);
    expect(reported.payload).toMatchObject({
      check: 'e2e',
      status: 'failed',
      url: 'https://ci.example.com/runs/42',
      reportedBy: 'ci-growth',
      authenticatedAs: { method: 'local', via: 'test' },
    });
  });

  test('the same report again is answered as before and recorded once; a different one is refused, the first stays', async () => {
    // Prepare
    const h = pipelineHarness();
    const intentId = (await runToDecision(h, withCheck(h))).declared!.intentId;
    const first = await report(h, intentId, { detail: 'green' });

    // Act
    const again = await report(h, intentId, { detail: 'green' });
    const other = await failure(report(h, intentId, { status: 'failed', detail: 'red' }));

    // Assess
    expect(again).toEqual({ ...first, repeated: true });
    expect(other).toBeInstanceOf(CheckReportConflictError);
    expect(other?.message).toContain('was reported passed by ci-growth');
    expect((await ledgerTypes(h, intentId)).filter((t) => t === 'check.reported')).toHaveLength(1);
  });

  test('a retry with the same status from the same reporter but another detail or url is the same result: answered as a repeat, the first detail and url kept', async () => {
    // Prepare
    const h = pipelineHarness();
    const intentId = (await runToDecision(h, withCheck(h))).declared!.intentId;
    const first = await report(h, intentId, { detail: 'ok', url: 'https://ci.example.com/runs/1' });

    // Act
    const bare = await report(h, intentId);
    const rerun = await report(h, intentId, { detail: 'ok again', url: 'https://ci.example.com/runs/2' });

    // Assess
    expect(bare).toEqual({ ...first, repeated: true, kept: ['detail', 'url'] });
    expect(rerun).toEqual({ ...first, repeated: true, kept: ['detail', 'url'] });
    expect(rerun.report).toMatchObject({ detail: 'ok', url: 'https://ci.example.com/runs/1' });
    expect((await ledgerTypes(h, intentId)).filter((t) => t === 'check.reported')).toHaveLength(1);
  });

  test('after Verify concluded: refused, and nothing is written', async () => {
    // Prepare
    const h = pipelineHarness();
    const decided = await runToDecision(h, withCheck(h));
    const intentId = decided.declared!.intentId;
    await verify(decided, h.deps);
    const before = await ledgerTypes(h, intentId);

    // Act
    const late = await failure(report(h, intentId));

    // Assess
    expect(late).toBeInstanceOf(CheckReportConflictError);
    expect(late?.message).toMatch(/checks were verified at seq \d+ \(verification\.passed\)/);
    expect(await ledgerTypes(h, intentId)).toEqual(before);
    const key = stateKeys.check(intentId, 'e2e');
    expect(await h.store.get(key.pk, key.sk)).toBeUndefined();
  });

  test('a report whose write Verify read past (a race): recorded in ledger order, and answered as not counted', async () => {
    // Prepare: Verify reads no result and records its verdict; the report's write lands just after its read.
    const h = pipelineHarness();
    const decided = await runToDecision(h, withCheck(h));
    const intentId = decided.declared!.intentId;
    await verify(decided, h.deps);
    const key = stateKeys.check(intentId, 'e2e');
    const landed = {
      check: 'e2e',
      status: 'passed',
      passed: true,
      detail: '',
      reportedBy: 'ci-growth',
      authenticatedAs: { method: 'local', via: 'test' },
      standing: 'delegation',
      reportedAt: h.clock.now().toISOString(),
    };
    await h.store.put(key.pk, key.sk, landed, 0);

    // Act: the report's own retry.
    const raced = await failure(report(h, intentId));

    // Assess
    expect(raced).toBeInstanceOf(CheckReportConflictError);
    expect(raced?.message).toMatch(
      /was recorded at seq \d+, but Verify concluded at seq \d+ .* it did not count/,
    );
    const types = await ledgerTypes(h, intentId);
    expect(types.indexOf('check.reported')).toBeGreaterThan(types.indexOf('verification.passed'));
  });

  test('who may report: the requester, an owner, a delegate over the service; anybody else is refused naming who may', async () => {
    // Prepare: one intent each, in a harness whose catalog makes bob an owner too.
    const decided = async () => {
      const h = pipelineHarness();
      const catalog = structuredClone(h.deps.catalog);
      catalog.services['launch-flags']!.owners = ['alice', 'bob'];
      h.deps.catalog = catalog;
      return { h, intentId: (await runToDecision(h, withCheck(h))).declared!.intentId };
    };
    const [one, two, three] = [await decided(), await decided(), await decided()];

    // Act
    const byRequester = await report(one.h, one.intentId, { as: 'alice' });
    const byOwner = await report(two.h, two.intentId, { as: 'bob' });
    const byOtherCi = await failure(report(three.h, three.intentId, { as: 'ci-sre' }));

    // Assess
    expect(byRequester.report.standing).toBe('requester');
    expect(byOwner.report.standing).toBe('owner');
    expect(byOtherCi).toBeInstanceOf(NotACheckReporterError);
    expect(byOtherCi?.message).toContain('ci-sre may not report checks for intent');
    expect(byOtherCi?.message).toContain('only its requester (alice)');
    expect(await ledgerTypes(three.h, three.intentId)).not.toContain('check.reported');
  });

  test("a revoked delegation, its holder's or its grantor's revoked authority: the holder may no longer report, and the refusal names the revocation", async () => {
    // Prepare: one decided intent each, then a revocation recorded as `itv delegate revoke` or an admin would.
    const revoked = async (revocation: {
      principal: string;
      delegation?: { from: string; expiresAt: string };
    }) => {
      const h = pipelineHarness();
      const intentId = (await runToDecision(h, withCheck(h))).declared!.intentId;
      await revokeAuthority(
        { ...revocation, reason: 'CI role rotated', revokedBy: 'alice' },
        { state: h.deps.state, now: h.clock.now() },
      );
      return { h, intentId };
    };
    const held = pipelineHarness().deps.catalog.delegations.find((d) => d.to === 'ci-growth')!;
    const cases = [
      await revoked({ principal: 'ci-growth', delegation: { from: 'alice', expiresAt: held.expiresAt } }),
      await revoked({ principal: 'ci-growth' }),
      await revoked({ principal: 'alice' }),
    ];

    for (const { h, intentId } of cases) {
      // Act
      const refused = await failure(report(h, intentId));

      // Assess
      expect(refused).toBeInstanceOf(NotACheckReporterError);
      expect(refused?.message).toMatch(
        /^ci-growth may not report checks for intent .*: .* revoked by alice from .*: CI role rotated$/,
      );
      expect(await ledgerTypes(h, intentId)).not.toContain('check.reported');
    }
  });

  test('an unknown intent, or a check the intent does not name, is NotFoundError naming what it names', async () => {
    // Prepare
    const h = pipelineHarness();
    const intentId = (await runToDecision(h, withCheck(h))).declared!.intentId;

    // Act
    const unknown = await failure(report(h, 'int-nobody'));
    const unnamed = await failure(report(h, intentId, { check: 'lint' }));

    // Assess
    expect(unknown).toBeInstanceOf(NotFoundError);
    expect(unnamed).toBeInstanceOf(NotFoundError);
    expect(unnamed?.message).toContain('names no check "lint"; it names e2e');
  });

  test("a report leaves the intent's status where the pipeline put it", async () => {
    // Prepare
    const h = pipelineHarness();
    const intentId = (await runToDecision(h, withCheck(h))).declared!.intentId;
    const before = intentStatus(intentId, await h.ledger.forIntent('test', intentId))!.status;

    // Act
    await report(h, intentId);

    // Assess
    expect(intentStatus(intentId, await h.ledger.forIntent('test', intentId))!.status).toBe(before);
  });
});
