import { namedLocally } from '../../../cli/runtime/local-caller.js';
import { NotInControlError } from '../../../lambdas/core/errors.js';
import { learn } from '../../../lambdas/core/pipeline/learn.js';
import { planRetry } from '../../../lambdas/core/pipeline/retry-intent.js';
import { requestStop } from '../../../lambdas/core/pipeline/stop-intent.js';
import { type Harness, intentAt, pipelineHarness, runToVerify } from './helpers/pipeline-harness.js';

/** bob (a growth engineer, not an owner) requests a change to launch-flags, which alice owns. */
async function bobsChangeStoppedBy(who: string): Promise<{ h: Harness; intentId: string }> {
  const h = pipelineHarness();
  const intent = intentAt(h, (draft) => {
    draft.authority = { requester: 'bob', team: 'growth', role: 'engineer' };
  });
  const verified = await runToVerify(h, intent);
  const intentId = verified.declared!.intentId;
  await requestStop({ intentId, reason: 'CAB withdrew approval', caller: namedLocally(who, 'test') }, h.deps);
  await learn(
    { ...verified, stopped: { Error: 'IntentStoppedError', Cause: `stopped at Verify by ${who}: x` } },
    h.deps,
  );
  return { h, intentId };
}

const retryAs = (h: Harness, intentId: string, who: string) =>
  planRetry(intentId, namedLocally(who, 'test'), h.deps).catch((error: unknown) => error);

describe('who may retry after a stop', () => {
  test('an owner stopped it: its requester alone may not retry it; the owner may', async () => {
    // Prepare
    const { h, intentId } = await bobsChangeStoppedBy('alice');
    // Act
    const byRequester = await retryAs(h, intentId, 'bob');
    const byOwner = await retryAs(h, intentId, 'alice');
    // Assess
    expect(byRequester).toBeInstanceOf(NotInControlError);
    expect((byRequester as Error).message).toMatch(
      /^bob may not retry intent .*: it was stopped by alice \(an owner of launch-flags\); only an owner of launch-flags \(alice\)(?: or a release steward \(.+\))? may retry it$/,
    );
    expect(byOwner).toMatchObject({ intentId, previousRunId: intentId });
  });

  test('the requester stopped it: the requester may retry it', async () => {
    const { h, intentId } = await bobsChangeStoppedBy('bob');
    expect(await retryAs(h, intentId, 'bob')).toMatchObject({ intentId, previousRunId: intentId });
  });
});
