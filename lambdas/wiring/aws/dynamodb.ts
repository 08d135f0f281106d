import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoLedgerReader } from '../../adapters/aws/dynamodb-ledger-reader.js';
import { DynamoLedgerStore } from '../../adapters/aws/dynamodb-ledger-store.js';
import { DynamoStateStore } from '../../adapters/aws/dynamodb-state-store.js';
import type { LedgerStore } from '../../ports/ledger-store.js';
import type { StateStore } from '../../ports/state-store.js';
import { requiredEnv } from '../env.js';

// One client for both tables: one connection pool per container.
let client: DynamoDBClient | undefined;
const dynamoClient = () => {
  client ??= new DynamoDBClient({});
  return client;
};

/** The ledger table named by `ITV_LEDGER_TABLE`. */
export function dynamoLedger(env: NodeJS.ProcessEnv): LedgerStore {
  return new DynamoLedgerStore(dynamoClient(), requiredEnv('ITV_LEDGER_TABLE', env));
}

/** The ledger table named by `ITV_LEDGER_TABLE`, for a function that only reads it. */
export function dynamoLedgerReader(env: NodeJS.ProcessEnv): DynamoLedgerReader {
  return new DynamoLedgerReader(dynamoClient(), requiredEnv('ITV_LEDGER_TABLE', env));
}

/** The state table named by `ITV_STATE_TABLE`. */
export function dynamoState(env: NodeJS.ProcessEnv): StateStore {
  return new DynamoStateStore(dynamoClient(), requiredEnv('ITV_STATE_TABLE', env));
}
