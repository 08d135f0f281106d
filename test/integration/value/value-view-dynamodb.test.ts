import { DynamoLedgerStore } from '../../../lambdas/adapters/aws/dynamodb-ledger-store.js';
import { DynamoStateStore } from '../../../lambdas/adapters/aws/dynamodb-state-store.js';
import { SoleWriterStateCache } from '../../../lambdas/adapters/local/sole-writer-state-cache.js';
import { type ValueQuery, valueAnswer } from '../../../lambdas/core/value-answer.js';
import { concludedIntents } from '../../../lambdas/core/value-report.js';
import { valueViewAnswer } from '../../../lambdas/core/value-view.js';
import type { StateStore } from '../../../lambdas/ports/state-store.js';
import { onDynamoBackends } from '../../contract/dynamo-backends.js';
import { announceMotoCases } from '../../contract/moto-backends.js';
import { ledgerName, recordChanges } from '../../unit/pipeline/helpers/value-ledger.js';

announceMotoCases('test/integration/value/value-view-dynamodb.test.ts');

const queries: ValueQuery[] = [
  {},
  { by: 'region,outcome' },
  { by: 'team', since: '2026-11-01T02:00:00+01:00', until: '2026-11-01T05:30:00Z' },
];

let ledgers = 0;

const tagsOf = (i: number): Record<string, string> =>
  i % 2 ? { region: 'EMEA', team: 'a' } : { region: 'NA' };

onDynamoBackends((backend, tables) => {
  describe(`the value view on DynamoDB (${backend})`, () => {
    test.each([
      ['the state store', (state: StateStore) => state],
      ['the sole-writer cache', (state: StateStore) => new SoleWriterStateCache(state, [''])],
    ])('through %s it answers as the whole ledger does, windows read by sort-key range', async (_, wrap) => {
      // Prepare: a ledger name of this case's own, since every case shares the tables.
      const { client, names } = tables();
      const name = `${ledgerName}-${++ledgers}`;
      const ledger = new DynamoLedgerStore(client, names.ledger);
      const deps = { ledger, ledgerName: name, state: wrap(new DynamoStateStore(client, names.state)) };
      const record = (from: number, count: number) =>
        recordChanges(
          ledger,
          Array.from({ length: count }, (_, k) => ({
            id: `c-${from + k}`,
            at: ((from + k) * 37) % 400,
            tags: tagsOf(from + k),
            rolledBack: (from + k) % 5 === 2,
            ...((from + k) % 3 === 0
              ? { model: { employeeCount: 9, growth: { model: 'discrete', rate: 0.2 } } }
              : {}),
          })),
          name,
        );
      const everything = async (query: ValueQuery) =>
        valueAnswer(concludedIntents(await ledger.read(name)), query);

      // Act: a request between two batches of appends, with a small bound, then until caught up.
      await record(0, 8);
      await valueViewAnswer(deps, {}, { maxEntries: 10, maxSummaries: 3 });
      await record(8, 7);
      let answer = await valueViewAnswer(deps, {}, { maxEntries: 10, maxSummaries: 3 });
      while (answer.catchingUp) answer = await valueViewAnswer(deps, {}, { maxEntries: 10, maxSummaries: 3 });

      // Assess
      expect(answer).toEqual(await everything({}));
      for (const query of queries)
        expect(await valueViewAnswer(deps, query)).toEqual(await everything(query));
    });
  });
});
