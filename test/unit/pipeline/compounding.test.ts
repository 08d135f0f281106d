import { reuseReason } from '../../../lambdas/core/compounding/index.js';
import { ledgerPayloads } from '../../../lambdas/core/ledger/entry-payloads.js';
import { learn } from '../../../lambdas/core/pipeline/learn.js';
import { observe } from '../../../lambdas/core/pipeline/observe.js';
import { recordReview, requestReview } from '../../../lambdas/core/pipeline/review.js';
import {
  intentAt,
  launchFlagsBusinessHours,
  ledgerTypes,
  pipelineHarness,
  runIntent,
  runRelease,
  runToVerify,
} from './helpers/pipeline-harness.js';

const businessHours = launchFlagsBusinessHours;

describe('compounding: confidence earns a faster strategy', () => {
  test('the fifth clean change of a kind releases faster in virtual time than the first', async () => {
    // Prepare
    const h = pipelineHarness();
    const runs = [];
    // Act
    for (let n = 1; n <= 5; n++) {
      const intent = intentAt(h, (d) => {
        d.change.payload = { 'new-checkout': { enabled: true, rolloutPercent: n * 10 } };
      });
      runs.push(await runIntent(h, intent));
    }
    // Assess
    expect(runs.map((r) => r.learning!.outcome)).toEqual(Array(5).fill('released'));
    const strategies = runs.map((r) => r.release!.strategy);
    expect(strategies[0]).toBe('itv.Linear25Percent8Minutes');
    expect(strategies[4]).toBe('itv.Linear50Percent2Minutes');
    const first = runs[0]!.learning!.timeToValueSeconds!;
    const fifth = runs[4]!.learning!.timeToValueSeconds!;
    expect(fifth).toBeLessThan(first);
    const confidences = runs.map((r) => r.learning!.confidence);
    for (let i = 1; i < 5; i++) expect(confidences[i]!).toBeGreaterThan(confidences[i - 1]!);
  });
});

describe('compounding: decision reuse by fingerprint', () => {
  test('a standard change reuses the decision that released cleanly and reports continuity', async () => {
    // Prepare
    const h = pipelineHarness();
    const change = (n: number) =>
      intentAt(h, (d) => {
        d.change.payload = { 'new-checkout': { enabled: true, rolloutPercent: n } };
      });
    const first = await runIntent(h, change(10));
    // Act
    const second = await runIntent(h, change(20));
    // Assess
    expect(first.verification!.reusedDecision).toBeUndefined();
    expect(second.verification!.fingerprint).toBe(first.verification!.fingerprint);
    expect(second.verification!.reusedDecision).toMatchObject({
      decisionId: first.decision!.decisionId,
      intentId: first.declared!.intentId,
    });
    expect(await ledgerTypes(h, second.declared!.intentId)).toContain('decision.reused');
    expect(first.learning!.decisionContinuityRate).toBe(0);
    expect(second.learning!.decisionContinuityRate).toBe(0.5);
  });

  test('a tier that needs a reviewer skips review when its decision is reused, naming the reviewer', async () => {
    // Prepare: an irreversible pricing change is tier 3 (reviewer required, and no regime that wants one each time)
    const h = pipelineHarness(businessHours);
    // frank (deal-desk-analyst) co-owns pricing-engine here, so dana, its other owner, may review his change.
    const catalog = structuredClone(h.deps.catalog);
    catalog.services['pricing-engine']!.owners = ['dana', 'frank'];
    h.deps.catalog = catalog;
    const change = (n: number) =>
      intentAt(h, (d) => {
        d.authority = { requester: 'frank', team: 'revenue', role: 'deal-desk-analyst' };
        d.constraints = { reversibility: 'irreversible', onRegression: 'freeze', checks: [] };
        d.change = {
          service: 'pricing-engine',
          profile: 'discount-policy',
          contractVersion: '1.1.0',
          kind: 'configuration',
          payload: {
            maxDiscountPercent: n,
            approvalThresholdUsd: 50000,
            legalReviewAboveUsd: 250000,
            currency: 'EUR',
            regionalMaxDiscountPercent: { EMEA: 30 },
          },
        };
      });
    const firstVerified = await runToVerify(h, change(10));
    expect(firstVerified.verification).toMatchObject({ passed: true, requiresReview: true });
    // The reviewer of record approves through the review route, which records the approval the release needs.
    const intentId = firstVerified.declared!.intentId;
    await requestReview(intentId, 'token-1', firstVerified, h.deps);
    const { review } = await recordReview(
      {
        intentId,
        decision: 'approved',
        reviewer: { principal: 'dana', authenticatedAs: { method: 'local', via: 'test' } },
      },
      h.deps,
    );
    const reviewed = { ...firstVerified, review };
    const released = await runRelease(h, reviewed);
    const observed = { ...released, observation: await observe(released, h.deps) };
    await learn(observed, h.deps);
    // Act
    const second = await runToVerify(h, change(20));
    // Assess
    expect(second.admission!.requiresReviewer).toBe(true);
    expect(second.verification).toMatchObject({
      passed: true,
      requiresReview: false,
      reusedDecision: { decisionId: firstVerified.decision!.decisionId, reviewer: 'dana' },
    });
    const reused = (await h.ledger.forIntent('test', second.declared!.intentId)).find(
      (s) => s.entry.type === 'decision.reused',
    )!;
    const payload = ledgerPayloads['decision.reused'].parse(reused.entry.payload);
    expect(payload).toMatchObject({
      decisionId: firstVerified.decision!.decisionId,
      reviewer: 'dana',
      reviewSkipped: true,
    });
    expect(reuseReason({ cachedDecisionId: payload.decisionId, reviewRegimes: [] }, payload)).toMatch(
      /^standard change: .* approved by dana$/,
    );
  });

  test('a regression under a fingerprint forgets its decision, so the next change is decided afresh', async () => {
    // Prepare
    const h = pipelineHarness();
    await runIntent(h, intentAt(h));
    const faulty = intentAt(h, (d) => {
      d.change.payload = { 'new-checkout': { enabled: true, rolloutPercent: 50 } };
      Object.assign(d, { simulation: { fault: { metric: 'errorRate', value: 0.2, atPercent: 25 } } });
    });
    const regressed = await runIntent(h, faulty);
    // Act
    const next = await runToVerify(
      h,
      intentAt(h, (d) => {
        d.change.payload = { 'new-checkout': { enabled: true, rolloutPercent: 5 } };
      }),
    );
    // Assess
    expect(regressed.learning!.outcome).toBe('rolled-back');
    expect(regressed.verification!.reusedDecision).toBeDefined();
    expect(next.verification!.reusedDecision).toBeUndefined();
    const concluded = (await h.ledger.forIntent('test', regressed.declared!.intentId)).find(
      (s) => s.entry.type === 'intent.concluded',
    )!;
    expect(concluded.entry.payload).toMatchObject({
      decisionCache: 'forgotten',
      releaseVerdict: 'regressed',
    });
  });

  test('a different contract version is a different fingerprint', async () => {
    // Prepare
    const h = pipelineHarness();
    const first = await runIntent(h, intentAt(h));
    // Act
    const other = await runToVerify(
      h,
      intentAt(h, (d) => {
        d.change.contractVersion = '1.1.0';
      }),
    );
    // Assess
    expect(other.verification!.fingerprint).not.toBe(first.verification!.fingerprint);
    expect(other.verification!.reusedDecision).toBeUndefined();
  });
});
