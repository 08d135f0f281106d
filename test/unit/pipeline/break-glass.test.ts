import type { IntentInput } from '../../../lambdas/core/intent.js';
import { admitPolicy } from '../../../lambdas/core/pipeline/admit-policy.js';
import { declareIntent } from '../../../lambdas/core/pipeline/declare-intent.js';
import type { PipelineState } from '../../../lambdas/core/pipeline/state.js';
import { validateStructure } from '../../../lambdas/core/pipeline/validate-structure.js';
import { submittedBy } from '../core/fixtures.js';
import { type Harness, intentAt, pipelineHarness, runToVerify } from './helpers/pipeline-harness.js';

/** Christmas Eve, in the year-end freeze. */
const inFreeze = new Date('2026-12-24T12:00:00Z');

/** alice, engineering manager of growth (who may declare an emergency), fixes an incident in onboarding. */
const incidentFix = (d: IntentInput) => {
  d.title = 'Lower the onboarding risk threshold: verification is rejecting every customer';
  d.change = {
    service: 'customer-onboarding',
    profile: 'verification',
    contractVersion: '1.1.0',
    kind: 'configuration',
    payload: { kycProvider: 'persona', riskScoreThreshold: 0.7, autoProvision: true, handoffSlaHours: 24 },
    fixes: 'INC-4711',
  };
  d.constraints = { reversibility: 'reversible', onRegression: 'rollback', checks: [] };
  d.authority = { requester: 'alice', team: 'growth', role: 'engineering-manager', emergencyOverride: true };
};

async function admitted(h: Harness, intent: IntentInput): Promise<PipelineState> {
  let state: PipelineState = { intent, source: 'cli', caller: submittedBy(intent) };
  state = { ...state, declared: await declareIntent(state, h.deps) };
  state = { ...state, structure: await validateStructure(state, h.deps) };
  return { ...state, admission: await admitPolicy(state, h.deps) };
}

describe('a recorded break-glass through a freeze window', () => {
  test('an emergency fix of an incident is admitted, exempted on the record, and waits for a reviewer', async () => {
    // Prepare
    const h = pipelineHarness(inFreeze);
    // Act
    const verified = await runToVerify(h, intentAt(h, incidentFix));
    // Assess: admitted, with the freeze rule's exemption saying who declared it and which incident it fixes.
    const intentId = verified.declared!.intentId;
    expect(verified.admission).toMatchObject({ verdict: 'admitted', requiresReviewer: true });
    expect(verified.admission!.exemptions).toEqual([
      expect.objectContaining({
        rule: 'operational-freeze-window',
        kind: 'emergency-fix',
        by: 'alice',
        fixes: 'INC-4711',
      }),
    ]);
    const entries = await h.ledger.forIntent('test', intentId);
    const admission = entries.find((s) => s.entry.type === 'admission.admitted')!.entry.payload;
    expect(admission.evaluationLog).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ rule: 'operational-freeze-window', status: 'exempted' }),
      ]),
    );
    // A reviewer of record, never the requester, approves it: customer-onboarding's other owner, bob.
    expect(verified.verification).toMatchObject({ passed: true, requiresReview: true });
    const reviewerCheck = verified.verification!.results.find(
      (r) => r.check === 'reviewer-of-record-assigned',
    );
    expect(reviewerCheck?.detail).toMatch(/bob/);
  });

  test('the same change with no incident it fixes is refused by the freeze', async () => {
    const h = pipelineHarness(inFreeze);
    const state = await admitted(
      h,
      intentAt(h, (d) => {
        incidentFix(d);
        delete d.change.fixes;
      }),
    );
    expect(state.admission).toMatchObject({ verdict: 'rejected' });
    const freeze = state.admission!.failed.find((f) => f.rule === 'operational-freeze-window');
    // What would let it through: a later start, or (declared as an emergency already) the incident it fixes.
    expect(freeze?.remedy).toMatch(/^Schedule it for .* name the incident it fixes in change\.fixes/);
  });

  test('an emergency fix whose release would run into the freeze is exempted on the record and waits for a reviewer', async () => {
    // Prepare: five minutes before the year-end freeze starts, the fix's release would run into it.
    const h = pipelineHarness(new Date('2026-12-20T23:55:00Z'));
    // Act
    const verified = await runToVerify(h, intentAt(h, incidentFix));
    // Assess: the exemption the freeze grants inside the window counts as if the release started there: on the
    // record, reviewed, never released on the requester's word alone.
    expect(verified.admission).toMatchObject({ verdict: 'admitted', requiresReviewer: true });
    expect(verified.admission!.exemptions).toEqual([
      expect.objectContaining({ rule: 'operational-freeze-window', kind: 'emergency-fix', by: 'alice' }),
    ]);
    const entries = await h.ledger.forIntent('test', verified.declared!.intentId);
    const admission = entries.find((s) => s.entry.type === 'admission.admitted')!.entry.payload;
    expect(admission.evaluationLog).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          rule: 'operational-freeze-window',
          status: 'exempted',
          context: expect.objectContaining({ releaseSpan: expect.objectContaining({ phase: 'in-flight' }) }),
        }),
      ]),
    );
    expect(verified.verification).toMatchObject({ passed: true, requiresReview: true });
  });
});
