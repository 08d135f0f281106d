import { readOccupancy } from '../../../lambdas/core/admission/occupancy.js';
import type { PipelineState } from '../../../lambdas/core/pipeline/state.js';
import { type InFlightRecord, stateKeys } from '../../../lambdas/core/state-keys.js';
import type { StateItem, StateStore } from '../../../lambdas/ports/state-store.js';
import { fromAnotherProcess } from '../../support/another-process.js';
import {
  emergencyFix,
  type Harness,
  pipelineHarness,
  routineReleasing,
} from '../pipeline/helpers/pipeline-harness.js';
import { admit, declared, lastAdmissionEntry } from './harness.js';

/**
 * An admission writes its own place first and then commits it through the sequencer; one that loses the race
 * puts its place back. A process killed between those writes (a Lambda timeout, `kill -9` of the local control
 * plane) leaves a place that was never committed. Whoever reads it next must not take it for a lease: not the
 * other intents, and not the intent itself when its stage runs again.
 */
class Killed extends Error {}

/** Who is killed at the sequencer: the losers before their commit (and before they put their place back), the winner after it. */
interface Kills {
  losersBeforeCommit?: boolean;
  winnerAfterCommit?: boolean;
}

/**
 * `inner` as another process reaches it, with each put of the admission sequencer handed to `commit` (which may
 * throw, as a kill would).
 */
function atTheSequencer(
  inner: StateStore,
  commit: <T>(data: T, put: () => Promise<StateItem<T>>) => Promise<StateItem<T>>,
): StateStore {
  const sequencer = stateKeys.admissionSequencer();
  return {
    ...fromAnotherProcess(inner),
    put<T>(pk: string, sk: string, data: T, expectedVersion?: number, options?: { expiresAt?: Date }) {
      const put = () => inner.put(pk, sk, data, expectedVersion, options);
      return pk === sequencer.pk && sk === sequencer.sk ? commit(data, put) : put();
    },
  };
}

/**
 * Three admissions of one lane that all reach the sequencer together, having all read it at one version; the
 * first to reach it wins. Each runs through a store of its own, as in a process of its own (admissions through one
 * store in one process take turns instead of racing). Returns the winner and each attempt's outcome.
 */
async function raceAtTheSequencer(
  h: Harness,
  states: PipelineState[],
  kills: Kills,
): Promise<{ winner: string | undefined; settled: PromiseSettledResult<PipelineState>[] }> {
  const waiting: Array<() => void> = [];
  let arrived = 0;
  let winner: string | undefined;
  const commit = async <T>(data: T, put: () => Promise<StateItem<T>>) => {
    const intentId = (data as { intentId: string }).intentId;
    // Every racer has written its own place before any of them commits.
    if (++arrived < 3) await new Promise<void>((resolve) => waiting.push(resolve));
    else for (const go of waiting.splice(0)) go();
    winner ??= intentId;
    if (kills.losersBeforeCommit && intentId !== winner)
      throw new Killed(`${intentId} killed before its commit`);
    const written = await put();
    if (kills.winnerAfterCommit && intentId === winner)
      throw new Killed(`${intentId} killed after its commit`);
    return written;
  };
  const settled = await Promise.allSettled(
    states.map((s) => admit({ ...h, deps: { ...h.deps, state: atTheSequencer(h.deps.state, commit) } }, s)),
  );
  return { winner, settled };
}

async function places(h: Harness): Promise<InFlightRecord[]> {
  return (await h.deps.state.list<InFlightRecord>(stateKeys.inFlight().pk)).map((item) => item.data);
}

async function threeOfOneLane(h: Harness): Promise<PipelineState[]> {
  const states: PipelineState[] = [];
  for (const n of [0, 1, 2]) {
    states.push(
      await declared(h, (d) => {
        d.title = `Flag change ${n}`;
      }),
    );
  }
  return states;
}

test('places written by admissions killed before their commit are not leases: after the restart one intent of the lane is admitted', async () => {
  // Prepare: three intents of one lane race; the first to commit wins, the other two are killed before they
  // can put their places back (each had written itself as admitted).
  const h = pipelineHarness();
  const states = await threeOfOneLane(h);
  const ids = states.map((s) => s.declared?.intentId as string);
  const { winner, settled } = await raceAtTheSequencer(h, states, { losersBeforeCommit: true });
  expect(settled.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected', 'rejected']);
  expect((await places(h)).filter((p) => p.status === 'admitted')).toHaveLength(3);

  // Act: each stage runs again, as the state machine's retry (or the restarted control plane) runs it.
  const again = [];
  for (const state of states) again.push(await admit(h, state));

  // Assess: the winner keeps its lease; the other two queue behind it.
  const verdicts = Object.fromEntries(again.map((s, i) => [ids[i], s.admission?.verdict]));
  expect(verdicts).toEqual(Object.fromEntries(ids.map((id) => [id, id === winner ? 'admitted' : 'queued'])));
  const admitted = (await places(h)).filter((p) => p.status === 'admitted').map((p) => p.intentId);
  expect(admitted).toEqual([winner]);
});

test('an admission killed after its commit keeps its lease when its stage runs again', async () => {
  // Prepare: the winner is killed after the sequencer took its commit, before anything else; the others lose.
  const h = pipelineHarness();
  const states = await threeOfOneLane(h);
  const { winner } = await raceAtTheSequencer(h, states, { winnerAfterCommit: true });

  // Act
  const again = [];
  for (const state of states) again.push(await admit(h, state));

  // Assess
  const admitted = again.filter((s) => s.admission?.verdict === 'admitted').map((s) => s.declared?.intentId);
  expect(admitted).toEqual([winner]);
});

test('an emergency admission killed before its commit leaves the holder it would have preempted holding its lane', async () => {
  // Prepare: a routine change of launch-flags is releasing; an emergency fix of the same service arrives and
  // preempts it, writing the holder's place as re-queued, and its process is killed before its sequencer commit.
  const h = pipelineHarness();
  const routine = await routineReleasing(h);
  const routineId = routine.declared!.intentId;
  h.clock.advance(3 * 60_000);
  const fix = await declared(h, emergencyFix);
  const killedAtCommit = atTheSequencer(h.deps.state, () =>
    Promise.reject(new Killed('killed before its commit')),
  );
  await expect(admit({ ...h, deps: { ...h.deps, state: killedAtCommit } }, fix)).rejects.toThrow(Killed);
  const written = (await places(h)).find((p) => p.intentId === routineId);
  expect(written).toMatchObject({ status: 'queued', preemptedBy: fix.declared!.intentId });

  // Act: how the holder's place reads now, and the emergency's stage run again.
  const before = await readOccupancy(h.deps.state, routineId);
  const again = await admit(h, fix);
  const after = await readOccupancy(h.deps.state, routineId);

  // Assess: until a commit preempts it, the holder holds its lane; the retried admission then preempts it.
  expect(before.mine).toMatchObject({ intentId: routineId, status: 'admitted' });
  expect(before.mine?.preemptedBy).toBeUndefined();
  expect(again.admission?.verdict).toBe('admitted');
  const { nonInterference } = (await lastAdmissionEntry(h, fix)) as {
    nonInterference: { preemption?: { action: string; intentId: string } };
  };
  expect([nonInterference.preemption?.action, nonInterference.preemption?.intentId]).toEqual([
    'preempted',
    routineId,
  ]);
  expect(after.mine).toMatchObject({ status: 'queued', preemptedBy: fix.declared!.intentId });
});
