import { describeStage, progressPrinter } from '../../../cli/progress.js';
import { namedLocally } from '../../../cli/runtime/local-caller.js';
import type { ProgressEvent } from '../../../cli/runtime/local-pipeline.js';
import { admitPolicy } from '../../../lambdas/core/pipeline/admit-policy.js';
import { checkRelease } from '../../../lambdas/core/pipeline/check-release.js';
import { learn } from '../../../lambdas/core/pipeline/learn.js';
import { observe } from '../../../lambdas/core/pipeline/observe.js';
import type { PipelineState } from '../../../lambdas/core/pipeline/state.js';
import { intentStatus } from '../../../lambdas/core/pipeline/status.js';
import { requestStop } from '../../../lambdas/core/pipeline/stop-intent.js';
import {
  emergencyFix,
  errorRateFault,
  type Harness,
  intentAt,
  pipelineHarness,
  routineReleasing,
  runRelease,
  runToVerify,
} from './helpers/pipeline-harness.js';

/** A routine release preempted by an emergency fix of its service, three minutes in, before its next poll. */
async function preemptedRoutine(h: Harness): Promise<{ routine: PipelineState; fix: PipelineState }> {
  const routine = await routineReleasing(h);
  h.clock.advance(3 * 60_000);
  return { routine, fix: await runToVerify(h, intentAt(h, emergencyFix)) };
}

async function reasonsOf(h: Harness, state: PipelineState): Promise<string> {
  const intentId = state.declared!.intentId;
  return intentStatus(intentId, await h.ledger.forIntent('test', intentId))!.reasons.join('\n');
}

const checkLine = (output: Record<string, unknown>) =>
  describeStage({ executionId: 'e-1', intentId: 'int-1', state: 'CheckRelease', phase: 'exited', output });

describe('progress and status say what happened to a release', () => {
  test('a rollback says the step it started from, which the last poll may not have shown', async () => {
    // Prepare
    const h = pipelineHarness();
    const verified = await runToVerify(
      h,
      intentAt(h, (d) => Object.assign(d, { simulation: errorRateFault(25) })),
    );
    // Act
    const released = await runRelease(h, verified);
    // Assess
    const started = (await h.ledger.forIntent('test', verified.declared!.intentId)).find(
      (s) => s.entry.type === 'release.rollback-started',
    )!;
    const from = started.entry.payload.percentage as number;
    expect(released.release!.rolledBackFrom).toBe(from);
    expect(checkLine(released.release!)).toBe(
      `release ROLLED_BACK 0%, rollback started at ${from}% - rolled back by alarm itv-launch-flags-error-rate`,
    );
  });

  test('a preempted release names the emergency, and its way back to admission is not said as a lane that cleared', async () => {
    // Prepare
    const h = pipelineHarness();
    const { routine: started, fix } = await preemptedRoutine(h);
    // Act
    const polled = await checkRelease(started, h.deps);
    const lines: string[] = [];
    const print = progressPrinter((line) => lines.push(line.trim()));
    const event = (state: string, output: Record<string, unknown>): ProgressEvent => ({
      executionId: 'e-1',
      intentId: 'int-1',
      state,
      phase: 'exited',
      output,
    });
    print(event('CheckRelease', polled));
    print(event('AwaitLane', { clear: true }));
    // Assess
    expect(lines[0]).toMatch(
      new RegExp(
        `ROLLED_BACK 0%.* - preempted by emergency ${fix.declared!.intentId}: queued for its lane again`,
      ),
    );
    expect(lines[1]).not.toMatch(/its way cleared while it parked/);
    expect(lines[1]).toMatch(/admission re-checks/);
  });

  test('after a preempted release is released anew, its status no longer says why it was rolled back', async () => {
    // Prepare: the emergency preempts the routine release, which queues behind it and is admitted once it ends
    const h = pipelineHarness();
    const { routine: started, fix } = await preemptedRoutine(h);
    const requeued = { ...started, release: await checkRelease(started, h.deps) };
    let fixed = await runRelease(h, fix);
    fixed = { ...fixed, observation: await observe(fixed, h.deps) };
    await learn(fixed, h.deps);
    const readmitted = await admitPolicy(requeued, h.deps);
    expect(readmitted.verdict).toBe('admitted');
    // Act
    const released = await runRelease(h, { ...requeued, admission: readmitted });
    // Assess
    expect(released.release!.state).toBe('COMPLETE');
    const reasons = await reasonsOf(h, released);
    expect(reasons).not.toMatch(/rolled back/);
    expect(reasons).not.toMatch(/StopDeployment by the user/);
  });

  test('a release a person stopped says once who stopped it and as what, not that itv did', async () => {
    // Prepare: bob's change to launch-flags; alice, its owner, stops it at the second poll, mid-rollout.
    const h = pipelineHarness();
    const intent = intentAt(h, (draft) => {
      draft.authority = { requester: 'bob', team: 'growth', role: 'engineer' };
    });
    const verified = await runToVerify(h, intent);
    const intentId = verified.declared!.intentId;
    let polls = 0;
    const released = await runRelease(h, verified, async () => {
      if (++polls === 2) {
        const caller = namedLocally('alice', 'test');
        await requestStop({ intentId, reason: 'CAB withdrew approval', caller }, h.deps);
      }
    });
    // Act
    const observed = { ...released, observation: await observe(released, h.deps) };
    await learn(observed, h.deps);
    const reasons = await reasonsOf(h, released);
    // Assess: one line, naming alice and what she is, and where the release rolled back from.
    expect(released.release!.state).toBe('ROLLED_BACK');
    expect(reasons.split('\n')).toEqual([
      expect.stringMatching(
        /^stopped by alice \(owner\): CAB withdrew approval \(rolled back from \d+% at CheckRelease\)$/,
      ),
    ]);
    expect(reasons).not.toMatch(/by itv/);
  });

  test('a release itv stopped for a policy breach says so, not that a user stopped the deployment', async () => {
    // Prepare: admitted twenty minutes before the year-end freeze (2026-12-21T00:00Z), when its release fitted;
    // its start then waits ten minutes (as for a reviewer), so the freeze opens while it runs
    const h = pipelineHarness(new Date('2026-12-20T23:40:00Z'));
    const verified = await runToVerify(h, intentAt(h));
    h.clock.advance(10 * 60_000);
    // Act
    const released = await runRelease(h, verified);
    // Assess
    expect(released.release!.state).toBe('ROLLED_BACK');
    const reasons = await reasonsOf(h, released);
    expect(reasons).toMatch(/release stopped by itv and rolled back from \d+%: policy breach during release/);
    expect(reasons).not.toMatch(/StopDeployment by the user/);
  });
});
