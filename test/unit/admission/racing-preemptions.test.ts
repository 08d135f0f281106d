import { readOccupancy } from '../../../lambdas/core/admission/occupancy.js';
import type { PipelineState } from '../../../lambdas/core/pipeline/state.js';
import { type InFlightRecord, stateKeys } from '../../../lambdas/core/state-keys.js';
import type { StateStore } from '../../../lambdas/ports/state-store.js';
import {
  emergencyFix,
  type Harness,
  pipelineHarness,
  routineReleasing,
} from '../pipeline/helpers/pipeline-harness.js';
import { admit, declared } from './harness.js';

/**
 * Two emergencies of one lane that both decide to preempt the release holding it, having read the partition at one
 * sequencer version: each writes its own place and the holder's place as re-queued, then commits; only one commit
 * lands. Whatever the order of their writes, and whether the loser dies before it puts anything back, every
 * committed state has at most one admitted intent on the lane, and the winner's re-queue of the holder is never
 * undone.
 */

class Killed extends Error {}

interface Op {
  kind: 'get' | 'list' | 'put' | 'delete';
  pk: string;
  sk?: string;
}

/** One admission, run through a store of its own (a process of its own), that can be held before a chosen call. */
class Racer {
  private stopAt: ((op: Op) => boolean) | undefined;
  private killAt: ((op: Op) => boolean) | undefined;
  private arrived: (() => void) | undefined;
  private go: (() => void) | undefined;
  private ended: ((outcome: PipelineState | Error) => void) | undefined;
  /** The admission's outcome once it has ended: its state, or what it threw. */
  readonly done = new Promise<PipelineState | Error>((resolve) => {
    this.ended = resolve;
  });

  constructor(readonly name: string) {}

  /** Holds the admission before its next call matching `at`; resolves when it is held there, or has finished. */
  holdAt(at: (op: Op) => boolean): Promise<void> {
    this.stopAt = at;
    const reached = new Promise<void>((resolve) => {
      this.arrived = resolve;
    });
    return Promise.race([reached, this.done.then(() => undefined)]);
  }

  /** Kills the admission at its next call matching `at`, before the call is made. */
  killBefore(at: (op: Op) => boolean): void {
    this.killAt = at;
  }

  /** Lets the held admission go on. */
  release(): void {
    const go = this.go;
    this.go = undefined;
    go?.();
  }

  async before(op: Op): Promise<void> {
    if (this.killAt?.(op)) throw new Killed(`${this.name} killed before ${op.kind} ${op.pk} ${op.sk}`);
    if (this.stopAt?.(op)) {
      this.stopAt = undefined;
      const held = new Promise<void>((resolve) => {
        this.go = resolve;
      });
      this.arrived?.();
      await held;
      if (this.killAt?.(op)) throw new Killed(`${this.name} killed before ${op.kind} ${op.pk} ${op.sk}`);
    }
  }

  store(inner: StateStore): StateStore {
    return {
      get: async (pk, sk) => {
        await this.before({ kind: 'get', pk, sk });
        return inner.get(pk, sk);
      },
      list: async (pk, range) => {
        await this.before({ kind: 'list', pk });
        return inner.list(pk, range);
      },
      put: async (pk, sk, data, expectedVersion, options) => {
        await this.before({ kind: 'put', pk, sk });
        return inner.put(pk, sk, data, expectedVersion, options);
      },
      delete: async (pk, sk, expectedVersion) => {
        await this.before({ kind: 'delete', pk, sk });
        return inner.delete(pk, sk, expectedVersion);
      },
    };
  }

  start(h: Harness, state: PipelineState): void {
    const deps = { ...h.deps, state: this.store(h.deps.state) };
    admit({ ...h, deps }, state).then(
      (s) => this.ended?.(s),
      (error: Error) => this.ended?.(error),
    );
  }
}

const sequencer = stateKeys.admissionSequencer();
/** The first write of a place: the admission has read the sequencer and the partition, and decided. */
const placeWrite = (op: Op) => op.kind === 'put' && op.pk === stateKeys.inFlight().pk;
/** The commit, or the first read of a new round (a round given up before its commit). */
const atSequencer = (op: Op) => op.pk === sequencer.pk && op.sk === sequencer.sk;

const secondFix = (d: Parameters<typeof emergencyFix>[0]) => {
  emergencyFix(d);
  d.title = 'Turn dark mode off, reported again by support';
  d.change.payload = { 'dark-mode': { enabled: false } };
};

/** The lane as any other admission reads it now: who holds it, and the holder's place. */
async function lane(h: Harness, routineId: string) {
  const { others } = await readOccupancy(h.deps.state, 'int-observer');
  const admitted = others.filter((p) => (p.status ?? 'admitted') === 'admitted').map((p) => p.intentId);
  const holder = others.find((p) => p.intentId === routineId) as InFlightRecord | undefined;
  return { admitted, holder };
}

async function twoEmergenciesOnAReleasingLane() {
  const h = pipelineHarness();
  const routine = await routineReleasing(h);
  h.clock.advance(3 * 60_000);
  const first = await declared(h, emergencyFix);
  const second = await declared(h, secondFix);
  const a = new Racer('first fix');
  const b = new Racer('second fix');
  // Both read the sequencer and the partition at one version, and decide to preempt the routine.
  const heldA = a.holdAt(placeWrite);
  const heldB = b.holdAt(placeWrite);
  a.start(h, first);
  b.start(h, second);
  await Promise.all([heldA, heldB]);
  return { h, routineId: routine.declared!.intentId, first, second, a, b };
}

/** Lets a racer run to its end. */
async function finish(r: Racer): Promise<PipelineState | Error> {
  r.release();
  return r.done;
}

/** After the race: exactly one emergency holds the lane, and the routine reads as re-queued by it. */
async function expectOneHolder(h: Harness, routineId: string, ids: string[]) {
  const { admitted, holder } = await lane(h, routineId);
  expect(admitted).toHaveLength(1);
  expect(ids).toContain(admitted[0]);
  expect(holder).toMatchObject({ status: 'queued', preemptedBy: admitted[0] });
  return admitted[0];
}

describe('two emergencies that preempt one holder at one sequencer version', () => {
  test('the loser wrote the holder re-queued last, and the winner commits first', async () => {
    // Prepare
    const { h, routineId, first, second, a, b } = await twoEmergenciesOnAReleasingLane();
    const ids = [first.declared!.intentId, second.declared!.intentId];

    // Act: the first fix writes both places and reaches the sequencer; then the second fix writes its own; the
    // first commits and runs to its end; then the second goes on.
    const aAtCommit = a.holdAt(atSequencer);
    a.release();
    await aAtCommit;
    const bAtCommit = b.holdAt(atSequencer);
    b.release();
    await bAtCommit;
    const firstDone = await finish(a);
    const afterWinner = await lane(h, routineId);
    const secondDone = await finish(b);

    // Assess: after the winner's commit and after the loser has ended, one holder; the winner is the first fix.
    expect(firstDone).toMatchObject({ admission: { verdict: 'admitted' } });
    expect(afterWinner.admitted).toEqual([ids[0]]);
    expect(afterWinner.holder).toMatchObject({ status: 'queued', preemptedBy: ids[0] });
    expect(secondDone).toMatchObject({ admission: { verdict: 'queued' } });
    expect(await expectOneHolder(h, routineId, ids)).toBe(ids[0]);
  });

  test('the holder re-queued first by the one whose commit loses', async () => {
    // Prepare
    const { h, routineId, first, second, a, b } = await twoEmergenciesOnAReleasingLane();
    const ids = [first.declared!.intentId, second.declared!.intentId];

    // Act: both write and reach the sequencer, the first fix's writes first; the second fix runs to its end first.
    const aAtCommit = a.holdAt(atSequencer);
    a.release();
    await aAtCommit;
    const bAtCommit = b.holdAt(atSequencer);
    b.release();
    await bAtCommit;
    const done = [await finish(b), await finish(a)];

    // Assess: one is admitted, the other queued behind it; the holder is re-queued by the one admitted.
    const verdicts = done.map((s) => (s instanceof Error ? s.message : s.admission?.verdict)).sort();
    expect(verdicts).toEqual(['admitted', 'queued']);
    await expectOneHolder(h, routineId, ids);
  });

  test('one preempts and runs to its end while the other, having read before its commit, goes on after it', async () => {
    // Prepare
    const { h, routineId, first, second, a, b } = await twoEmergenciesOnAReleasingLane();
    const ids = [first.declared!.intentId, second.declared!.intentId];

    // Act
    const firstDone = await finish(a);
    const secondDone = await finish(b);

    // Assess
    expect(firstDone).toMatchObject({ admission: { verdict: 'admitted' } });
    expect(secondDone).toMatchObject({ admission: { verdict: 'queued' } });
    expect(await expectOneHolder(h, routineId, ids)).toBe(ids[0]);
  });

  test('the loser dies after its writes, before its commit: the winner keeps the lane alone, and the loser, run again, waits for it', async () => {
    // Prepare
    const { h, routineId, first, second, a, b } = await twoEmergenciesOnAReleasingLane();
    const ids = [first.declared!.intentId, second.declared!.intentId];

    // Act: the first fix writes both places; the second fix writes its own (and the holder's, if it may) and is
    // killed before it next reaches the sequencer; the first commits and ends; the second fix's stage runs again.
    const aAtCommit = a.holdAt(atSequencer);
    a.release();
    await aAtCommit;
    b.killBefore(atSequencer);
    const killed = await finish(b);
    const firstDone = await finish(a);
    const afterWinner = await lane(h, routineId);
    const again = await admit(h, second);

    // Assess
    expect(killed).toBeInstanceOf(Killed);
    expect(firstDone).toMatchObject({ admission: { verdict: 'admitted' } });
    expect(afterWinner.admitted).toEqual([ids[0]]);
    expect(again.admission?.verdict).toBe('queued');
    expect(await expectOneHolder(h, routineId, ids)).toBe(ids[0]);
  });

  test('the one that re-queued the holder dies before its commit: the other fences that write and preempts', async () => {
    // Prepare
    const { h, routineId, first, second, a, b } = await twoEmergenciesOnAReleasingLane();
    const ids = [first.declared!.intentId, second.declared!.intentId];

    // Act: the second fix writes both places and is killed at the sequencer; then the first fix goes on.
    const bAtCommit = b.holdAt(atSequencer);
    b.release();
    await bAtCommit;
    b.killBefore(atSequencer);
    const killed = await finish(b);
    const firstDone = await finish(a);
    const again = await admit(h, second);

    // Assess: the first fix takes the lane without waiting for a retry of its stage; the second, run again, waits.
    expect(killed).toBeInstanceOf(Killed);
    expect(firstDone).toMatchObject({ admission: { verdict: 'admitted' } });
    expect(again.admission?.verdict).toBe('queued');
    expect(await expectOneHolder(h, routineId, ids)).toBe(ids[0]);
    const sequencerItem = await h.deps.state.get<{ commits: Array<[number, string]> }>(
      sequencer.pk,
      sequencer.sk,
    );
    expect(sequencerItem?.data.commits.map(([, intentId]) => intentId)).toContain('');
  });
});
