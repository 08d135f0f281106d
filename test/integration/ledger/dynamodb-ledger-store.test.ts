import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoLedgerStore } from '../../../lambdas/adapters/aws/dynamodb-ledger-store.js';
import { TransientError } from '../../../lambdas/core/errors.js';
import { canonicalJson, verifyChain } from '../../../lambdas/core/ledger/index.js';
import type { LedgerEntryDraft } from '../../../lambdas/ports/ledger-store.js';
import { appendsBudgetMs } from '../../support/time-budget.js';
import { clientFor, type LocalTables, startLocalTables } from './dynalite-fixture.js';

let tables: LocalTables;
let store: DynamoLedgerStore;
let ledgerCount = 0;

beforeAll(async () => {
  tables = await startLocalTables();
  store = new DynamoLedgerStore(tables.client, tables.names.ledger);
});
afterAll(async () => {
  await tables.close();
});

/** A fresh ledger per test, so tests share one server without sharing state. */
function freshLedger(): string {
  ledgerCount += 1;
  return `ledger-${ledgerCount}`;
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

describe('DynamoLedgerStore on dynalite', () => {
  test('appends a gap-free hash chain that verifies', async () => {
    // Prepare
    const ledger = freshLedger();

    // Act
    for (let i = 0; i < 5; i += 1) await store.append(ledger, draft(`k${i}`));
    const entries = await store.read(ledger);

    // Assess
    expect(entries.map((e) => e.entry.seq)).toEqual([0, 1, 2, 3, 4]);
    expect(verifyChain(entries, { ledger })).toMatchObject({ ok: true, size: 5 });
  });

  test('reads a half-open range and the head', async () => {
    // Prepare
    const ledger = freshLedger();
    for (let i = 0; i < 6; i += 1) await store.append(ledger, draft(`k${i}`));

    // Act
    const [middle, tail, empty, head] = await Promise.all([
      store.read(ledger, 2, 4),
      store.read(ledger, 4),
      store.read(ledger, 3, 3),
      store.head(ledger),
    ]);

    // Assess
    expect(middle.map((e) => e.entry.seq)).toEqual([2, 3]);
    expect(tail.map((e) => e.entry.seq)).toEqual([4, 5]);
    expect(empty).toEqual([]);
    expect(head?.entry.seq).toBe(5);
    expect(await store.head(freshLedger())).toBeUndefined();
  });

  test('returns the entries of one intent in order, and only that ledger’s', async () => {
    // Prepare
    const [ledger, other] = [freshLedger(), freshLedger()];
    await store.append(ledger, draft('a1', 'intent-x'));
    await store.append(ledger, draft('b1', 'intent-y'));
    await store.append(other, draft('a1', 'intent-x'));
    await store.append(ledger, draft('a2', 'intent-x'));

    // Act
    const entries = await store.forIntent(ledger, 'intent-x');

    // Assess
    expect(entries.map((e) => [e.entry.ledger, e.entry.seq])).toEqual([
      [ledger, 0],
      [ledger, 2],
    ]);
  });

  test('reads every page of a ledger larger than one 1 MB query page', async () => {
    // Prepare
    const ledger = freshLedger();
    const blob = 'x'.repeat(60_000);
    for (let i = 0; i < 20; i += 1) await store.append(ledger, draft(`big${i}`, 'intent-big', { blob }));

    // Act
    const entries = await store.read(ledger);
    const forIntent = await store.forIntent(ledger, 'intent-big');

    // Assess
    expect(entries).toHaveLength(20);
    expect(forIntent).toHaveLength(20);
    expect(verifyChain(entries).ok).toBe(true);
  });

  test('a retried append returns the stored entry and appends nothing', async () => {
    // Prepare
    const ledger = freshLedger();
    const first = await store.append(ledger, draft('step-1'));
    await store.append(ledger, draft('step-2'));

    // Act
    const retried = await store.append(ledger, { ...draft('step-1'), timestamp: '2026-11-01T10:05:00.000Z' });

    // Assess
    expect(retried).toEqual(first);
    expect(await store.read(ledger)).toHaveLength(2);
  });

  test(
    '16 concurrent appenders × 50 entries: no fork, no gap, none lost, chain verifies',
    async () => {
      // Prepare
      const ledger = freshLedger();
      const writers = 16;
      const perWriter = 50;

      // Act
      const results = await Promise.all(
        Array.from({ length: writers }, async (_, w) => {
          const mine = [];
          for (let i = 0; i < perWriter; i += 1)
            mine.push(await store.append(ledger, draft(`w${w}-e${i}`, `intent-${w}`)));
          return mine;
        }),
      );
      const entries = await store.read(ledger);

      // Assess
      const total = writers * perWriter;
      expect(entries.map((e) => e.entry.seq)).toEqual(Array.from({ length: total }, (_, i) => i));
      expect(new Set(entries.map((e) => e.entry.idempotencyKey)).size).toBe(total);
      expect(verifyChain(entries, { ledger })).toMatchObject({ ok: true, size: total });
      const bySeq = new Map(entries.map((e) => [e.entry.seq, e.hash]));
      for (const returned of results.flat()) expect(bySeq.get(returned.entry.seq)).toBe(returned.hash);
    },
    appendsBudgetMs(16 * 50),
  );

  test(
    'concurrent duplicates of the same keys append each key exactly once',
    async () => {
      // Prepare
      const ledger = freshLedger();
      const keys = Array.from({ length: 25 }, (_, i) => `dup-${i}`);

      // Act
      const results = await Promise.all(
        Array.from({ length: 8 }, async (_, w) => {
          const mine = [];
          for (const key of keys) {
            mine.push(await store.append(ledger, { ...draft(key), payload: { writer: w } }));
          }
          return mine;
        }),
      );
      const entries = await store.read(ledger);

      // Assess
      expect(entries).toHaveLength(keys.length);
      expect(new Set(entries.map((e) => e.entry.idempotencyKey)).size).toBe(keys.length);
      for (const [i, key] of keys.entries()) {
        const answers = new Set(results.map((mine) => mine[i]!.hash));
        expect(answers.size).toBe(1);
        expect(entries.find((e) => e.entry.idempotencyKey === key)?.hash).toBe([...answers][0]);
      }
      expect(verifyChain(entries).ok).toBe(true);
    },
    appendsBudgetMs(8 * 25),
  );

  test('an append whose marker was claimed but whose entry was never written still lands once', async () => {
    // Prepare: a writer claimed seq 1 for key "orphan" and crashed; another key then took seq 1.
    const ledger = freshLedger();
    await store.append(ledger, draft('first'));
    const { createHash } = await import('node:crypto');
    const marker = `${ledger}#idem#${createHash('sha256').update('orphan').digest('hex')}`;
    await tables.client.send(
      new PutItemCommand({
        TableName: tables.names.ledger,
        Item: { ledger: { S: marker }, seq: { N: '0' }, target: { N: '1' }, idempotencyKey: { S: 'orphan' } },
      }),
    );
    await store.append(ledger, draft('second'));

    // Act
    const orphan = await store.append(ledger, draft('orphan'));
    const again = await store.append(ledger, draft('orphan'));

    // Assess
    expect(orphan.entry.seq).toBe(2);
    expect(again).toEqual(orphan);
    expect(verifyChain(await store.read(ledger))).toMatchObject({ ok: true, size: 3 });
  });

  test('an entry edited in the table is caught by verifyChain, naming its seq', async () => {
    // Prepare
    const ledger = freshLedger();
    for (let i = 0; i < 4; i += 1) await store.append(ledger, draft(`k${i}`));
    const [, victim] = await store.read(ledger, 1, 2).then((e) => [undefined, e[0]!]);
    const forged = { ...victim!.entry, payload: { approved: true } };
    await tables.client.send(
      new PutItemCommand({
        TableName: tables.names.ledger,
        Item: {
          ledger: { S: ledger },
          seq: { N: '1' },
          entry: { S: canonicalJson(forged) },
          hash: { S: victim!.hash },
          intentId: { S: forged.intentId },
          idem: { S: `${ledger}#${forged.idempotencyKey}` },
        },
      }),
    );

    // Act
    const result = verifyChain(await store.read(ledger));

    // Assess
    expect(result).toMatchObject({ ok: false, seq: 1, fault: 'hash-mismatch' });
  });

  test('a network failure surfaces as TransientError with the cause kept', async () => {
    // Prepare: an endpoint where nothing listens.
    const closed = await startLocalTables();
    const endpoint = closed.endpoint;
    await closed.close();
    const unreachable = new DynamoLedgerStore(clientFor(endpoint, 1), 'itv-ledger');

    // Act
    const error = await unreachable.append(freshLedger(), draft('k')).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).cause).toBeDefined();
  });
});

describe("one process's appends to a ledger", () => {
  test('run one at a time in the order asked, across stores, and a refused one does not hold up the rest', async () => {
    // Prepare: two stores of one table (as two stages of one process), each on a client of its own, and a count
    // of the PutItems in flight at once.
    const ledger = freshLedger();
    const clients = [clientFor(tables.endpoint), clientFor(tables.endpoint)];
    let inFlight = 0;
    let most = 0;
    for (const client of clients)
      client.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName !== 'PutItemCommand') return next(args);
          inFlight += 1;
          most = Math.max(most, inFlight);
          try {
            return await next(args);
          } finally {
            inFlight -= 1;
          }
        },
        { step: 'initialize', name: 'countInFlight' },
      );
    const [first, second] = clients.map((client) => new DynamoLedgerStore(client, tables.names.ledger));

    try {
      // Act: twelve appends asked at once, alternating stores; the fifth has a type no entry may have.
      const asked = Array.from({ length: 12 }, (_, i) =>
        (i % 2 === 0 ? first! : second!).append(
          ledger,
          i === 4 ? { ...draft(`q${i}`), type: 'Not A Type' } : draft(`q${i}`),
        ),
      );
      const settled = await Promise.allSettled(asked);

      // Assess
      expect(settled.map((outcome) => outcome.status)).toEqual(
        Array.from({ length: 12 }, (_, i) => (i === 4 ? 'rejected' : 'fulfilled')),
      );
      const entries = await first!.read(ledger);
      expect(entries.map((e) => e.entry.idempotencyKey)).toEqual(
        Array.from({ length: 12 }, (_, i) => `q${i}`).filter((key) => key !== 'q4'),
      );
      expect(most).toBe(1);
      expect(verifyChain(entries, { ledger })).toMatchObject({ ok: true, size: 11 });
    } finally {
      for (const client of clients) client.destroy();
    }
  });
});
