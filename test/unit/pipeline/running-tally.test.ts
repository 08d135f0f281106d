import fc from 'fast-check';
import { decisionContinuity, recordContinuity } from '../../../lambdas/core/compounding/continuity.js';
import { confidenceLowerBound } from '../../../lambdas/core/confidence.js';
import { readConfidence, recordOutcome } from '../../../lambdas/core/pipeline/confidence-store.js';
import { stateKeys } from '../../../lambdas/core/state-keys.js';
import type { StateItem, StateStore } from '../../../lambdas/ports/state-store.js';
import { MemoryStateStore } from '../release/helpers/memory-state-store.js';

/*
 * The running tallies against the computation they replace: one item per intent, overwritten by a retry, and
 * the whole partition tallied on every read. The reference functions below are that code as it was.
 */

async function fullHistoryConfidence(state: StateStore, service: string, kind: string) {
  const items = await state.list<{ clean: boolean }>(stateKeys.outcome(service, kind, '').pk);
  const successes = items.filter((item) => item.data.clean).length;
  return { successes, failures: items.length - successes };
}

async function fullHistoryRecordOutcome(
  state: StateStore,
  service: string,
  kind: string,
  intentId: string,
  clean: boolean,
) {
  const { pk, sk } = stateKeys.outcome(service, kind, intentId);
  await state.put(pk, sk, { clean });
}

async function fullHistoryContinuity(state: StateStore) {
  const items = await state.list<{ reusedDecisionId: string | null }>(stateKeys.continuity('').pk);
  const reused = items.filter((item) => item.data.reusedDecisionId !== null).length;
  return { reused, total: items.length, rate: items.length === 0 ? 0 : reused / items.length };
}

async function fullHistoryRecordContinuity(state: StateStore, intentId: string, reused: string | null) {
  const { pk, sk } = stateKeys.continuity(intentId);
  await state.put(pk, sk, { reusedDecisionId: reused });
}

class SimulatedCrash extends Error {}

/**
 * A store that counts its calls and can die at one write — before it lands or just after, as a Lambda that
 * times out mid-stage — and that can yield between calls so concurrent writers interleave.
 */
class InstrumentedStore implements StateStore {
  calls = { get: 0, put: 0, list: 0, delete: 0 };
  crashAt: { write: number; landed: boolean } | undefined;
  private writes = 0;

  constructor(
    readonly inner: StateStore,
    private readonly yieldTicks: () => number = () => 0,
  ) {}

  private async pause(): Promise<void> {
    for (let i = this.yieldTicks(); i > 0; i--) await new Promise((resolve) => setImmediate(resolve));
  }

  async get<T>(pk: string, sk: string): Promise<StateItem<T> | undefined> {
    this.calls.get++;
    await this.pause();
    return this.inner.get<T>(pk, sk);
  }

  async put<T>(pk: string, sk: string, data: T, expectedVersion?: number): Promise<StateItem<T>> {
    this.calls.put++;
    await this.pause();
    const crash =
      this.crashAt !== undefined && ++this.writes === this.crashAt.write ? this.crashAt : undefined;
    if (crash && !crash.landed) throw new SimulatedCrash('died before the write');
    const written = await this.inner.put<T>(pk, sk, data, expectedVersion);
    if (crash) throw new SimulatedCrash('died after the write');
    return written;
  }

  async list<T>(pk: string): Promise<StateItem<T>[]> {
    this.calls.list++;
    await this.pause();
    return this.inner.list<T>(pk);
  }

  async delete(pk: string, sk: string, expectedVersion?: number): Promise<void> {
    this.calls.delete++;
    await this.pause();
    return this.inner.delete(pk, sk, expectedVersion);
  }

  /** Arms a crash at the n-th write from now. */
  crashOnWrite(n: number, landed: boolean): void {
    this.writes = 0;
    this.crashAt = { write: n, landed };
  }
}

/** Runs `step` as Step Functions would: retried after a crash until it completes. */
async function withRetries(step: () => Promise<unknown>): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    try {
      await step();
      return attempt;
    } catch (error) {
      if (!(error instanceof SimulatedCrash)) throw error;
    }
  }
}

const service = 'checkout';
const kinds = ['feature-flag', 'configuration'] as const;

/** One recorded outcome or continuity mark; intents repeat so that retries and replacements occur. */
const historyStep = fc.record({
  intent: fc.integer({ min: 0, max: 24 }),
  kind: fc.constantFrom(...kinds),
  clean: fc.boolean(),
  reused: fc.option(fc.constantFrom('dec-a', 'dec-b'), { nil: null }),
  crash: fc.option(fc.record({ write: fc.integer({ min: 1, max: 6 }), landed: fc.boolean() }), { nil: null }),
});

describe('running tallies report what the full history reported', () => {
  test('on a randomized history with retries after partial failures, figures are identical after every step', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(historyStep, { minLength: 1, maxLength: 60 }), async (history) => {
        // Prepare
        const reference = new MemoryStateStore();
        const store = new InstrumentedStore(new MemoryStateStore());
        for (const step of history) {
          const intentId = `int-${step.intent}`;
          // Act: the same step both ways; the new one may die at a write and be retried
          await fullHistoryRecordOutcome(reference, service, step.kind, intentId, step.clean);
          await fullHistoryRecordContinuity(reference, intentId, step.reused);
          if (step.crash) store.crashOnWrite(step.crash.write, step.crash.landed);
          await withRetries(() => recordOutcome(store, service, step.kind, intentId, step.clean));
          if (step.crash) store.crashOnWrite(step.crash.write, step.crash.landed);
          await withRetries(() => recordContinuity(store, intentId, step.reused));
          store.crashAt = undefined;
          // Assess: the figures reported (confidence lower bound, continuity rate) and the counts under them
          for (const kind of kinds) {
            const before = await fullHistoryConfidence(reference, service, kind);
            const after = await readConfidence(store, service, kind);
            expect(after).toEqual(before);
            expect(confidenceLowerBound(after)).toBe(confidenceLowerBound(before));
          }
          expect(await decisionContinuity(store)).toEqual(await fullHistoryContinuity(reference));
        }
      }),
      { numRuns: 60 },
    );
  });

  test('concurrent writers with interleaved calls count each intent once, its last mark', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ intent: fc.integer({ min: 0, max: 11 }), clean: fc.boolean() }), {
          minLength: 1,
          maxLength: 30,
        }),
        fc.integer({ min: 1, max: 2 ** 31 }),
        async (marks, seed) => {
          // Prepare: a store that yields a pseudo-random number of turns before every call
          let s = seed;
          const ticks = () => {
            s = (Math.imul(s, 1103515245) + 12345) >>> 0;
            return s % 3;
          };
          const store = new InstrumentedStore(new MemoryStateStore(), ticks);
          const reference = new MemoryStateStore();
          // Act: each intent's marks in order, different intents at once (as Step Functions runs them)
          const byIntent = new Map<number, boolean[]>();
          for (const { intent, clean } of marks)
            byIntent.set(intent, [...(byIntent.get(intent) ?? []), clean]);
          await Promise.all(
            [...byIntent].map(async ([intent, cleans]) => {
              for (const clean of cleans) {
                await recordOutcome(store, service, 'feature-flag', `int-${intent}`, clean);
                await recordContinuity(store, `int-${intent}`, clean ? 'dec-a' : null);
              }
            }),
          );
          for (const [intent, cleans] of byIntent) {
            const clean = cleans.at(-1)!;
            await fullHistoryRecordOutcome(reference, service, 'feature-flag', `int-${intent}`, clean);
            await fullHistoryRecordContinuity(reference, `int-${intent}`, clean ? 'dec-a' : null);
          }
          // Assess
          expect(await readConfidence(store, service, 'feature-flag')).toEqual(
            await fullHistoryConfidence(reference, service, 'feature-flag'),
          );
          expect(await decisionContinuity(store)).toEqual(await fullHistoryContinuity(reference));
        },
      ),
      { numRuns: 40 },
    );
  });

  test('a history written before running totals is folded in once, then continued exactly', async () => {
    // Prepare: 40 outcomes and continuity marks in the item-per-intent form, no totals item
    const inner = new MemoryStateStore();
    const reference = new MemoryStateStore();
    for (let i = 0; i < 40; i++) {
      for (const state of [inner, reference]) {
        await fullHistoryRecordOutcome(state, service, 'feature-flag', `old-${i}`, i % 5 !== 0);
        await fullHistoryRecordContinuity(state, `old-${i}`, i % 3 === 0 ? 'dec-a' : null);
      }
    }
    const store = new InstrumentedStore(inner);
    // Act: two reads, then new outcomes, one of them replacing an old intent's mark
    const first = await readConfidence(store, service, 'feature-flag');
    const listsAfterFirstRead = store.calls.list;
    const second = await readConfidence(store, service, 'feature-flag');
    for (const [intentId, clean] of [
      ['new-1', true],
      ['old-0', true],
      ['new-2', false],
    ] as const) {
      await recordOutcome(store, service, 'feature-flag', intentId, clean);
      await fullHistoryRecordOutcome(reference, service, 'feature-flag', intentId, clean);
      await recordContinuity(store, intentId, null);
      await fullHistoryRecordContinuity(reference, intentId, null);
    }
    // Assess
    expect(first).toEqual({ successes: 32, failures: 8 });
    expect(second).toEqual(first);
    expect(listsAfterFirstRead).toBe(1);
    expect(await readConfidence(store, service, 'feature-flag')).toEqual(
      await fullHistoryConfidence(reference, service, 'feature-flag'),
    );
    expect(await decisionContinuity(store)).toEqual(await fullHistoryContinuity(reference));
    expect(store.calls.list).toBe(2);
  });
});

describe('running tallies cost the same whatever the history', () => {
  async function storeWithHistory(priorIntents: number): Promise<InstrumentedStore> {
    const store = new InstrumentedStore(new MemoryStateStore());
    for (let i = 0; i < priorIntents; i++) {
      await recordOutcome(store, service, 'feature-flag', `prior-${i}`, i % 7 !== 0);
      await recordContinuity(store, `prior-${i}`, i % 2 === 0 ? 'dec-a' : null);
    }
    store.calls = { get: 0, put: 0, list: 0, delete: 0 };
    return store;
  }

  test('reading confidence and continuity is one GetItem each, listing nothing', async () => {
    // Prepare
    const store = await storeWithHistory(300);
    // Act
    const confidence = await readConfidence(store, service, 'feature-flag');
    const continuity = await decisionContinuity(store);
    // Assess
    expect(confidence.successes + confidence.failures).toBe(300);
    expect(continuity.total).toBe(300);
    expect(store.calls).toEqual({ get: 2, put: 0, list: 0, delete: 0 });
  });

  test('recording an outcome takes the same calls after 10 prior intents as after 300: one totals write', async () => {
    // Prepare
    const few = await storeWithHistory(10);
    const many = await storeWithHistory(300);
    // Act
    await recordOutcome(few, service, 'feature-flag', 'next', true);
    await recordOutcome(many, service, 'feature-flag', 'next', true);
    // Assess: the conditional totals write and this intent's marker (the previous one settled its own); no list
    expect(many.calls).toEqual(few.calls);
    expect(many.calls.list).toBe(0);
    expect(many.calls.put).toBe(2);
  });
});

describe('running tallies are idempotent per intent', () => {
  test('a Learn that died after its totals write, retried after another intent moved the totals, counts once', async () => {
    // Prepare
    const store = new InstrumentedStore(new MemoryStateStore());
    await recordOutcome(store, service, 'feature-flag', 'int-a', true);
    // Act: int-b's totals write lands (its first write: int-a settled its own marker), then it dies
    store.crashOnWrite(1, true);
    await expect(recordOutcome(store, service, 'feature-flag', 'int-b', false)).rejects.toThrow(
      SimulatedCrash,
    );
    store.crashAt = undefined;
    await recordOutcome(store, service, 'feature-flag', 'int-c', true);
    await recordOutcome(store, service, 'feature-flag', 'int-b', false);
    await recordOutcome(store, service, 'feature-flag', 'int-a', true);
    // Assess
    expect(await readConfidence(store, service, 'feature-flag')).toEqual({ successes: 2, failures: 1 });
    const marker = await store.inner.get<{ clean: boolean }>(
      ...(Object.values(stateKeys.outcome(service, 'feature-flag', 'int-b')) as [string, string]),
    );
    expect(marker?.data.clean).toBe(false);
  });

  test('setting the mark an intent already counts writes nothing', async () => {
    // Prepare
    const store = new InstrumentedStore(new MemoryStateStore());
    await recordContinuity(store, 'int-a', 'dec-a');
    await recordContinuity(store, 'int-b', null);
    store.calls = { get: 0, put: 0, list: 0, delete: 0 };
    // Act
    await recordContinuity(store, 'int-a', 'dec-a');
    await recordContinuity(store, 'int-b', null);
    // Assess
    expect(store.calls.put).toBe(0);
    expect(await decisionContinuity(store)).toEqual({ reused: 1, total: 2, rate: 0.5 });
  });
});
