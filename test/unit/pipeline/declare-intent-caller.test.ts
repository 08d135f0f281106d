import { evidenceFiles } from '../../../lambdas/core/evidence/evidence-files.js';
import type { IntentInput } from '../../../lambdas/core/intent.js';
import { admitPolicy } from '../../../lambdas/core/pipeline/admit-policy.js';
import { declareIntent } from '../../../lambdas/core/pipeline/declare-intent.js';
import { learn } from '../../../lambdas/core/pipeline/learn.js';
import type { PipelineState } from '../../../lambdas/core/pipeline/state.js';
import { validateStructure } from '../../../lambdas/core/pipeline/validate-structure.js';
import { bindRequester, type Caller } from '../../../lambdas/core/principals/index.js';
import { intentAt, pipelineHarness } from './helpers/pipeline-harness.js';

const growthCi: Caller = {
  principal: 'ci-growth',
  authenticatedAs: { method: 'eventbridge', source: 'itv.ci.growth', account: '123456789012' },
  matched: 'principals.ci-growth.eventSource',
};

describe('DeclareIntent binds the requester to the caller before it records anything', () => {
  test('an intent naming somebody the caller may not act for is one request.refused entry, and learns "refused"', async () => {
    // Prepare: growth CI names heidi on the incident router, which nobody delegated to it
    const h = pipelineHarness();
    const intent = intentAt(h, (d) => {
      d.authority = { requester: 'heidi', team: 'sre', role: 'sre' };
      d.change = {
        service: 'incident-router',
        profile: 'routing',
        contractVersion: '1.0.0',
        kind: 'configuration',
        payload: { pageOnErrorRateAbove: 0.01, pageAfterMinutes: 3, escalateAfterMinutes: 15 },
      };
    });
    let state: PipelineState = { intent, source: 'eventbridge', caller: growthCi };
    // Act
    state = { ...state, declared: await declareIntent(state, h.deps) };
    state = { ...state, learning: await learn(state, h.deps) };
    // Assess
    expect(state.declared).toMatchObject({
      verdict: 'refused',
      issues: [
        { path: 'authority.requester', message: expect.stringMatching(/you are ci-growth, not heidi/) },
      ],
    });
    const entries = await h.ledger.forIntent('test', state.declared!.intentId);
    expect(entries.map((s) => s.entry.type)).toEqual(['request.refused', 'intent.concluded']);
    expect(entries[0]?.entry.payload).toMatchObject({ source: 'eventbridge', submittedBy: growthCi });
    expect(state.learning?.outcome).toBe('refused');
  });

  test('an execution started without an authenticated caller declares nothing', async () => {
    const h = pipelineHarness();
    const declared = await declareIntent({ intent: intentAt(h), source: 'api' }, h.deps);
    expect(declared).toMatchObject({ verdict: 'refused', issues: [{ path: 'caller' }] });
    const entries = await h.ledger.forIntent('test', declared.intentId);
    expect(entries.map((s) => s.entry.type)).toEqual(['request.refused']);
  });

  test('an intent its entry point did not bind is refused, so no stage acts on another requester than declared', async () => {
    const h = pipelineHarness();
    const unbound = intentAt(h, (d) => {
      d.authority = { team: 'growth', role: 'engineer' } as never;
    });
    const declared = await declareIntent(
      { intent: unbound, source: 'eventbridge', caller: growthCi },
      h.deps,
    );
    expect(declared).toMatchObject({ verdict: 'refused', issues: [{ path: 'authority.requester' }] });
  });

  test('CI is the requester of record, admitted under the delegation the catalog records for it; the evidence says how it was known', async () => {
    // Prepare: growth CI submits a flag change to launch-flags without naming anybody, bound as the
    // intake function binds it
    const h = pipelineHarness();
    const raw = intentAt(h, (d) => {
      d.authority = { team: 'growth', role: 'engineer' } as IntentInput['authority'];
    });
    const { intent } = bindRequester(raw, growthCi, h.deps.catalog, h.clock.now());
    let state: PipelineState = { intent, source: 'eventbridge', caller: growthCi };
    // Act
    state = { ...state, declared: await declareIntent(state, h.deps) };
    state = { ...state, structure: await validateStructure(state, h.deps) };
    state = { ...state, admission: await admitPolicy(state, h.deps) };
    // Assess
    expect(state.admission?.verdict).toBe('admitted');
    const entries = await h.ledger.forIntent('test', state.declared!.intentId);
    const admitted = entries.find((s) => s.entry.type === 'admission.admitted')?.entry.payload as {
      evaluationLog: Array<{ rule: string; status: string; context: Record<string, unknown> }>;
    };
    expect(admitted.evaluationLog.find((r) => r.rule === 'authority-owner-or-delegate')).toMatchObject({
      status: 'compliant',
      context: { basis: 'delegation', delegatedBy: 'alice' },
    });
    const authority = JSON.parse(
      new TextDecoder().decode(evidenceFiles(entries).find((f) => f.name === 'authority.json')!.body),
    );
    // ci-growth is no member of growth: it acts as an engineer there on alice's authority, and says so.
    const fromAlice = { from: 'alice', role: 'engineer', expiresAt: '2099-12-31T00:00:00Z' };
    expect(authority).toMatchObject({
      requester: 'ci-growth',
      delegations: [fromAlice],
      submittedBy: growthCi,
      binding: { basis: 'self', standing: [{ ...fromAlice, to: 'ci-growth' }] },
      reviewers: [],
    });
  });
  test('an unknown field inside the intent (constraints.notbefore) is recorded incomplete naming it, never declared without it', async () => {
    const h = pipelineHarness();
    const raw = intentAt(h, (d) => {
      d.authority = { team: 'growth', role: 'engineer' } as IntentInput['authority'];
      (d.constraints as Record<string, unknown>) = { notbefore: '2026-12-24T10:00:00Z' };
    });
    const { intent } = bindRequester(raw, growthCi, h.deps.catalog, h.clock.now());
    const declared = await declareIntent({ intent, source: 'eventbridge', caller: growthCi }, h.deps);
    expect(declared).toMatchObject({
      verdict: 'incomplete',
      issues: [
        {
          path: 'constraints.notbefore',
          message: "constraints.notbefore is not a field of an itv/v1 intent's constraints",
        },
      ],
    });
  });

  test('CI naming alice (or nobody) on an intent without a change is recorded incomplete naming change, not refused as impersonation', async () => {
    const h = pipelineHarness();
    for (const requester of ['alice', undefined]) {
      const raw = intentAt(h) as Partial<IntentInput>;
      delete raw.change;
      raw.authority = { ...raw.authority!, requester: requester as string };
      const { intent } = bindRequester(raw, growthCi, h.deps.catalog, h.clock.now());
      const declared = await declareIntent({ intent, source: 'eventbridge', caller: growthCi }, h.deps);
      expect(declared).toMatchObject({
        verdict: 'incomplete',
        issues: [{ path: 'change', message: 'change: is required' }],
      });
    }
  });
});
