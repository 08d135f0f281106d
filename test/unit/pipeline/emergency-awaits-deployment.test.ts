import { freeLane, parkForLane } from '../../../lambdas/core/pipeline/lane-wait.js';
import { startRelease } from '../../../lambdas/core/pipeline/start-release.js';
import type { PipelineState } from '../../../lambdas/core/pipeline/state.js';
import { stateKeys } from '../../../lambdas/core/state-keys.js';
import { admit, declared, lastAdmissionEntry } from '../admission/harness.js';
import {
  emergencyFix,
  type Harness,
  intentAt,
  pipelineHarness,
  runToVerify,
} from './helpers/pipeline-harness.js';
import { recordingWake } from './helpers/recording-wake.js';

const id = (s: PipelineState) => s.declared!.intentId;

/**
 * On Step Functions, where a parked execution resumes only when its own token is sent back: a routine launch-flags
 * change is admitted and verified, its deployment not started; an emergency fix of launch-flags arrives and waits
 * for it (there is nothing to stop yet), parked on the routine.
 */
async function emergencyParkedOnAHolderNotYetReleasing() {
  const h = pipelineHarness();
  const wake = recordingWake();
  const deps = { ...h.deps, laneWake: wake };
  const hw: Harness = { ...h, deps };
  const routine = await runToVerify(
    hw,
    intentAt(h, (d) => {
      d.title = 'Routine flag change';
    }),
  );
  const fix = await admit(hw, await declared(hw, emergencyFix));
  expect(fix.admission).toMatchObject({ verdict: 'queued', waitingFor: [id(routine)] });
  return { h, hw, wake, deps, routine, fix };
}

describe('an emergency that waits for a lane holder with no deployment yet', () => {
  test("the record of the holder's deployment start ends with its hold on the lane", async () => {
    // Prepare: the routine holder started its deployment, which emergencies behind it read.
    const { h, deps, routine } = await emergencyParkedOnAHolderNotYetReleasing();
    await startRelease(routine, deps);
    const key = stateKeys.deploymentStarted(id(routine));
    expect(await h.deps.state.get(key.pk, key.sk)).toBeDefined();

    // Act: it concludes (Learn, RecordFailure) and gives its lane up.
    await freeLane(id(routine), deps);

    // Assess: nothing of it is left in the state table.
    expect(await h.deps.state.get(key.pk, key.sk)).toBeUndefined();
  });

  test('is woken when the holder starts its deployment, and preempts it then', async () => {
    // Prepare
    const { hw, wake, deps, routine, fix } = await emergencyParkedOnAHolderNotYetReleasing();
    const parked = await parkForLane(id(fix), 'fix-1', fix.admission!, deps);
    expect(parked.clear).toBe(false);

    // Act: the routine's StartRelease starts its deployment; the fix resumes only if its token came back.
    await startRelease(routine, deps);
    const woken = wake.woken.includes('fix-1');
    const again = woken ? await admit(hw, fix) : fix;

    // Assess
    expect(woken).toBe(true);
    expect(again.admission?.verdict).toBe('admitted');
    const { nonInterference } = (await lastAdmissionEntry(hw, again)) as {
      nonInterference: { preemption?: { action: string; intentId: string } };
    };
    expect(nonInterference.preemption).toMatchObject({ action: 'preempted', intentId: id(routine) });
  });

  test('a park made after the holder started its deployment resumes at once', async () => {
    // Prepare: the fix decided to wait before the deployment started, and parks after it started.
    const { deps, routine, fix } = await emergencyParkedOnAHolderNotYetReleasing();
    await startRelease(routine, deps);

    // Act
    const parked = await parkForLane(id(fix), 'fix-late', fix.admission!, deps);

    // Assess
    expect(parked.clear).toBe(true);
  });

  test('an ordinary change parked on the holder is not woken by its start', async () => {
    // Prepare: a second routine change queues behind the routine holder.
    const { hw, wake, deps, routine, fix } = await emergencyParkedOnAHolderNotYetReleasing();
    const other = await admit(
      hw,
      await declared(hw, (d) => {
        d.title = 'Another routine flag change';
      }),
    );
    expect(other.admission).toMatchObject({ verdict: 'queued' });
    await parkForLane(id(other), 'other-1', other.admission!, deps);
    await parkForLane(id(fix), 'fix-1', fix.admission!, deps);

    // Act
    await startRelease(routine, deps);

    // Assess: only the emergency is woken.
    expect(wake.woken).toEqual(['fix-1']);
  });
});
