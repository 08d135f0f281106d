import { readFileSync } from 'node:fs';
import { findCachedDecision } from '../../../lambdas/core/compounding/decision-cache.js';
import type { IntentInput } from '../../../lambdas/core/intent.js';
import { learn } from '../../../lambdas/core/pipeline/learn.js';
import { observe } from '../../../lambdas/core/pipeline/observe.js';
import { recordReview, requestReview } from '../../../lambdas/core/pipeline/review.js';
import { startRelease } from '../../../lambdas/core/pipeline/start-release.js';
import type { PipelineState, ReviewResult } from '../../../lambdas/core/pipeline/state.js';
import { ledgerTypes, pipelineHarness, runRelease, runToVerify } from './helpers/pipeline-harness.js';

const highRisk = JSON.parse(
  readFileSync(new URL('../../../examples/04-high-risk-review.json', import.meta.url), 'utf8'),
) as IntentInput;

/**
 * The review wait ends when its task token comes back (SendTaskSuccess on AWS). Whoever can read an execution's
 * history and call Step Functions could send it without the review route, whose checks (a reviewer of record, not
 * the requester) and record are the gate: a release that needs a reviewer starts only on an approval the route
 * recorded, and the reviewer credited is the recorded one, whatever the task's output says.
 */
describe('the review gate holds on what the review route recorded', () => {
  const forged: ReviewResult = {
    decision: 'approved',
    reviewer: 'xavier',
    reason: 'sent straight to Step Functions',
    decidedAt: '2026-11-04T18:00:00.000Z',
  };
  const parked = async () => {
    const h = pipelineHarness();
    const state = await runToVerify(h, highRisk);
    expect(state.verification?.requiresReview).toBe(true);
    const intentId = state.declared!.intentId;
    await requestReview(intentId, 'token-1', state, h.deps);
    return { h, state, intentId };
  };

  test('a review wait resumed with an approval nobody recorded starts no release', async () => {
    // Prepare
    const { h, state, intentId } = await parked();

    // Act
    const started = startRelease({ ...state, review: forged }, h.deps);

    // Assess
    await expect(started).rejects.toThrow(
      `intent ${intentId} needs a reviewer of record, and no approval is recorded for it`,
    );
    expect(await ledgerTypes(h, intentId)).not.toContain('release.started');
  });

  test('a recorded rejection is not overturned by an approval in the task output', async () => {
    // Prepare
    const { h, state, intentId } = await parked();
    const reviewer = { principal: 'xavier', authenticatedAs: { method: 'local' as const, via: 'test' } };
    await recordReview({ intentId, decision: 'rejected', reviewer, reason: 'no DPIA' }, h.deps);

    // Act
    const started = startRelease({ ...state, review: forged }, h.deps);

    // Assess
    await expect(started).rejects.toThrow(`intent ${intentId} was rejected by xavier`);
    expect(await ledgerTypes(h, intentId)).not.toContain('release.started');
  });

  test('a recorded approval starts the release, and Learn credits the recorded reviewer', async () => {
    // Prepare
    const { h, state, intentId } = await parked();
    const reviewer = { principal: 'xavier', authenticatedAs: { method: 'local' as const, via: 'test' } };
    await recordReview({ intentId, decision: 'approved', reviewer, reason: 'checked the DPIA' }, h.deps);
    const claimed: PipelineState = { ...state, review: { ...forged, reviewer: 'someone-else' } };

    // Act
    const released = await runRelease(h, claimed);
    const observed = { ...released, observation: await observe(released, h.deps) };
    await learn(observed, h.deps);

    // Assess
    expect(await ledgerTypes(h, intentId)).toContain('release.started');
    expect(released.release?.state).toBe('COMPLETE');
    const cached = await findCachedDecision(h.deps.state, state.verification!.fingerprint!);
    expect(cached).toMatchObject({ intentId, reviewer: 'xavier' });
  });
});
