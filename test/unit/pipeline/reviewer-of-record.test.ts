import { readFileSync } from 'node:fs';
import type { IntentInput } from '../../../lambdas/core/intent.js';
import { intentAt, ledgerTypes, pipelineHarness, runToVerify } from './helpers/pipeline-harness.js';

const highRisk = JSON.parse(
  readFileSync(new URL('../../../examples/04-high-risk-review.json', import.meta.url), 'utf8'),
) as IntentInput;

/** Irreversible changes to pricing-engine are admitted in its business hours. */
const businessHours = new Date('2026-11-04T17:00:00Z');

/**
 * A change that needs a reviewer of record waits for one; when the catalog names nobody who may decide it (the
 * service's only owner requested it, and its domains have no reviewers) it would wait out the whole review window
 * for nothing, so Verify fails it at once, naming the check and what the catalog lacks.
 */
describe('Verify: a reviewer of record exists for a change that needs one', () => {
  test('the catalog names nobody but the requester: verification fails, naming the remedy', async () => {
    // Prepare: pricing-engine's one owner is dana, and SOC2 has no reviewers of record.
    const h = pipelineHarness(businessHours);
    const intent = intentAt(h, (d) => {
      d.authority = { requester: 'dana', team: 'revenue', role: 'engineering-manager' };
      d.constraints = { reversibility: 'irreversible', onRegression: 'freeze', checks: [] };
      d.change = {
        service: 'pricing-engine',
        profile: 'discount-policy',
        contractVersion: '1.1.0',
        kind: 'configuration',
        payload: {
          maxDiscountPercent: 10,
          approvalThresholdUsd: 50000,
          legalReviewAboveUsd: 250000,
          currency: 'EUR',
          regionalMaxDiscountPercent: { EMEA: 30 },
        },
      };
    });

    // Act
    const state = await runToVerify(h, intent);

    // Assess
    expect(state.admission?.requiresReviewer).toBe(true);
    expect(state.verification?.passed).toBe(false);
    expect(state.verification?.results).toContainEqual({
      check: 'reviewer-of-record-assigned',
      passed: false,
      detail:
        'this change needs a reviewer of record, and the catalog names nobody who may decide it: a change to pricing-engine is decided by its owners (dana), and dana requested it (separation of duties); add another owner of pricing-engine to the catalog',
    });
    expect(await ledgerTypes(h, state.declared!.intentId)).toContain('verification.failed');
  });

  test('a reviewer of record is assigned: the check passes, names who will decide, and says the review is pending', async () => {
    // Act
    const h = pipelineHarness();
    const state = await runToVerify(h, highRisk);

    // Assess: it says a reviewer is assigned, never that anyone approved.
    expect(state.verification).toMatchObject({ passed: true, requiresReview: true });
    expect(state.verification?.results).toContainEqual({
      check: 'reviewer-of-record-assigned',
      passed: true,
      detail: 'xavier will decide (review pending)',
    });
    expect(state.verification?.results.map((r) => r.check)).not.toContain('reviewer-of-record');
  });
});
