import { reuseReason } from '../../../lambdas/core/compounding/index.js';
import type { IntentInput } from '../../../lambdas/core/intent.js';
import { ledgerPayloads } from '../../../lambdas/core/ledger/entry-payloads.js';
import { learn } from '../../../lambdas/core/pipeline/learn.js';
import { observe } from '../../../lambdas/core/pipeline/observe.js';
import { recordReview, requestReview } from '../../../lambdas/core/pipeline/review.js';
import {
  type Harness,
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
    // The 5th percentile of Beta(1 + s, 1) is 0.05^(1/(s+1)): 0.473 after 3 clean releases, short of the 0.5 that
    // earns a faster rung, and 0.549 after 4, so the fifth change is the first to release faster.
    expect(strategies.slice(0, 4)).toEqual(Array(4).fill('itv.Linear25Percent8Minutes'));
    expect(strategies[4]).toBe('itv.Linear50Percent2Minutes');
    expect(runs[2]!.learning!.confidence).toBeCloseTo(0.05 ** (1 / 4), 12);
    expect(runs[3]!.learning!.confidence).toBeCloseTo(0.05 ** (1 / 5), 12);
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
    // Prepare: a reversible tier-3 change, released once with dana's approval
    const h = pricingHarness();
    const first = await releaseReviewed(h, pricingChange(h, 10), 'dana');
    // Act
    const second = await runToVerify(h, pricingChange(h, 20));
    // Assess
    expect(second.admission!).toMatchObject({ tier: 3, requiresReviewer: true });
    expect(second.verification).toMatchObject({
      passed: true,
      requiresReview: false,
      reusedDecision: { decisionId: first.decision!.decisionId, reviewer: 'dana' },
    });
    const reused = (await h.ledger.forIntent('test', second.declared!.intentId)).find(
      (s) => s.entry.type === 'decision.reused',
    )!;
    const payload = ledgerPayloads['decision.reused'].parse(reused.entry.payload);
    expect(payload).toMatchObject({
      decisionId: first.decision!.decisionId,
      reviewer: 'dana',
      reviewSkipped: true,
    });
    expect(reuseReason({ cachedDecisionId: payload.decisionId, reviewRegimes: [] }, payload)).toMatch(
      /^standard change: .* approved by dana$/,
    );
  });

  test('an irreversible change is reviewed every time, though its fingerprint released cleanly', async () => {
    // Prepare
    const h = pricingHarness();
    const first = await releaseReviewed(h, pricingChange(h, 10, { reversibility: 'irreversible' }), 'dana');
    // Act: another payload nobody reviewed, which could not be rolled back
    const second = await runToVerify(h, pricingChange(h, 45, { reversibility: 'irreversible' }));
    // Assess
    expect(second.verification!.fingerprint).toBe(first.verification!.fingerprint);
    expect(second.verification).toMatchObject({ passed: true, requiresReview: true });
    expect(second.verification!.reusedDecision).toBeUndefined();
    expect(await verificationReuse(h, second.declared!.intentId)).toEqual({
      cachedDecisionId: first.decision!.decisionId,
      reviewRegimes: [],
      irreversible: true,
    });
    expect(await ledgerTypes(h, second.declared!.intentId)).not.toContain('decision.reused');
  });

  test("a reviewer's approval never stands in for the review of a change they request", async () => {
    // Prepare: dana approved frank's change
    const h = pricingHarness();
    const first = await releaseReviewed(h, pricingChange(h, 10), 'dana');
    // Act: dana requests a change of the same fingerprint herself
    const second = await runToVerify(h, pricingChange(h, 45, { requester: 'dana' }));
    // Assess: frank, the other owner, reviews it
    expect(second.verification).toMatchObject({ passed: true, requiresReview: true });
    expect(second.verification!.reusedDecision).toBeUndefined();
    expect(await verificationReuse(h, second.declared!.intentId)).toEqual({
      cachedDecisionId: first.decision!.decisionId,
      reviewRegimes: [],
      ownApproval: 'dana',
    });
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

/**
 * pricing-engine with two owners, dana and frank (so each may review the other's change), holding restricted data:
 * a reversible policy change to it is tier 3 and waits for a reviewer of record, with no compliance regime
 * that wants every change reviewed.
 */
function pricingHarness(): Harness {
  const h = pipelineHarness(businessHours);
  const catalog = structuredClone(h.deps.catalog);
  const service = catalog.services['pricing-engine']!;
  service.owners = ['dana', 'frank'];
  service.dataClassification = 'restricted';
  h.deps.catalog = catalog;
  return h;
}

const requesters = {
  frank: { requester: 'frank', team: 'revenue', role: 'deal-desk-analyst' },
  dana: { requester: 'dana', team: 'revenue', role: 'engineering-manager' },
} as const;

function pricingChange(
  h: Harness,
  maxDiscountPercent: number,
  options: { requester?: keyof typeof requesters; reversibility?: 'reversible' | 'irreversible' } = {},
) {
  return intentAt(h, (d) => {
    d.authority = { ...requesters[options.requester ?? 'frank'] };
    d.constraints = {
      reversibility: options.reversibility ?? 'reversible',
      onRegression: options.reversibility === 'irreversible' ? 'freeze' : 'rollback',
      checks: [],
    };
    d.change = {
      service: 'pricing-engine',
      profile: 'discount-policy',
      contractVersion: '1.1.0',
      kind: 'policy',
      payload: {
        maxDiscountPercent,
        approvalThresholdUsd: 50000,
        legalReviewAboveUsd: 250000,
        currency: 'EUR',
        regionalMaxDiscountPercent: { EMEA: 30 },
      },
    };
  });
}

/** Runs `intent` through a review `reviewer` approves by the review route, its release, and Learn. */
async function releaseReviewed(h: Harness, intent: IntentInput, reviewer: string) {
  const verified = await runToVerify(h, intent);
  expect(verified.verification).toMatchObject({ passed: true, requiresReview: true });
  const intentId = verified.declared!.intentId;
  await requestReview(intentId, 'token-1', verified, h.deps);
  const { review } = await recordReview(
    {
      intentId,
      decision: 'approved',
      reviewer: { principal: reviewer, authenticatedAs: { method: 'local', via: 'test' } },
    },
    h.deps,
  );
  const released = await runRelease(h, { ...verified, review });
  const observed = { ...released, observation: await observe(released, h.deps) };
  expect((await learn(observed, h.deps)).outcome).toBe('released');
  return verified;
}

/** The `reuse` facts the intent's verification recorded. */
async function verificationReuse(h: Harness, intentId: string) {
  const verified = (await h.ledger.forIntent('test', intentId)).find((s) =>
    s.entry.type.startsWith('verification.'),
  )!;
  return ledgerPayloads['verification.passed'].parse(verified.entry.payload).reuse;
}
