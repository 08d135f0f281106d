import { checkRelease } from '../../../lambdas/core/pipeline/check-release.js';
import { parkForLane } from '../../../lambdas/core/pipeline/lane-wait.js';
import { learn } from '../../../lambdas/core/pipeline/learn.js';
import { startRelease } from '../../../lambdas/core/pipeline/start-release.js';
import type { PipelineState } from '../../../lambdas/core/pipeline/state.js';
import { type InFlightRecord, stateKeys } from '../../../lambdas/core/state-keys.js';
import { admit, declared } from '../admission/harness.js';
import {
  emergencyFix,
  type Harness,
  intentAt,
  pipelineHarness,
  runToVerify,
} from './helpers/pipeline-harness.js';
import { recordingWake } from './helpers/recording-wake.js';

/** A second fix to launch-flags under an emergency override, from the same manager. */
const secondFix = (d: Parameters<typeof emergencyFix>[0]) => {
  emergencyFix(d);
  d.title = 'Turn dark mode off, reported again by support';
  d.change.payload = { 'dark-mode': { enabled: false } };
};

const id = (s: PipelineState) => s.declared!.intentId;

/**
 * The lane as two emergencies and the routine release holding it reach it on Step Functions, where a parked
 * execution resumes only when the token it parked on is sent back (`recordingWake`): the routine is admitted and
 * verified, its deployment not yet started; the first fix queues for it (there is nothing to stop yet); the second
 * fix's admission reads the partition while the first fix's place carries an uncommitted write (a round of the
 * first fix that then loses the sequencer to the second and puts its place back), so it leaves the first fix out
 * and parks on the routine alone (admissions in separate Lambdas race through the sequencer; one local process takes
 * them in turn). The first fix, ahead of the second by its arrival, then preempts the routine: the second fix's
 * park is on an intent that now ranks behind it.
 */
async function secondParkedOnThePreemptedHolder() {
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
  let first = await admit(hw, await declared(hw, emergencyFix));
  expect(first.admission).toMatchObject({ verdict: 'queued', waitingFor: [id(routine)] });
  await parkForLane(id(first), 'first-1', first.admission!, deps);

  const place = stateKeys.inFlightIntent(id(first));
  const held = await h.store.get<InFlightRecord>(place.pk, place.sk);
  const sequencer = stateKeys.admissionSequencer();
  const version = (await h.store.get(sequencer.pk, sequencer.sk))?.version ?? 0;
  await h.store.put(place.pk, place.sk, { ...held!.data, commitAt: version + 1 });
  const second = await admit(hw, await declared(hw, secondFix));
  await h.store.put(place.pk, place.sk, held!.data);
  expect(second.admission).toMatchObject({ verdict: 'queued', waitingFor: [id(routine)] });

  const started = { ...routine, release: await startRelease(routine, deps) };
  first = await admit(hw, first);
  expect(first.admission?.verdict).toBe('admitted');
  const routinePlace = await h.store.get<InFlightRecord>('INFLIGHT', id(routine));
  expect(routinePlace?.data).toMatchObject({ status: 'queued', preemptedBy: id(first) });
  return { h, hw, wake, deps, routine: started, first, second };
}

describe('a holder an emergency preempted, and an emergency parked behind it', () => {
  test('the queue moves by the tokens sent back alone: each emergency in turn, then the preempted release', async () => {
    // Prepare
    const { h, hw, wake, deps, routine, first, second } = await secondParkedOnThePreemptedHolder();
    const parks = new Map<string, PipelineState>();
    let n = 0;
    /** AwaitLane as the state machine runs it: a park that finds its way clear resumes at once. */
    const park = async (state: PipelineState) => {
      const token = `${id(state).slice(0, 12)}-${++n}`;
      parks.set(token, state);
      await parkForLane(id(state), token, state.admission!, deps);
    };
    /** Each execution whose token came back runs AdmitPolicy again, and parks again while it is queued. */
    const admittedStates = new Map<string, PipelineState>();
    const resumeWoken = async () => {
      const admitted: string[] = [];
      for (let round = 0; round < 10; round++) {
        const woken = wake.woken.filter((token) => parks.has(token) && !seen.has(token));
        if (woken.length === 0) break;
        for (const token of woken) {
          seen.add(token);
          const state = await admit(hw, parks.get(token)!);
          if (state.admission?.verdict === 'queued') await park(state);
          else {
            admitted.push(id(state));
            admittedStates.set(id(state), state);
          }
        }
      }
      return admitted;
    };
    const seen = new Set<string>();
    const name = (intentId: string) =>
      ({ [id(routine)]: 'routine', [id(first)]: 'first fix', [id(second)]: 'second fix' })[intentId] ??
      intentId;
    /** Who each execution still parked (its token not sent back) waits for. */
    const stillParkedNow = () =>
      [...parks.entries()]
        .filter(([token]) => !wake.woken.includes(token))
        .map(([, s]) => `${name(id(s))} waits for ${(s.admission?.waitingFor ?? []).map(name).join(', ')}`);

    // Act: the second fix is parked on the routine; the routine sees its deployment rolled back and queues again.
    await park(second);
    h.clock.advance(routine.release!.pollSeconds * 1000);
    const polled = { ...routine, release: await checkRelease(routine, deps) };
    expect(polled.release).toMatchObject({ action: 'requeue', preemptedBy: id(first) });
    await parkForLane(id(routine), 'routine-requeue', routine.admission!, deps);
    const requeued = await admit(hw, polled);
    expect(requeued.admission).toMatchObject({ verdict: 'queued' });
    await park(requeued);
    const admittedBeforeFirstEnds = await resumeWoken();
    // The first fix ends: its Learn sends back the tokens parked on it.
    await learn(first, deps);
    const admittedAfterFirst = await resumeWoken();
    const waitingAfterFirst = stillParkedNow();
    // Then the second fix ends.
    const secondAdmitted = admittedStates.get(id(second));
    if (secondAdmitted) await learn(secondAdmitted, deps);
    const admittedAfterSecond = await resumeWoken();

    // Assess: the second fix is admitted once the first has ended, without waiting for a park to time out; the
    // preempted routine then waits for it alone, never for a fix that waits for the routine, and is admitted once
    // it has ended.
    expect({ admittedBeforeFirstEnds, admittedAfterFirst, waitingAfterFirst, admittedAfterSecond }).toEqual({
      admittedBeforeFirstEnds: [],
      admittedAfterFirst: [id(second)],
      waitingAfterFirst: ['routine waits for second fix'],
      admittedAfterSecond: [id(routine)],
    });
    expect(stillParkedNow()).toEqual([]);
  });

  test('a park decided while the holder held its lane, made after an emergency preempted it, resumes at once', async () => {
    // Prepare: the second fix decided to wait for the routine; its park is stored after the preemption.
    const { deps, second, routine } = await secondParkedOnThePreemptedHolder();

    // Act
    const parked = await parkForLane(id(second), 'second-late', second.admission!, deps);

    // Assess: the routine now ranks behind the second fix, so it cannot be what frees it.
    expect(second.admission?.waitingFor).toEqual([id(routine)]);
    expect(parked.clear).toBe(true);
  });
});
