import { readFileSync } from 'node:fs';
import { namedLocally } from '../../../cli/runtime/local-caller.js';
import { IneligibleReviewerError, SeparationOfDutiesError } from '../../../lambdas/core/errors.js';
import type { IntentInput } from '../../../lambdas/core/intent.js';
import { learn } from '../../../lambdas/core/pipeline/learn.js';
import { recordFailure } from '../../../lambdas/core/pipeline/record-failure.js';
import {
  NotAwaitingReviewError,
  recordReview,
  requestReview,
} from '../../../lambdas/core/pipeline/review.js';
import { requestStop } from '../../../lambdas/core/pipeline/stop-intent.js';
import { stateKeys } from '../../../lambdas/core/state-keys.js';
import { ledgerTypes, pipelineHarness, runToVerify } from './helpers/pipeline-harness.js';

const highRisk = JSON.parse(
  readFileSync(new URL('../../../examples/04-high-risk-review.json', import.meta.url), 'utf8'),
) as IntentInput;

const xavier = namedLocally('xavier', 'test');

/** An intent that needs a reviewer of record, parked at its review wait. */
async function parked() {
  const h = pipelineHarness();
  const state = await runToVerify(h, highRisk);
  const intentId = state.declared!.intentId;
  await requestReview(intentId, 'token-1', state, h.deps);
  return { h, state, intentId };
}

/** The stop as the state machine honours it at the review wait: IntentStoppedError caught into Learn. */
const stoppedAtReview = { Error: 'IntentStoppedError', Cause: 'stopped at AwaitReview by victor: withdraw' };

describe('a review of an intent that no longer waits for one records nothing', () => {
  test.each(['rejected', 'approved'] as const)(
    'a review %s after the stop concluded the intent is NotAwaitingReviewError, and the ledger ends at the conclusion',
    async (decision) => {
      // Prepare: the requester stops the intent while it waits; Learn concludes it stopped.
      const { h, state, intentId } = await parked();
      await requestStop(
        { intentId, reason: 'withdraw', caller: namedLocally(highRisk.authority.requester, 'test') },
        h.deps,
      );
      await learn({ ...state, stopped: stoppedAtReview }, h.deps);

      // Act
      const refused = await recordReview(
        { intentId, decision, reviewer: xavier, reason: 'too risky' },
        h.deps,
      ).catch((error: unknown) => error);

      // Assess
      expect(refused).toBeInstanceOf(NotAwaitingReviewError);
      expect((refused as Error).message).toMatch(/stopped/);
      const types = await ledgerTypes(h, intentId);
      expect(types.at(-1)).toBe('intent.concluded');
      expect(types.filter((type) => type.startsWith('review.') && type !== 'review.requested')).toEqual([]);
    },
  );

  test('a review sent once the stop is requested, before Learn concludes, records nothing', async () => {
    // Prepare
    const { h, intentId } = await parked();
    await requestStop(
      { intentId, reason: 'withdraw', caller: namedLocally(highRisk.authority.requester, 'test') },
      h.deps,
    );

    // Act
    const refused = await recordReview(
      { intentId, decision: 'rejected', reviewer: xavier, reason: 'too risky' },
      h.deps,
    ).catch((error: unknown) => error);

    // Assess
    expect(refused).toBeInstanceOf(NotAwaitingReviewError);
    expect(await ledgerTypes(h, intentId)).not.toContain('review.rejected');
    const review = stateKeys.review(intentId);
    expect(await h.store.get(review.pk, review.sk)).toBeUndefined();
  });

  test('a review after the wait failed (timed out) is refused', async () => {
    // Prepare
    const { h, state, intentId } = await parked();
    await recordFailure({ ...state, error: { Error: 'States.Timeout', Cause: 'review wait' } }, h.deps);

    // Act
    const refused = await recordReview(
      { intentId, decision: 'approved', reviewer: xavier, reason: 'late' },
      h.deps,
    ).catch((error: unknown) => error);

    // Assess
    expect(refused).toBeInstanceOf(NotAwaitingReviewError);
    expect((await ledgerTypes(h, intentId)).at(-1)).toBe('stage.failed');
  });

  test('a conclusion between the review decided and its ledger entry records the review first', async () => {
    // Prepare: the stop and Learn run right after the review is decided in the state table, before its entry.
    const { h, state, intentId } = await parked();
    const put = h.deps.state.put.bind(h.deps.state);
    const reviewKey = stateKeys.review(intentId);
    let raced = false;
    h.deps.state.put = (async (...args: Parameters<typeof put>) => {
      const written = await put(...args);
      if (!raced && args[0] === reviewKey.pk && args[1] === reviewKey.sk) {
        raced = true;
        await requestStop(
          { intentId, reason: 'withdraw', caller: namedLocally(highRisk.authority.requester, 'test') },
          h.deps,
        );
        await learn({ ...state, stopped: stoppedAtReview }, h.deps);
      }
      return written;
    }) as typeof put;

    // Act
    await recordReview({ intentId, decision: 'rejected', reviewer: xavier, reason: 'too risky' }, h.deps);

    // Assess: the review's one entry precedes the conclusion; nothing follows it.
    const types = await ledgerTypes(h, intentId);
    expect(raced).toBe(true);
    expect(types.filter((type) => type === 'review.rejected')).toHaveLength(1);
    expect(types.indexOf('review.rejected')).toBeLessThan(types.indexOf('intent.concluded'));
    expect(types.at(-1)).toBe('intent.concluded');
  });

  test('who may not review hears so (403), not how the intent ended (409): the requester and a stranger', async () => {
    // Prepare: the intent stopped and concluded while it waited.
    const { h, state, intentId } = await parked();
    const requester = namedLocally(highRisk.authority.requester, 'test');
    await requestStop({ intentId, reason: 'withdraw', caller: requester }, h.deps);
    await learn({ ...state, stopped: stoppedAtReview }, h.deps);

    // Act
    const bySelf = await recordReview({ intentId, decision: 'approved', reviewer: requester }, h.deps).catch(
      (error: unknown) => error,
    );
    const byStranger = await recordReview(
      { intentId, decision: 'approved', reviewer: namedLocally('mallory', 'test') },
      h.deps,
    ).catch((error: unknown) => error);

    // Assess
    expect(bySelf).toBeInstanceOf(SeparationOfDutiesError);
    expect(byStranger).toBeInstanceOf(IneligibleReviewerError);
    expect((byStranger as Error).message).not.toMatch(/stopped/);
  });

  test('a review sent again once the intent ended says who decided it first, and that this one is not recorded', async () => {
    // Prepare: xavier approves; the requester then stops the intent, and it concludes stopped.
    const { h, state, intentId } = await parked();
    await recordReview({ intentId, decision: 'approved', reviewer: xavier }, h.deps);
    await requestStop(
      { intentId, reason: 'withdraw', caller: namedLocally(highRisk.authority.requester, 'test') },
      h.deps,
    );
    await learn({ ...state, stopped: stoppedAtReview }, h.deps);

    // Act
    const again = await recordReview({ intentId, decision: 'approved', reviewer: xavier }, h.deps).catch(
      (error: unknown) => error,
    );

    // Assess
    expect(again).toBeInstanceOf(NotAwaitingReviewError);
    expect((again as Error).message).toBe(
      `intent ${intentId} was already approved by xavier; intent ${intentId} is stopped: it no longer waits for a review, so this one is not recorded`,
    );
  });
});
