import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { TransientError } from '../../core/errors.js';
import { transientOr } from './transient-errors.js';

/*
 * Table layouts shared by the CDK stack (infra/) and by `ensureTables`, which creates them on dynalite
 * for the embedded runtime. Attribute types use DynamoDB's letters: S string, N number.
 */

/** The append-only ledger: one item per entry, plus idempotency markers (see DynamoLedgerStore). */
export const LEDGER_TABLE = {
  partitionKey: { name: 'ledger', type: 'S' },
  sortKey: { name: 'seq', type: 'N' },
  /** Item attributes beside the key: `entry` is the RFC 8785 text of the entry, exactly as hashed. */
  attributes: { entry: 'entry', hash: 'hash', intentId: 'intentId' },
  indexes: {
    byIntent: {
      name: 'byIntent',
      partitionKey: { name: 'intentId', type: 'S' },
      sortKey: { name: 'seq', type: 'N' },
      projection: 'ALL',
    },
  },
  pointInTimeRecovery: true,
} as const;

/** Mutable operational state, addressed by (pk, sk), with an optimistic-concurrency `version`. */
export const STATE_TABLE = {
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  attributes: { version: 'version', data: 'data' },
  /** Epoch seconds after which DynamoDB deletes the item: written on parked queue and review records. */
  ttlAttribute: 'expiresAt',
  pointInTimeRecovery: true,
} as const;

export interface TableNames {
  ledger: string;
  state: string;
}

/** CreateTable input for the ledger table (on-demand capacity). */
export function ledgerTableInput(tableName: string): CreateTableCommandInput {
  const { partitionKey, sortKey, indexes } = LEDGER_TABLE;
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: partitionKey.name, AttributeType: partitionKey.type },
      { AttributeName: sortKey.name, AttributeType: sortKey.type },
      {
        AttributeName: indexes.byIntent.partitionKey.name,
        AttributeType: indexes.byIntent.partitionKey.type,
      },
    ],
    KeySchema: [
      { AttributeName: partitionKey.name, KeyType: 'HASH' },
      { AttributeName: sortKey.name, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: indexes.byIntent.name,
        KeySchema: [
          { AttributeName: indexes.byIntent.partitionKey.name, KeyType: 'HASH' },
          { AttributeName: indexes.byIntent.sortKey.name, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: indexes.byIntent.projection },
      },
    ],
  };
}

/** CreateTable input for the state table (on-demand capacity). */
export function stateTableInput(tableName: string): CreateTableCommandInput {
  const { partitionKey, sortKey } = STATE_TABLE;
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: partitionKey.name, AttributeType: partitionKey.type },
      { AttributeName: sortKey.name, AttributeType: sortKey.type },
    ],
    KeySchema: [
      { AttributeName: partitionKey.name, KeyType: 'HASH' },
      { AttributeName: sortKey.name, KeyType: 'RANGE' },
    ],
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function tableStatus(client: DynamoDBClient, tableName: string): Promise<string | undefined> {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    return Table?.TableStatus;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw transientOr(error, `DynamoDB DescribeTable ${tableName}`);
  }
}

async function ensureTable(client: DynamoDBClient, input: CreateTableCommandInput): Promise<void> {
  const name = input.TableName!;
  if ((await tableStatus(client, name)) === undefined) {
    try {
      await client.send(new CreateTableCommand(input));
    } catch (error) {
      // Another process created it between our look and our create: wait for it like our own.
      if (!(error instanceof ResourceInUseException))
        throw transientOr(error, `DynamoDB CreateTable ${name}`);
    }
  }
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if ((await tableStatus(client, name)) === 'ACTIVE') return;
    await sleep(50);
  }
  throw new TransientError(`DynamoDB table ${name} did not become ACTIVE within 5 s`);
}

/** Creates the ledger and state tables when missing and waits until both are ACTIVE (embedded runtime). */
export async function ensureTables(client: DynamoDBClient, names: TableNames): Promise<void> {
  await Promise.all([
    ensureTable(client, ledgerTableInput(names.ledger)),
    ensureTable(client, stateTableInput(names.state)),
  ]);
}
