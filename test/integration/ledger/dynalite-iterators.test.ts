import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { jest } from '@jest/globals';
import { DynamoLedgerStore } from '../../../lambdas/adapters/aws/dynamodb-ledger-store.js';
import { startLocalTables } from './dynalite-fixture.js';

/** The abstract-level class every iterator dynalite opens on disk derives from, as dynalite loads it. */
function dynalitesIteratorClass(): { prototype: { close(): Promise<void> } } {
  const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
  const classicLevel = createRequire(fromDynalite.resolve('level')).resolve('classic-level');
  return (createRequire(classicLevel)('abstract-level') as { AbstractIterator: never }).AbstractIterator;
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'itv-dynalite-iterators-'));
});
afterEach(async () => {
  jest.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

test('every Query on dynalite closes the LevelDB iterator it opened, not leaving one open per query', async () => {
  // Prepare
  const tables = await startLocalTables(join(dir, 'dynamodb'));
  const close = jest.spyOn(dynalitesIteratorClass().prototype, 'close');
  try {
    const ledger = new DynamoLedgerStore(tables.client, tables.names.ledger);
    for (let i = 0; i < 3; i++) {
      await ledger.append('main', {
        intentId: 'intent-q',
        type: 'intent.declared',
        idempotencyKey: `k${i}`,
        timestamp: '2026-11-01T10:00:00.000Z',
        payload: {},
      });
    }
    close.mockClear();

    // Act: one query read to its end, one stopped by its Limit.
    const queries = [undefined, 1].map((limit) =>
      tables.client.send(
        new QueryCommand({
          TableName: tables.names.ledger,
          KeyConditionExpression: 'ledger = :l',
          ExpressionAttributeValues: { ':l': { S: 'main' } },
          ...(limit ? { Limit: limit } : {}),
        }),
      ),
    );
    const answers = await Promise.all(queries);
    // The stream closes its iterator after it answers.
    for (let waited = 0; close.mock.calls.length < 2 && waited < 100; waited++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }

    // Assess
    expect(answers.map((answer) => answer.Items?.length)).toEqual([3, 1]);
    expect(close.mock.calls.length).toBeGreaterThanOrEqual(2);
  } finally {
    await tables.close();
  }
});
