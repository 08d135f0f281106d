import { DynamoLedgerStore } from '../../lambdas/adapters/aws/dynamodb-ledger-store.js';
import { MemoryLedgerStore } from '../unit/pipeline/helpers/memory-ledger.js';
import { onDynamoBackends } from './dynamo-backends.js';
import { describeLedgerStoreContract } from './ledger-store-contract.js';
import { announceMotoCases } from './moto-backends.js';

announceMotoCases('test/contract/ledger-store.test.ts');

// One memory store per case: every writer a case makes shares it, as writers share one table.
let memory = new MemoryLedgerStore();
beforeEach(() => {
  memory = new MemoryLedgerStore();
});
describeLedgerStoreContract('MemoryLedgerStore (unit-test fake)', () => memory);

onDynamoBackends((backend, tables) =>
  describeLedgerStoreContract(
    `DynamoLedgerStore on ${backend}`,
    () => new DynamoLedgerStore(tables().client, tables().names.ledger),
  ),
);
