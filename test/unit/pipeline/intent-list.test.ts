import { InvalidInputError } from '../../../lambdas/core/errors.js';
import { listIntents } from '../../../lambdas/core/pipeline/intent-list.js';
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

describe('listIntents', () => {
  test('newest first, each with its service, team, status, and first and latest instants', () => {
    const page = listIntents(entries, {}, { limit: 10 });
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

  test('filters by status (in-flight for every unconcluded one), service, team and since; all given must hold', () => {
    expect(ids(listIntents(entries, { status: ['in-flight'] }, { limit: 10 }))).toEqual(['c', 'a']);
    expect(ids(listIntents(entries, { status: ['released', 'rejected-policy'] }, { limit: 10 }))).toEqual([
      'd',
      'b',
    ]);
    expect(ids(listIntents(entries, { service: 'launch-flags' }, { limit: 10 }))).toEqual(['c', 'a']);
    expect(ids(listIntents(entries, { team: 'growth' }, { limit: 10 }))).toEqual(['d', 'c', 'a']);
    expect(
      ids(listIntents(entries, { team: 'growth', since: new Date('2026-11-02T00:00:00Z') }, { limit: 10 })),
    ).toEqual(['d', 'c']);
  });

  test('pages follow each other without gap or repeat, and stay stable when newer intents arrive', () => {
    const first = listIntents(entries, {}, { limit: 3 });
    expect(ids(first)).toEqual(['d', 'c', 'b']);
    const grown = [
      ...entries,
      ...ledgerOf([['e', 'intent.declared', declared('search', 'growth')]]).map((s) => ({
        ...s,
        entry: { ...s.entry, seq: entries.length },
      })),
    ];
    const second = listIntents(grown, {}, { limit: 3, cursor: first.nextCursor! });
    expect(ids(second)).toEqual(['a']);
    expect(second.nextCursor).toBeUndefined();
    // A filtered listing pages over matches only: a page is never empty while more follow.
    const growthFirst = listIntents(entries, { team: 'growth' }, { limit: 1 });
    const growthSecond = listIntents(
      entries,
      { team: 'growth' },
      { limit: 1, cursor: growthFirst.nextCursor! },
    );
    expect([ids(growthFirst), ids(growthSecond)]).toEqual([['d'], ['c']]);
  });

  test('a cursor this code did not hand out is InvalidInputError naming cursor', () => {
    for (const cursor of ['not-a-cursor', Buffer.from('{"v":1,"before":-3}').toString('base64url')]) {
      try {
        listIntents(entries, {}, { limit: 2, cursor });
        throw new Error('accepted');
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidInputError);
        expect((error as InvalidInputError).issues).toEqual([expect.objectContaining({ path: 'cursor' })]);
      }
    }
  });
});
