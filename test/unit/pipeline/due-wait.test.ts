import { namedLocally } from '../../../cli/runtime/local-caller.js';
import { duePark, parkUntilDue } from '../../../lambdas/core/pipeline/due-wait.js';
import { requestStop } from '../../../lambdas/core/pipeline/stop-intent.js';
import { intentAt, pipelineHarness, runToVerify } from './helpers/pipeline-harness.js';
import { recordingWake } from './helpers/recording-wake.js';

describe("a scheduled intent's park until its due instant (AwaitDue)", () => {
  test('keeps its token where a later stop finds it, and wakes itself when the stop came first', async () => {
    // Prepare: an intent in flight (the park needs only its id and the state store).
    const h = pipelineHarness();
    const wake = recordingWake();
    const deps = { ...h.deps, laneWake: wake };
    const intentId = (await runToVerify(h, intentAt(h))).declared!.intentId;

    // Act: parked with no stop asked, then stopped, then parked again (a retried Task) after the stop.
    const before = await parkUntilDue(intentId, 'token-1', deps);
    const tokenForTheStop = await duePark(intentId, deps);
    await requestStop({ intentId, reason: 'the launch moved', caller: namedLocally('alice', 'test') }, deps);
    const after = await parkUntilDue(intentId, 'token-2', deps);

    // Assess
    expect(before).toEqual({ stopped: false });
    expect(tokenForTheStop).toBe('token-1');
    expect(after).toEqual({ stopped: true });
    expect(wake.woken).toEqual(['token-2']);
    expect(await duePark(intentId, deps)).toBe('token-2');
  });
});
