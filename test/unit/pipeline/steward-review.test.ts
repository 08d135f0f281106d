import type { Catalog } from '../../../lambdas/core/catalog-schema.js';
import { IneligibleReviewerError, SeparationOfDutiesError } from '../../../lambdas/core/errors.js';
import type { IntentInput } from '../../../lambdas/core/intent.js';
import {
  recordReview,
  requestReview,
  reviewerOfRecordCheck,
  reviewersOfRecord,
} from '../../../lambdas/core/pipeline/review.js';
import type { AdmissionResult } from '../../../lambdas/core/pipeline/state.js';
import type { Caller } from '../../../lambdas/core/principals/index.js';
import { defaultPolicySet } from '../../../policies/index.js';
import { catalog, makeIntent } from '../core/fixtures.js';
import { type Harness, intentAt, pipelineHarness, runToVerify } from './helpers/pipeline-harness.js';

/** Christmas Eve, in the year-end freeze. */
const inFreeze = new Date('2026-12-24T12:00:00Z');

const as = (principal: string): Caller => ({
  principal,
  authenticatedAs: { method: 'local', via: 'test' },
  matched: `principals.${principal}`,
});

/**
 * grace, the SRE lead and incident-router's only owner, breaks the freeze to fix the incident it pages nobody
 * for: an emergency override that names its incident.
 */
const loneOwnerFix = (d: IntentInput) => {
  d.title = 'Page on a 1% error rate now: INC-5120 pages nobody';
  d.change = {
    service: 'incident-router',
    profile: 'routing',
    contractVersion: '1.0.0',
    kind: 'configuration',
    payload: { pageOnErrorRateAbove: 0.01, pageAfterMinutes: 3, escalateAfterMinutes: 15 },
    fixes: 'INC-5120',
  };
  d.constraints = { reversibility: 'reversible', onRegression: 'rollback', checks: [] };
  d.authority = { requester: 'grace', team: 'sre', role: 'sre-lead', emergencyOverride: true };
  d.tags = { team: 'sre' };
};

/** What admission records of the freeze rule's break-glass for `loneOwnerFix`. */
const breakGlassAdmission: Pick<AdmissionResult, 'exemptions'> = {
  exemptions: [
    {
      rule: 'operational-freeze-window',
      kind: 'emergency-fix',
      by: 'grace',
      role: 'sre-lead',
      team: 'sre',
      fixes: 'INC-5120',
    },
  ],
};

const deps = { catalog, policies: defaultPolicySet };

async function parkedForReview(h: Harness) {
  const state = await runToVerify(h, intentAt(h, loneOwnerFix));
  const intentId = state.declared!.intentId;
  await requestReview(intentId, 'token-1', state, h.deps);
  return { state, intentId };
}

describe('a release steward is a reviewer of record for a break-glass', () => {
  test('a lone owner breaking the freeze passes Verify: a release steward will decide', async () => {
    // Prepare
    const h = pipelineHarness(inFreeze);

    // Act
    const state = await runToVerify(h, intentAt(h, loneOwnerFix));

    // Assess
    expect(state.admission?.exemptions).toEqual([
      expect.objectContaining({ by: 'grace', fixes: 'INC-5120' }),
    ]);
    expect(state.verification).toMatchObject({ passed: true, requiresReview: true });
    const check = state.verification!.results.find((r) => r.check === 'reviewer-of-record-assigned');
    expect(check).toEqual({
      check: 'reviewer-of-record-assigned',
      passed: true,
      detail: 'heidi (release steward, for this break-glass) will decide (review pending)',
    });
  });

  test('the review request names the steward, and the steward approves as one, on the record', async () => {
    // Prepare
    const h = pipelineHarness(inFreeze);
    const { intentId } = await parkedForReview(h);

    // Act
    const { review } = await recordReview(
      { intentId, decision: 'approved', reviewer: as('heidi'), reason: 'INC-5120 checked' },
      h.deps,
    );

    // Assess
    expect(review).toMatchObject({ decision: 'approved', reviewer: 'heidi', as: 'release-steward' });
    const entries = (await h.ledger.forIntent('test', intentId)).map((s) => s.entry);
    expect(entries.find((e) => e.type === 'review.requested')?.payload).toMatchObject({
      requester: 'grace',
      reviewers: ['heidi'],
    });
    expect(entries.find((e) => e.type === 'review.approved')?.payload).toMatchObject({
      reviewer: 'heidi',
      as: 'release-steward',
    });
  });

  test('the requester still cannot approve her own break-glass, and is told the steward may', async () => {
    // Prepare
    const h = pipelineHarness(inFreeze);
    const { intentId } = await parkedForReview(h);

    // Act
    const error = await recordReview({ intentId, decision: 'approved', reviewer: as('grace') }, h.deps).catch(
      (e: unknown) => e,
    );

    // Assess
    expect(error).toBeInstanceOf(SeparationOfDutiesError);
    expect((error as Error).message).toBe(
      'grace requested this change, and the requester cannot review it (separation of duties): another reviewer of record must (heidi (release steward, for this break-glass))',
    );
  });

  test('a teammate who is neither owner nor steward is refused, naming the steward', async () => {
    // Prepare
    const h = pipelineHarness(inFreeze);
    const { intentId } = await parkedForReview(h);

    // Act
    const error = await recordReview({ intentId, decision: 'approved', reviewer: as('ivan') }, h.deps).catch(
      (e: unknown) => e,
    );

    // Assess
    expect(error).toBeInstanceOf(IneligibleReviewerError);
    expect((error as Error).message).toBe(
      'ivan is not a reviewer of record for incident-router: eligible are heidi (release steward, for this break-glass)',
    );
  });

  test('an owner who approves a break-glass does so as an owner; the steward is eligible beside them', async () => {
    // Prepare: alice breaks the freeze on customer-onboarding, which bob owns with her
    const h = pipelineHarness(inFreeze);
    const state = await runToVerify(
      h,
      intentAt(h, (d) => {
        d.change = {
          service: 'customer-onboarding',
          profile: 'verification',
          contractVersion: '1.1.0',
          kind: 'configuration',
          payload: {
            kycProvider: 'persona',
            riskScoreThreshold: 0.7,
            autoProvision: true,
            handoffSlaHours: 24,
          },
          fixes: 'INC-4711',
        };
        d.constraints = { reversibility: 'reversible', onRegression: 'rollback', checks: [] };
        d.authority = {
          requester: 'alice',
          team: 'growth',
          role: 'engineering-manager',
          emergencyOverride: true,
        };
      }),
    );
    const intentId = state.declared!.intentId;
    await requestReview(intentId, 'token-1', state, h.deps);

    // Act
    const { review } = await recordReview({ intentId, decision: 'approved', reviewer: as('bob') }, h.deps);

    // Assess
    expect(review).toMatchObject({ reviewer: 'bob', as: 'owner' });
    const requested = (await h.ledger.forIntent('test', intentId)).find(
      (s) => s.entry.type === 'review.requested',
    );
    expect(requested?.entry.payload).toMatchObject({ reviewers: ['bob', 'heidi'] });
  });
});

describe('outside a break-glass the reviewers of record are as before', () => {
  const graceChange = (emergencyOverride: boolean) =>
    makeIntent((d) => {
      loneOwnerFix(d);
      d.authority.emergencyOverride = emergencyOverride;
    });

  test('an ordinary change by the only owner has no reviewer of record, and the check says what would fix it', () => {
    // Prepare
    const intent = graceChange(false);

    // Act
    const eligible = reviewersOfRecord(intent, { exemptions: [] }, deps);
    const check = reviewerOfRecordCheck(intent, {}, deps);

    // Assess
    expect(eligible).toEqual([]);
    expect(check).toEqual({
      check: 'reviewer-of-record-assigned',
      passed: false,
      detail:
        'this change needs a reviewer of record, and the catalog names nobody who may decide it: a change to incident-router is decided by its owners (grace), and grace requested it (separation of duties); add another owner of incident-router to the catalog',
    });
  });

  test('an emergency override that no rule had to exempt is no break-glass: the stewards are not added', () => {
    expect(reviewersOfRecord(graceChange(true), { exemptions: [] }, deps)).toEqual([]);
    expect(reviewersOfRecord(graceChange(true), undefined, deps)).toEqual([]);
  });

  test('an exemption without an emergency override adds no steward either', () => {
    expect(reviewersOfRecord(graceChange(false), breakGlassAdmission, deps)).toEqual([]);
  });

  test('a service with reviewed compliance domains keeps its domain reviewers only, break-glass or not', () => {
    // patient-records (HIPAA): the HIPAA reviewer of record decides, never a release steward in their place
    const intent = makeIntent((d) => {
      d.change = { ...d.change, service: 'patient-records' };
      d.authority = {
        requester: 'victor',
        team: 'clinical',
        role: 'engineering-manager',
        emergencyOverride: true,
      };
    });
    expect(reviewersOfRecord(intent, breakGlassAdmission, deps)).toEqual(['xavier']);
  });
});

describe('separation of duties holds for release stewards', () => {
  const withStewards = (releaseStewards: string[]): Catalog => ({ ...catalog, releaseStewards });
  const breakGlass = (edit: (d: IntentInput) => void = () => {}) =>
    makeIntent((d) => {
      loneOwnerFix(d);
      edit(d);
    });

  test('a steward who requested the break-glass is not its reviewer', () => {
    const eligible = reviewersOfRecord(breakGlass(), breakGlassAdmission, {
      ...deps,
      catalog: withStewards(['grace', 'heidi']),
    });
    expect(eligible).toEqual(['heidi']);
  });

  test('nor the steward it was requested on behalf of', () => {
    const intent = breakGlass((d) => {
      d.authority.onBehalfOf = 'heidi';
    });
    expect(reviewersOfRecord(intent, breakGlassAdmission, deps)).toEqual([]);
  });

  test('nor a steward whose delegation the requester relied on', () => {
    const intent = breakGlass((d) => {
      d.authority.delegations = [
        { from: 'heidi', role: 'sre-lead', services: ['incident-router'], expiresAt: '2099-12-31T00:00:00Z' },
      ];
    });
    expect(reviewersOfRecord(intent, breakGlassAdmission, deps)).toEqual([]);
  });

  test('with no steward eligible, the check names the stewards beside the owners and what would fix it', () => {
    const intent = breakGlass((d) => {
      d.authority.onBehalfOf = 'heidi';
    });
    expect(reviewerOfRecordCheck(intent, breakGlassAdmission, deps)).toEqual({
      check: 'reviewer-of-record-assigned',
      passed: false,
      detail:
        'this change needs a reviewer of record, and the catalog names nobody who may decide it: a change to incident-router is decided by its owners or, for a break-glass, a release steward (grace, heidi), and grace requested it, and it is made on behalf of heidi (separation of duties); add another owner of incident-router or a release steward to the catalog',
    });
  });
});
