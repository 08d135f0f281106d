import { InvalidInputError } from '../../lambdas/core/errors.js';
import { GENESIS_PREV_HASH, leafHash } from '../../lambdas/core/ledger/hash.js';
import { verifyChain } from '../../lambdas/core/ledger/index.js';
import type { LedgerEntryDraft, LedgerStore, StoredEntry } from '../../lambdas/ports/ledger-store.js';

let ledgers = 0;
/** A ledger no other case touches, so implementations may share one table across cases. */
function freshLedger(): string {
  ledgers += 1;
  return `contract-${ledgers}-${Math.random().toString(36).slice(2, 8)}`;
}

function draft(key: string, intentId = 'intent-a', payload: Record<string, unknown> = {}): LedgerEntryDraft {
  return {
    intentId,
    type: 'intent.declared',
    idempotencyKey: key,
    timestamp: '2026-11-01T10:00:00.000Z',
    payload,
  };
}

const seqs = (entries: StoredEntry[]) => entries.map((stored) => stored.entry.seq);
const keys = (entries: StoredEntry[]) => entries.map((stored) => stored.entry.idempotencyKey);

/**
 * The LedgerStore port's contract, run against every implementation of it. `makeStore` may be called more
 * than once per case: each call is another writer (another process) appending to the same ledgers.
 */
export function describeLedgerStoreContract(
  name: string,
  makeStore: () => LedgerStore | Promise<LedgerStore>,
): void {
  describe(`LedgerStore contract: ${name}`, () => {
    test('appends a gap-free chain from seq 0: prevHash is the previous leaf hash, hash the entry’s own', async () => {
      // Prepare
      const store = await makeStore();
      const ledger = freshLedger();

      // Act
      const appended: StoredEntry[] = [];
      for (let i = 0; i < 4; i += 1) appended.push(await store.append(ledger, draft(`k${i}`)));
      const entries = await store.read(ledger);

      // Assess
      expect(seqs(appended)).toEqual([0, 1, 2, 3]);
      expect(entries).toEqual(appended);
      expect(appended[0]!.entry.prevHash).toBe(GENESIS_PREV_HASH);
      for (const [i, stored] of appended.entries()) {
        expect(stored.hash).toBe(leafHash(stored.entry));
        if (i > 0) expect(stored.entry.prevHash).toBe(appended[i - 1]!.hash);
        expect(stored.entry).toMatchObject({ ledger, ...draft(`k${i}`) });
      }
      expect(verifyChain(entries, { ledger })).toMatchObject({ ok: true, size: 4 });
    });

    test('a payload reads back exactly as appended, and hashes the same', async () => {
      // Prepare
      const store = await makeStore();
      const ledger = freshLedger();
      const payload = { text: 'ünï😀', n: 1e-7, big: 12345678901234, none: null, list: [{ b: 1, a: [] }] };

      // Act
      const appended = await store.append(ledger, draft('k', 'intent-a', payload));
      const [read] = await store.read(ledger);

      // Assess
      expect(read).toEqual(appended);
      expect(read!.entry.payload).toEqual(payload);
      expect(leafHash(read!.entry)).toBe(appended.hash);
    });

    test('a retried append returns the stored entry and appends nothing, even with another payload', async () => {
      // Prepare
      const store = await makeStore();
      const ledger = freshLedger();
      const first = await store.append(ledger, draft('once', 'intent-a', { attempt: 1 }));
      await store.append(ledger, draft('after'));

      // Act
      const retried = await store.append(ledger, draft('once', 'intent-a', { attempt: 2 }));

      // Assess
      expect(retried).toEqual(first);
      expect(keys(await store.read(ledger))).toEqual(['once', 'after']);
    });

    test('the same idempotency key in another ledger is another entry', async () => {
      // Prepare
      const store = await makeStore();
      const [ledger, other] = [freshLedger(), freshLedger()];
      await store.append(ledger, draft('k0'));

      // Act
      const elsewhere = await store.append(other, draft('k0'));

      // Assess
      expect(elsewhere.entry).toMatchObject({ ledger: other, seq: 0 });
      expect(await store.read(ledger)).toHaveLength(1);
    });

    test('reads the half-open range [fromSeq, toSeq), to the head by default; head is the last entry', async () => {
      // Prepare
      const store = await makeStore();
      const ledger = freshLedger();
      for (let i = 0; i < 6; i += 1) await store.append(ledger, draft(`k${i}`));

      // Act
      const [all, middle, tail, empty, past, overshoot, head] = await Promise.all([
        store.read(ledger),
        store.read(ledger, 2, 4),
        store.read(ledger, 4),
        store.read(ledger, 3, 3),
        store.read(ledger, 6),
        store.read(ledger, 4, 100),
        store.head(ledger),
      ]);

      // Assess
      expect(seqs(all)).toEqual([0, 1, 2, 3, 4, 5]);
      expect(seqs(middle)).toEqual([2, 3]);
      expect(seqs(tail)).toEqual([4, 5]);
      expect(empty).toEqual([]);
      expect(past).toEqual([]);
      expect(seqs(overshoot)).toEqual([4, 5]);
      expect(head).toEqual(all[5]);
    });

    test('an empty ledger has no head and no entries', async () => {
      // Prepare
      const store = await makeStore();
      const ledger = freshLedger();

      // Act
      const [head, entries, mine] = await Promise.all([
        store.head(ledger),
        store.read(ledger),
        store.forIntent(ledger, 'intent-a'),
      ]);

      // Assess
      expect(head).toBeUndefined();
      expect(entries).toEqual([]);
      expect(mine).toEqual([]);
    });

    test('forIntent returns one intent’s entries of one ledger, in sequence order', async () => {
      // Prepare
      const store = await makeStore();
      const [ledger, other] = [freshLedger(), freshLedger()];
      await store.append(ledger, draft('x1', 'intent-x'));
      await store.append(ledger, draft('y1', 'intent-y'));
      await store.append(other, draft('x1', 'intent-x'));
      for (let i = 2; i <= 12; i += 1) await store.append(ledger, draft(`x${i}`, 'intent-x'));

      // Act
      const entries = await store.forIntent(ledger, 'intent-x');

      // Assess
      expect(keys(entries)).toEqual(Array.from({ length: 12 }, (_, i) => `x${i + 1}`));
      expect(seqs(entries)).toEqual([0, ...Array.from({ length: 11 }, (_, i) => i + 2)]);
      expect(entries.every((stored) => stored.entry.ledger === ledger)).toBe(true);
    });

    test('four writers appending at once: no fork, no gap, every key once, the chain verifies', async () => {
      // Prepare
      const stores = await Promise.all(Array.from({ length: 4 }, () => makeStore()));
      const ledger = freshLedger();

      // Act
      await Promise.all(
        stores.map(async (store, writer) => {
          for (let i = 0; i < 8; i += 1) await store.append(ledger, draft(`w${writer}-${i}`));
        }),
      );
      const entries = await stores[0]!.read(ledger);

      // Assess
      expect(seqs(entries)).toEqual(Array.from({ length: 32 }, (_, i) => i));
      expect(new Set(keys(entries)).size).toBe(32);
      expect(verifyChain(entries, { ledger })).toMatchObject({ ok: true, size: 32 });
    });

    test('concurrent duplicates of the same keys append each key exactly once and agree on its entry', async () => {
      // Prepare
      const stores = await Promise.all(Array.from({ length: 4 }, () => makeStore()));
      const ledger = freshLedger();

      // Act
      const results = await Promise.all(
        stores.flatMap((store) => ['a', 'b', 'c'].map((key) => store.append(ledger, draft(key)))),
      );
      const entries = await stores[0]!.read(ledger);

      // Assess
      expect([...keys(entries)].sort()).toEqual(['a', 'b', 'c']);
      for (const result of results) {
        expect(result).toEqual(
          entries.find((stored) => stored.entry.idempotencyKey === result.entry.idempotencyKey),
        );
      }
      expect(verifyChain(entries, { ledger })).toMatchObject({ ok: true, size: 3 });
    });

    test('a bad ledger name or draft is InvalidInputError and appends nothing', async () => {
      // Prepare
      const store = await makeStore();
      const ledger = freshLedger();

      // Act
      const refusals = await Promise.all([
        store.append('has#hash', draft('k')).catch((error: unknown) => error),
        store.append(ledger, { ...draft('k'), type: 'Not Dotted' }).catch((error: unknown) => error),
        store.append(ledger, { ...draft('k'), timestamp: 'yesterday' }).catch((error: unknown) => error),
        store.append(ledger, { ...draft(''), intentId: 'x' }).catch((error: unknown) => error),
      ]);

      // Assess
      for (const refusal of refusals) expect(refusal).toBeInstanceOf(InvalidInputError);
      expect(await store.read(ledger)).toEqual([]);
    });
  });
}
