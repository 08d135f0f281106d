import {
  type CachedDecision,
  decisionFingerprint,
  fingerprintAttributes,
  reuseVerdict,
} from '../../../lambdas/core/compounding/index.js';
import { reviewedComplianceDomains } from '../../../policies/index.js';
import { catalog, makeIntent } from '../core/fixtures.js';

const admission = {
  tier: 1,
  gate: 'auto-continue',
  requiresReviewer: false,
  blastRadius: ['launch-flags', 'pricing-engine', 'hiring-portal'],
  policySetHash: 'p1',
};
const service = catalog.services['launch-flags']!;

describe('decisionFingerprint', () => {
  test('ignores the payload and the order of the blast radius', () => {
    const a = fingerprintAttributes(makeIntent(), admission, service);
    const b = fingerprintAttributes(
      makeIntent((d) => {
        d.change.payload = { 'new-checkout': { enabled: false, rolloutPercent: 1 } };
      }),
      { ...admission, blastRadius: [...admission.blastRadius].reverse() },
      service,
    );
    expect(decisionFingerprint(a)).toBe(decisionFingerprint(b));
  });

  test.each([
    ['policy set', { ...admission, policySetHash: 'p2' }, makeIntent()],
    ['risk tier', { ...admission, tier: 2 }, makeIntent()],
    [
      'change kind',
      admission,
      makeIntent((d) => {
        d.change.kind = 'configuration';
      }),
    ],
    [
      'reversibility',
      admission,
      makeIntent((d) => {
        d.constraints = { reversibility: 'irreversible', onRegression: 'rollback', checks: [] };
      }),
    ],
  ])('changes with the %s', (_name, changedAdmission, intent) => {
    const base = decisionFingerprint(fingerprintAttributes(makeIntent(), admission, service));
    expect(decisionFingerprint(fingerprintAttributes(intent, changedAdmission, service))).not.toBe(base);
  });
});

describe('reuseVerdict', () => {
  const skipsNoReview = { requiresReviewer: false, reversibility: 'reversible', parties: ['alice'] } as const;
  const skipsReview = { ...skipsNoReview, requiresReviewer: true } as const;
  const cached: CachedDecision = {
    fingerprint: 'f',
    decisionId: 'dec-1',
    intentId: 'int-1',
    decisionDigest: 'd',
    reviewer: 'bob',
    releasedAt: '2026-11-04T15:13:00.000Z',
    attributes: fingerprintAttributes(makeIntent(), admission, service),
  };

  test('reuses a cleanly released decision, naming it and its reviewer', () => {
    const verdict = reuseVerdict(cached, service, reviewedComplianceDomains, skipsNoReview);
    expect(verdict.reuse).toBe(true);
    expect(verdict.reason).toMatch(/standard change: dec-1 .* approved by bob/);
  });

  test('never where a regime wants a reviewer of record for every change', () => {
    const verdict = reuseVerdict(
      cached,
      catalog.services['patient-records']!,
      reviewedComplianceDomains,
      skipsNoReview,
    );
    expect(verdict).toEqual({
      reuse: false,
      cachedDecisionId: 'dec-1',
      reviewRegimes: ['HIPAA'],
      reason: expect.stringMatching(/HIPAA requires a reviewer of record/),
    });
  });

  test('stands in for a review of a reversible change requested by someone else than its reviewer', () => {
    expect(reuseVerdict(cached, service, reviewedComplianceDomains, skipsReview)).toMatchObject({
      reuse: true,
      reason: expect.stringMatching(/^standard change: dec-1 .* approved by bob$/),
    });
  });

  test('never stands in for the review of an irreversible change', () => {
    const verdict = reuseVerdict(cached, service, reviewedComplianceDomains, {
      ...skipsReview,
      reversibility: 'irreversible',
    });
    expect(verdict).toEqual({
      reuse: false,
      cachedDecisionId: 'dec-1',
      reviewRegimes: [],
      irreversible: true,
      reason: expect.stringMatching(
        /^an irreversible change is reviewed every time: .*; dec-1 is not reused$/,
      ),
    });
  });

  test.each([
    ['requests', { ...skipsReview, parties: ['bob'] }],
    ['is requested for', { ...skipsReview, parties: ['carol', 'bob'] }],
  ])('never on the approval of a reviewer who %s this change', (_how, candidate) => {
    expect(reuseVerdict(cached, service, reviewedComplianceDomains, candidate)).toEqual({
      reuse: false,
      cachedDecisionId: 'dec-1',
      reviewRegimes: [],
      ownApproval: 'bob',
      reason: expect.stringMatching(
        /^bob approved dec-1 and requests this change .*no one approves their own change; dec-1 is not reused$/,
      ),
    });
  });

  test('an irreversible change or its reviewer requesting it still reuses where no review is skipped', () => {
    const verdict = reuseVerdict(cached, service, reviewedComplianceDomains, {
      ...skipsNoReview,
      reversibility: 'irreversible',
      parties: ['bob'],
    });
    expect(verdict).toMatchObject({ reuse: true });
    expect(verdict).not.toHaveProperty('irreversible');
    expect(verdict).not.toHaveProperty('ownApproval');
  });

  test('nothing to reuse without a cached decision', () => {
    expect(reuseVerdict(undefined, service, reviewedComplianceDomains, skipsNoReview)).toEqual({
      reuse: false,
      cachedDecisionId: null,
      reviewRegimes: [],
      reason: 'no decision with this fingerprint has been released cleanly',
    });
  });
});
