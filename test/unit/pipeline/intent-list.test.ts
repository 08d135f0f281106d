import { InvalidInputError } from '../../../lambdas/core/errors.js';
import {
  filterableStatuses,
  type IntentListFilter,
  type LedgerReads,
  listIntents as listFrom,
  statusFilter,
  statusFilterName,
} from '../../../lambdas/core/pipeline/intent-list.js';
import type { StoredEntry } from '../../../lambdas/ports/ledger-store.js';

/** A ledger of interleaved intents: entries in the order the pipeline would append them. */
function ledgerOf(steps: Array<[string, string, Record<string, unknown>?, string?]>): StoredEntry[] {
  return steps.map(([intentId, type, payload = {}, timestamp = '2026-11-02T09:00:00Z'], seq) => ({
    hash: 'a'.repeat(64),
    entry: {
      ledger: 'main',
      seq,
      prevHash: '0'.repeat(64),
      intentId,
      type,
      idempotencyKey: `${intentId}/${type}`,
      timestamp,
      payload,
    },
  }));
}
const declared = (service: string, team: string) => ({
  intent: { title: `change to ${service}`, change: { service }, authority: { team } },
});

const entries = ledgerOf([
  ['a', 'intent.declared', declared('launch-flags', 'growth'), '2026-11-01T09:00:00Z'],
  ['b', 'intent.declared', declared('billing', 'payments'), '2026-11-02T09:00:00Z'],
  ['a', 'release.started', {}, '2026-11-02T09:05:00Z'],
  ['c', 'intent.declared', declared('launch-flags', 'growth'), '2026-11-03T09:00:00Z'],
  ['b', 'intent.concluded', { outcome: 'rejected-policy' }, '2026-11-03T09:01:00Z'],
  ['c', 'review.requested', {}, '2026-11-03T09:02:00Z'],
  ['d', 'intent.declared', declared('search', 'growth'), '2026-11-04T09:00:00Z'],
  ['d', 'intent.concluded', { outcome: 'released' }, '2026-11-04T09:30:00Z'],
]);
const ids = (page: { items: Array<{ intentId: string }> }) => page.items.map((item) => item.intentId);

/** The ledger port over an array, counting what a listing reads of it. */
function readsOf(stored: StoredEntry[]): LedgerReads & { entriesRead: number } {
  const reads = {
    entriesRead: 0,
    async read(_ledger: string, from = 0, to = Number.POSITIVE_INFINITY) {
      const range = stored.filter((s) => s.entry.seq >= from && s.entry.seq < to);
      reads.entriesRead += range.length;
      return range;
    },
    async head() {
      return stored.at(-1);
    },
    async forIntent(_ledger: string, intentId: string) {
      return stored.filter((s) => s.entry.intentId === intentId);
    },
  };
  return reads;
}
/** A listing walking the ledger two entries at a time, so every test crosses chunk boundaries. */
const listIntents = (
  stored: StoredEntry[],
  filter: IntentListFilter,
  page: { limit: number; cursor?: string },
) => listFrom(readsOf(stored), 'main', filter, { ...page, chunk: 2 });

describe('listIntents', () => {
  test('newest first, each with its service, team, status, and first and latest instants', async () => {
    const page = await listIntents(entries, {}, { limit: 10 });
    expect(ids(page)).toEqual(['d', 'c', 'b', 'a']);
    expect(page.items[1]).toMatchObject({
      intentId: 'c',
      service: 'launch-flags',
      team: 'growth',
      status: 'awaiting-review',
      declaredAt: '2026-11-03T09:00:00Z',
      updatedAt: '2026-11-03T09:02:00Z',
      lastStep: 'review.requested',
    });
    expect(page.nextCursor).toBeUndefined();
  });

  test('filters by status (in-flight for every unconcluded one), service, team and since; all given must hold', async () => {
    expect(ids(await listIntents(entries, { status: ['in-flight'] }, { limit: 10 }))).toEqual(['c', 'a']);
    expect(
      ids(await listIntents(entries, { status: ['released', 'rejected-policy'] }, { limit: 10 })),
    ).toEqual(['d', 'b']);
    expect(ids(await listIntents(entries, { service: 'launch-flags' }, { limit: 10 }))).toEqual(['c', 'a']);
    expect(ids(await listIntents(entries, { team: 'growth' }, { limit: 10 }))).toEqual(['d', 'c', 'a']);
    expect(
      ids(
        await listIntents(
          entries,
          { team: 'growth', since: new Date('2026-11-02T00:00:00Z') },
          { limit: 10 },
        ),
      ),
    ).toEqual(['d', 'c']);
  });

  test('pages follow each other without gap or repeat, and stay stable when newer intents arrive', async () => {
    const first = await listIntents(entries, {}, { limit: 3 });
    expect(ids(first)).toEqual(['d', 'c', 'b']);
    const grown = [
      ...entries,
      ...ledgerOf([['e', 'intent.declared', declared('search', 'growth')]]).map((s) => ({
        ...s,
        entry: { ...s.entry, seq: entries.length },
      })),
    ];
    const second = await listIntents(grown, {}, { limit: 3, cursor: first.nextCursor! });
    expect(ids(second)).toEqual(['a']);
    expect(second.nextCursor).toBeUndefined();
    // A filtered listing pages over matches only: a page is never empty while more follow.
    const growthFirst = await listIntents(entries, { team: 'growth' }, { limit: 1 });
    const growthSecond = await listIntents(
      entries,
      { team: 'growth' },
      { limit: 1, cursor: growthFirst.nextCursor! },
    );
    expect([ids(growthFirst), ids(growthSecond)]).toEqual([['d'], ['c']]);
  });

  test('a cursor goes on only with the filter it was handed out for: another is InvalidInputError naming cursor', async () => {
    const filter: IntentListFilter = { team: 'growth', status: ['released', 'in-flight'] };
    const first = await listIntents(entries, filter, { limit: 1 });
    // The same filter, its statuses in another order, with another page size: the cursor goes on.
    const same = await listIntents(
      entries,
      { status: ['in-flight', 'released'], team: 'growth' },
      { limit: 5, cursor: first.nextCursor! },
    );
    expect([ids(first), ids(same)]).toEqual([['d'], ['c', 'a']]);
    for (const other of [{}, { team: 'growth' }, { ...filter, service: 'launch-flags' }]) {
      try {
        await listIntents(entries, other, { limit: 1, cursor: first.nextCursor! });
        throw new Error(`accepted with ${JSON.stringify(other)}`);
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidInputError);
        expect((error as InvalidInputError).issues).toEqual([
          { path: 'cursor', message: expect.stringContaining('another filter') },
        ]);
      }
    }
  });

  test('a cursor this code did not hand out is InvalidInputError naming cursor', async () => {
    for (const cursor of ['not-a-cursor', Buffer.from('{"v":1,"before":-3}').toString('base64url')]) {
      try {
        await listIntents(entries, {}, { limit: 2, cursor });
        throw new Error('accepted');
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidInputError);
        expect((error as InvalidInputError).issues).toEqual([expect.objectContaining({ path: 'cursor' })]);
      }
    }
  });

  test('walked back a chunk at a time, pages hand out every matching intent once, in order of its first entry', async () => {
    // Prepare: 60 intents whose entries interleave at random (a fixed seed), some long-lived.
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const open: string[] = [];
    const steps: Array<[string, string, Record<string, unknown>?]> = [];
    for (let i = 0; i < 60; i++) {
      const id = `i${i}`;
      steps.push([
        id,
        'intent.declared',
        declared(i % 3 === 0 ? 'billing' : 'search', i % 2 ? 'growth' : 'ops'),
      ]);
      open.push(id);
      while (open.length > 0 && random() < 0.6) {
        const at = Math.floor(random() * open.length);
        const done = random() < 0.5;
        steps.push([
          open[at]!,
          done ? 'intent.concluded' : 'release.started',
          done ? { outcome: 'released' } : {},
        ]);
        if (done) open.splice(at, 1);
      }
    }
    const ledger = ledgerOf(steps);
    const firstSeq = new Map<string, number>();
    for (const s of ledger) if (!firstSeq.has(s.entry.intentId)) firstSeq.set(s.entry.intentId, s.entry.seq);
    const newestFirst = [...firstSeq.entries()].sort(([, a], [, b]) => b - a).map(([id]) => id);

    for (const filter of [
      {},
      { service: 'billing' },
      { status: ['in-flight'] },
      { team: 'growth' },
    ] as const) {
      // Act
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page: Awaited<ReturnType<typeof listIntents>> = await listIntents(ledger, filter, {
          limit: 7,
          ...(cursor ? { cursor } : {}),
        });
        seen.push(...ids(page));
        cursor = page.nextCursor;
      } while (cursor);
      const whole = await listFrom(readsOf(ledger), 'main', filter, { limit: 1000 });

      // Assess
      expect(seen).toEqual(ids(whole));
      expect(seen).toEqual(newestFirst.filter((id) => whole.items.some((item) => item.intentId === id)));
      if (Object.keys(filter).length === 0) expect(seen).toEqual(newestFirst);
    }
  });

  test('the first page reads about what its intents span, not the whole ledger', async () => {
    const ledger = ledgerOf(
      Array.from(
        { length: 1000 },
        (_, i) =>
          [`n${i}`, 'intent.declared', declared('search', 'ops')] as [
            string,
            string,
            Record<string, unknown>,
          ],
      ),
    );
    const reads = readsOf(ledger);
    const page = await listFrom(reads, 'main', {}, { limit: 20, chunk: 50 });
    expect(ids(page)).toEqual(Array.from({ length: 20 }, (_, i) => `n${999 - i}`));
    expect(reads.entriesRead).toBeLessThanOrEqual(50);
  });

  test('a filter that matches few intents stops at the walk limit with what it found; its cursors find the rest once', async () => {
    // Prepare: 1,000 intents on search, one in ten on billing
    const ledger = ledgerOf(
      Array.from({ length: 1000 }, (_, i) => [
        `n${i}`,
        'intent.declared',
        declared(i % 100 === 5 ? 'billing' : 'search', 'ops'),
        new Date(Date.UTC(2026, 10, 1, 0, i)).toISOString(),
      ]),
    );
    const reads = readsOf(ledger);
    const pages: Array<{ items: Array<{ intentId: string }>; nextCursor?: string; searchedBackTo?: string }> =
      [];

    // Act
    let cursor: string | undefined;
    do {
      const page = await listFrom(
        reads,
        'main',
        { service: 'billing' },
        { limit: 20, cursor, chunk: 50, walkLimit: 300 },
      );
      pages.push(page);
      cursor = page.nextCursor;
    } while (cursor !== undefined);

    // Assess: each page read at most its limit (and one chunk); every match once, newest first
    expect(pages.flatMap(ids)).toEqual([905, 805, 705, 605, 505, 405, 305, 205, 105, 5].map((i) => `n${i}`));
    expect(pages.length).toBe(4);
    expect(pages.map((p) => ids(p).length)).toEqual([3, 3, 3, 1]);
    expect(pages[0]!.searchedBackTo).toBe(new Date(Date.UTC(2026, 10, 1, 0, 700)).toISOString());
    expect(pages.at(-1)!.searchedBackTo).toBeUndefined();
    expect(reads.entriesRead).toBe(1000);
  });
});

describe('statusFilter', () => {
  test.each(['constructor', 'toString', 'valueOf', '__proto__', 'hasOwnProperty'])(
    'refuses %p, a name every object inherits, as a status no intent can have',
    (name) => {
      expect(() => statusFilter([name])).toThrow(InvalidInputError);
      try {
        statusFilter([name]);
      } catch (error) {
        expect((error as InvalidInputError).issues).toEqual([
          { path: 'status', message: expect.stringMatching(new RegExp(`; not "${name}"$`)) },
        ]);
      }
    },
  );

  test('resolves an alias and keeps a status', () => {
    expect(statusFilter(['queued', 'released'])).toEqual(['admission.queued', 'released']);
  });
});

describe('the statuses a user filters by', () => {
  const waiting = ledgerOf([
    ['q', 'intent.declared', declared('launch-flags', 'growth')],
    ['q', 'admission.queued', {}],
    ['s', 'intent.declared', declared('billing', 'payments')],
    ['s', 'admission.scheduled', {}],
    ['p', 'intent.declared', declared('search', 'growth')],
    ['p', 'release.started', {}],
    [
      'p',
      'release.preempted',
      {
        deploymentId: '7',
        preemptedBy: 'e',
        requester: 'olga',
        lane: 'search',
        action: 'rolled-back',
        predictedTimeToValueChangeSeconds: 600,
        costOfDelayUsd: 1,
        valuePerHourUsd: 6,
        requeued: 'head-of-lane',
        at: '2026-11-02T09:00:00Z',
      },
    ],
  ]);

  test.each([
    ['queued', 'q'],
    ['scheduled', 's'],
    ['preempted', 'p'],
  ])('%p is offered and finds the intent that shows it', async (status, id) => {
    // Act
    const page = await listIntents(waiting, { status: statusFilter([status]) }, { limit: 10 });

    // Assess
    expect(filterableStatuses).toContain(status);
    expect(ids(page)).toEqual([id]);
    expect(statusFilterName(page.items[0]!.status)).toBe(status);
  });

  test('every status offered is one a filter accepts, and a status is named as the filter names it', () => {
    expect(() => statusFilter([...filterableStatuses])).not.toThrow();
    expect(statusFilterName('admission.queued')).toBe('queued');
    expect(statusFilterName('released')).toBe('released');
    expect(statusFilterName('structure.validated')).toBe('structure.validated');
  });

  test('an unknown status is refused listing the statuses offered, not every entry type', () => {
    let message = '';
    try {
      statusFilter(['bogus']);
    } catch (error) {
      message = (error as InvalidInputError).issues[0]!.message;
    }
    expect(message).toContain(filterableStatuses.join(', '));
    expect(message).not.toContain('structure.validated');
    expect(message).toMatch(/; not "bogus"$/);
  });
});
