import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import { LedgerIntegrityError } from '../../core/errors.js';
import type { LedgerEntry, LedgerStore, StoredEntry } from '../../ports/ledger-store.js';
import { n, s } from './attribute-values.js';
import { LEDGER_TABLE } from './tables.js';
import { transientOr } from './transient-errors.js';

/*
 * The ledger's reads on DynamoDB (dynalite locally), for a function that never appends: the functions that start
 * intents read an intent's entries to tell whether its attempt ended unreleased, and nothing more. Their bundles
 * then carry no append (its markers, retries and queue), as their roles grant no write. `DynamoLedgerStore` adds
 * the append; the items are described there.
 */

const { partitionKey, sortKey, indexes } = LEDGER_TABLE;

/** A ledger item as the entry it holds, with its hash; LedgerIntegrityError when it holds neither. */
export function toStored(item: Record<string, AttributeValue>): StoredEntry {
  const seq = Number(item[sortKey.name]?.N);
  const text = item.entry?.S;
  const hash = item.hash?.S;
  if (text === undefined || hash === undefined) {
    throw new LedgerIntegrityError(`ledger item seq ${seq} lacks its entry or hash attribute`, seq);
  }
  try {
    return { entry: JSON.parse(text) as LedgerEntry, hash };
  } catch {
    throw new LedgerIntegrityError(`ledger item seq ${seq} holds an entry that is not JSON`, seq);
  }
}

export class DynamoLedgerReader implements Omit<LedgerStore, 'append'> {
  constructor(
    protected readonly client: DynamoDBClient,
    protected readonly tableName: string,
  ) {}

  async read(ledger: string, fromSeq = 0, toSeq?: number): Promise<StoredEntry[]> {
    if (toSeq !== undefined && toSeq <= fromSeq) return [];
    const range = toSeq === undefined ? '#s >= :from' : '#s BETWEEN :from AND :last';
    const values: Record<string, AttributeValue> = { ':l': s(ledger), ':from': n(fromSeq) };
    if (toSeq !== undefined) values[':last'] = n(toSeq - 1);
    const items = await this.queryAll({
      TableName: this.tableName,
      KeyConditionExpression: `#l = :l AND ${range}`,
      ExpressionAttributeNames: { '#l': partitionKey.name, '#s': sortKey.name },
      ExpressionAttributeValues: values,
      ConsistentRead: true,
    });
    return items.map(toStored);
  }

  async head(ledger: string): Promise<StoredEntry | undefined> {
    const page = await this.send('Query', () =>
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#l = :l',
          ExpressionAttributeNames: { '#l': partitionKey.name },
          ExpressionAttributeValues: { ':l': s(ledger) },
          ScanIndexForward: false,
          Limit: 1,
          ConsistentRead: true,
        }),
      ),
    );
    const item = page.Items?.[0];
    return item === undefined ? undefined : toStored(item);
  }

  async forIntent(ledger: string, intentId: string): Promise<StoredEntry[]> {
    return this.queryIntent(ledger, intentId);
  }

  protected async queryIntent(ledger: string, intentId: string): Promise<StoredEntry[]> {
    const items = await this.queryAll({
      TableName: this.tableName,
      IndexName: indexes.byIntent.name,
      KeyConditionExpression: '#i = :i',
      FilterExpression: '#l = :l',
      ExpressionAttributeNames: { '#i': indexes.byIntent.partitionKey.name, '#l': partitionKey.name },
      ExpressionAttributeValues: { ':i': s(intentId), ':l': s(ledger) },
    });
    return items.map(toStored);
  }

  protected async entryAt(ledger: string, seq: number): Promise<StoredEntry | undefined> {
    const { Item } = await this.send('GetItem', () =>
      this.client.send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: { [partitionKey.name]: s(ledger), [sortKey.name]: n(seq) },
          ConsistentRead: true,
        }),
      ),
    );
    return Item === undefined ? undefined : toStored(Item);
  }

  protected async queryAll(input: QueryCommandInput): Promise<Record<string, AttributeValue>[]> {
    const items: Record<string, AttributeValue>[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.send('Query', () =>
        this.client.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey })),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return items;
  }

  protected async send<T>(operation: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw transientOr(error, `DynamoDB ${operation} ${this.tableName}`);
    }
  }
}
