import { DynamoStateStore } from '../../../lambdas/adapters/aws/dynamodb-state-store.js';
import { decisionContinuity, recordContinuity } from '../../../lambdas/core/compounding/continuity.js';
import { readConfidence, recordOutcome } from '../../../lambdas/core/pipeline/confidence-store.js';
import { clientFor, type LocalTables, startLocalTables } from '../ledger/dynalite-fixture.js';

let tables: LocalTables;

beforeAll(async () => {
  tables = await startLocalTables();
});
afterAll(async () => {
  await tables.close();
});

describe('running tallies on dynalite', () => {
  test('four writers on their own clients, each retrying its intents, count every intent once', async () => {
    // Prepare: four Lambdas' worth of clients on one table
    const clients = Array.from({ length: 4 }, () => clientFor(tables.endpoint));
    const stores = clients.map((client) => new DynamoStateStore(client, tables.names.state));
    try {
      // Act: 24 intents, 6 per writer, each recorded twice (a retried stage)
      await Promise.all(
        stores.map(async (store, w) => {
          for (let i = 0; i < 6; i++) {
            const intentId = `int-${w}-${i}`;
            for (let attempt = 0; attempt < 2; attempt++) {
              await recordOutcome(store, 'checkout', 'feature-flag', intentId, i % 3 !== 0);
              await recordContinuity(store, intentId, i % 2 === 0 ? `dec-${w}` : null);
            }
          }
        }),
      );
      // Assess
      expect(await readConfidence(stores[0]!, 'checkout', 'feature-flag')).toEqual({
        successes: 16,
        failures: 8,
      });
      expect(await decisionContinuity(stores[1]!)).toEqual({ reused: 12, total: 24, rate: 0.5 });
    } finally {
      for (const client of clients) client.destroy();
    }
  });
});
