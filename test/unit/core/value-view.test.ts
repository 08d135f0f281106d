import { SoleWriterStateCache } from '../../../lambdas/adapters/local/sole-writer-state-cache.js';
import { InvalidInputError } from '../../../lambdas/core/errors.js';
import { stateKeys } from '../../../lambdas/core/state-keys.js';
import { type ValueQuery, valueAnswer } from '../../../lambdas/core/value-answer.js';
import { concludedIntents } from '../../../lambdas/core/value-report.js';
import { valueViewAnswer } from '../../../lambdas/core/value-view.js';
import type { StateStore } from '../../../lambdas/ports/state-store.js';
import { MemoryLedgerStore } from '../pipeline/helpers/memory-ledger.js';
import { type ConcludedChange, ledgerName, recordChanges } from '../pipeline/helpers/value-ledger.js';
import { MemoryStateStore } from '../release/helpers/memory-state-store.js';

const regions = ['EMEA', 'NA', 'APAC'];
const models = [
  undefined,
  { employeeCount: 40, growth: { model: 'continuous', rate: 0.15 } },
  { growth: { model: 'discrete', rate: 0.1 } },
  { employeeCount: 12, growth: { model: 'none' } },
];

/** Changes over a few days, concluding out of order: tagged, some rolled back or held, some with value models. */
function changes(from: number, count: number): ConcludedChange[] {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    return {
      id: `change-${i}`,
      // Not in seq order: later changes may conclude earlier.
      at: ((i * 7919) % 97) * 60 + i,
      service: `service-${i % 4}`,
      tags: i % 5 === 0 ? {} : { region: regions[i % 3]!, ...(i > 20 ? { team: `team-${i % 2}` } : {}) },
      valuePerHourUsd: 3 + (i % 9) * 1.1,
      rolledBack: i % 6 === 1,
      ...(i % 11 === 3 ? { outcome: 'held' } : i % 13 === 5 ? { outcome: 'failed' } : {}),
      ...(models[i % 4] ? { model: models[i % 4]! } : {}),
    };
  });
}

const queries: ValueQuery[] = [
  {},
  { by: 'region,team', curveBy: 'service' },
  { by: 'outcome', since: '2026-11-01T20:00:00Z', until: '2026-11-03T00:00:00Z' },
  { by: 'team', since: '2026-11-02' },
  { by: 'service', until: '2026-11-01T12:00:00.000Z' },
];

async function everything(ledger: MemoryLedgerStore, query: ValueQuery) {
  return valueAnswer(concludedIntents(await ledger.read(ledgerName)), query);
}

describe('the value view answers as the whole ledger does', () => {
  test.each([
    ['the memory state store', () => new MemoryStateStore()],
    ['the local stack sole-writer cache', () => new SoleWriterStateCache(new MemoryStateStore(), [''])],
  ])('over %s, across bounded catch-ups, rollbacks, value models and windows', async (_, makeState) => {
    // Prepare: requests that each summarize at most 4 conclusions among at most 25 entries, between appends.
    const ledger = new MemoryLedgerStore();
    const deps = { ledger, ledgerName, state: makeState() as StateStore };
    const bounds = { maxEntries: 25, maxSummaries: 4 };
    const progress: Array<number | undefined> = [];
    for (const [from, count] of [
      [0, 12],
      [12, 9],
      [21, 14],
    ] as const) {
      await recordChanges(ledger, changes(from, count));
      progress.push((await valueViewAnswer(deps, {}, bounds)).catchingUp?.summarizedThroughSeq);
    }

    // Act: request until the view has caught up.
    let answer = await valueViewAnswer(deps, {}, bounds);
    let requests = 1;
    while (answer.catchingUp !== undefined) {
      expect(answer.catchingUp.summarizedThroughSeq).toBeLessThan(answer.catchingUp.ledgerSize - 1);
      answer = await valueViewAnswer(deps, {}, bounds);
      requests += 1;
    }

    // Assess: each appended batch was only partly summarized by its request, and the rest took more requests.
    expect(progress.every((seq) => seq !== undefined)).toBe(true);
    expect(requests).toBeGreaterThan(3);
    expect(answer).toEqual(await everything(ledger, {}));
    for (const query of queries) {
      expect(await valueViewAnswer(deps, query, bounds)).toEqual(await everything(ledger, query));
    }
    const all = await everything(ledger, { by: 'outcome' });
    expect(all.groups.map((g) => g.key.outcome).sort()).toEqual([
      'failed',
      'held',
      'released',
      'rolled-back',
    ]);
    expect(all.groups.find((g) => g.key.outcome === 'failed')).toMatchObject({
      intents: 3,
      failed: 3,
      released: 0,
      valuePerHourUsd: 0,
    });
    // Restored 19 minutes after the failed release started (its roll-back completed then).
    expect(all.dora.timeToRestoreSeconds).toBe(1140);
  });

  test('a catch-up reads each entry once: an intent declared since the marker is summarized from the pages read', async () => {
    // Prepare
    const ledger = new MemoryLedgerStore();
    await recordChanges(ledger, changes(0, 30));
    let read = 0;
    const counting = Object.assign(Object.create(ledger) as MemoryLedgerStore, {
      read: async (name: string, from?: number, to?: number) => {
        const page = await ledger.read(name, from, to);
        read += page.length;
        return page;
      },
      forIntent: async (name: string, intentId: string) => {
        const own = await ledger.forIntent(name, intentId);
        read += own.length;
        return own;
      },
    });

    // Act
    const answer = await valueViewAnswer({ ledger: counting, ledgerName, state: new MemoryStateStore() }, {});

    // Assess
    expect(answer).toEqual(await everything(ledger, {}));
    expect(read).toBe((await ledger.head(ledgerName))!.entry.seq + 1);
  });

  test('one request with the default bounds reads a ledger of several pages to its head', async () => {
    // Prepare: 180 changes (fewer than a request summarizes), 600 entries: more than one page of the ledger.
    const ledger = new MemoryLedgerStore();
    const deps = { ledger, ledgerName, state: new MemoryStateStore() };
    for (let from = 0; from < 180; from += 45) await recordChanges(ledger, changes(from, 45));

    // Act
    const answer = await valueViewAnswer(deps, { by: 'region' });

    // Assess
    expect((await ledger.head(ledgerName))!.entry.seq).toBeGreaterThan(500);
    expect(answer.catchingUp).toBeUndefined();
    expect(answer).toEqual(await everything(ledger, { by: 'region' }));
  });

  test('a window reads only its summaries, yet knows the tags of intents concluded outside it', async () => {
    // Prepare: `team` is carried only by intents concluded after 2026-11-01T23:00.
    const ledger = new MemoryLedgerStore();
    const state = new MemoryStateStore();
    const listed: number[] = [];
    const counting: StateStore = {
      get: (pk, sk) => state.get(pk, sk),
      put: (pk, sk, data, version) => state.put(pk, sk, data, version),
      delete: (pk, sk, version) => state.delete(pk, sk, version),
      list: async (pk, range) => {
        const items = await state.list(pk, range);
        listed.push(items.length);
        return items as never;
      },
    };
    await recordChanges(ledger, [
      { id: 'early', at: 60, tags: { region: 'NA' } },
      { id: 'late', at: 24 * 60, tags: { team: 'a' } },
    ]);
    const deps = { ledger, ledgerName, state: counting };

    // Act
    const answer = await valueViewAnswer(deps, { by: 'team', until: '2026-11-01T12:00:00Z' });
    const refused = await valueViewAnswer(deps, { by: 'nonsense', since: 'soon' }).catch((e: unknown) => e);

    // Assess
    expect(listed).toEqual([1]);
    expect(answer).toEqual(await everything(ledger, { by: 'team', until: '2026-11-01T12:00:00Z' }));
    expect(answer.knownDimensions).toContain('team');
    expect(refused).toBeInstanceOf(InvalidInputError);
    expect((refused as InvalidInputError).issues.map((issue) => issue.path)).toEqual(['by', 'since']);
    expect((refused as InvalidInputError).issues[0]?.message).toContain('the tags region, tag:team');
  });

  test('requests that race catch up once: the marker never moves back and the answer is the same', async () => {
    // Prepare
    const ledger = new MemoryLedgerStore();
    const state = new MemoryStateStore();
    const deps = { ledger, ledgerName, state };
    await recordChanges(ledger, changes(0, 10));

    const marker = stateKeys.valueSummarized(ledgerName);

    // Act: five requests from the same marker; then one after more appends, and a straggler that read the
    // marker before that one moved it.
    const racing = await Promise.all(Array.from({ length: 5 }, () => valueViewAnswer(deps, {})));
    const stale = await state.get(marker.pk, marker.sk);
    await recordChanges(ledger, changes(10, 3));
    await valueViewAnswer(deps, {});
    const straggler: StateStore = Object.assign(Object.create(state) as StateStore, {
      get: async (pk: string, sk: string) => (pk === marker.pk ? structuredClone(stale) : state.get(pk, sk)),
    });
    const late = await valueViewAnswer({ ledger, ledgerName, state: straggler }, {});
    const after = await state.get<{ nextSeq: number }>(marker.pk, marker.sk);

    // Assess
    const expected = await everything(ledger, {});
    for (const answer of racing) expect(answer.groups.reduce((n, g) => n + g.intents, 0)).toBe(10);
    expect(after?.data.nextSeq).toBe((await ledger.head(ledgerName))!.entry.seq + 1);
    expect(late).toEqual(expected);
    expect(after?.version).toBe(2);
    expect(await valueViewAnswer(deps, {})).toEqual(expected);
    expect(await state.list(stateKeys.concludedSummary(ledgerName).pk)).toHaveLength(13);
  });

  test('a conclusion of an intent declared before the marker, which the intent index does not show yet, is left for a later request', async () => {
    // Prepare: a first request stops just past change-2's declaration; then the index lags: `forIntent` misses
    // change-2's entries, which the next request must read through it.
    const ledger = new MemoryLedgerStore();
    await recordChanges(ledger, changes(0, 3));
    const all = await ledger.read(ledgerName);
    const declared = all.find(
      ({ entry }) => entry.intentId === 'change-2' && entry.type === 'intent.declared',
    )!;
    const concluded = all.find(
      ({ entry }) => entry.intentId === 'change-2' && entry.type === 'intent.concluded',
    )!;
    const lagging = Object.assign(Object.create(ledger) as MemoryLedgerStore, {
      forIntent: async (name: string, intentId: string) =>
        (await ledger.forIntent(name, intentId)).filter(({ entry }) => entry.intentId !== 'change-2'),
    });
    const state = new MemoryStateStore();
    const first = await valueViewAnswer(
      { ledger, ledgerName, state },
      {},
      { maxEntries: declared.entry.seq + 1, maxSummaries: 100 },
    );

    // Act
    const early = await valueViewAnswer({ ledger: lagging, ledgerName, state }, {});
    const later = await valueViewAnswer({ ledger, ledgerName, state }, {});

    // Assess: the lagging request says how far it got; the next one completes the view.
    const size = (await ledger.head(ledgerName))!.entry.seq + 1;
    expect(first.catchingUp).toEqual({ summarizedThroughSeq: declared.entry.seq, ledgerSize: size });
    expect(early.catchingUp).toEqual({ summarizedThroughSeq: concluded.entry.seq - 1, ledgerSize: size });
    expect(later.catchingUp).toBeUndefined();
    expect(later).toEqual(await everything(ledger, {}));
  });

  test('a view summarized before summaries carried the release verdict is summarized again, not trusted', async () => {
    // Prepare: a release that breached its SLOs, and a view an earlier version caught up without its verdict.
    const ledger = new MemoryLedgerStore();
    await recordChanges(ledger, [{ id: 'slo', at: 60, releaseVerdict: 'regressed' }]);
    const state = new MemoryStateStore();
    const [old] = concludedIntents(await ledger.read(ledgerName));
    const { releaseVerdict: _, ...withoutVerdict } = old!;
    const seq = (await ledger.head(ledgerName))!.entry.seq;
    await state.put(`VALUE#${ledgerName}#CONCLUDED`, `${old!.concludedAt}#slo#${seq}`, {
      seq,
      intent: withoutVerdict,
    });
    await state.put(`VALUE#${ledgerName}`, 'SUMMARIZED', { nextSeq: seq + 1, tags: [] });

    // Act
    const answer = await valueViewAnswer({ ledger, ledgerName, state }, {});

    // Assess: the regressed release is a change failure, as the whole ledger says.
    expect(answer.dora.changeFailureRate).toBe(1);
    expect(answer).toEqual(await everything(ledger, {}));
  });
});
