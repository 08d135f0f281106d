import {
  type AttributeValue,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { InvalidInputError, VersionConflictError } from '../../core/errors.js';
import type { SortKeyRange, StateItem, StateStore } from '../../ports/state-store.js';
import { isConditionFailure, n, s } from './attribute-values.js';
import { STATE_TABLE } from './tables.js';
import { transientOr } from './transient-errors.js';

/*
 * Operational state on DynamoDB: items (pk, sk) with `version` (N) and `data` (S, JSON text). Writes are
 * single UpdateItems that bump the version atomically, conditioned on the version the caller read, so
 * two writers never overwrite each other; the loser gets VersionConflictError and re-reads. Reads are
 * strongly consistent.
 */

function assertKey(pk: string, sk: string): void {
  const issues = [
    ...(pk.length === 0 ? [{ path: 'pk', message: 'must not be empty' }] : []),
    ...(sk.length === 0 ? [{ path: 'sk', message: 'must not be empty' }] : []),
  ];
  if (issues.length > 0) throw new InvalidInputError('state item key is invalid', issues);
}

function assertVersion(expectedVersion: number | undefined): void {
  if (expectedVersion !== undefined && !(Number.isSafeInteger(expectedVersion) && expectedVersion >= 0)) {
    throw new InvalidInputError('expectedVersion is invalid', [
      { path: 'expectedVersion', message: `${expectedVersion} is not an integer ≥ 0` },
    ]);
  }
}

function toItem<T>(item: Record<string, AttributeValue>): StateItem<T> {
  return {
    pk: item.pk?.S ?? '',
    sk: item.sk?.S ?? '',
    version: Number(item.version?.N ?? 0),
    data: JSON.parse(item.data?.S ?? 'null') as T,
  };
}

/** The sort key's part of a Query's key condition: one comparison, as DynamoDB allows only one on it. */
function sortKeyCondition(range: SortKeyRange): {
  condition: string;
  values: Record<string, AttributeValue>;
} {
  const { from, below } = range;
  if (from !== undefined && below !== undefined)
    return {
      condition: ' AND sk BETWEEN :from AND :below',
      values: { ':from': s(from), ':below': s(below) },
    };
  if (from !== undefined) return { condition: ' AND sk >= :from', values: { ':from': s(from) } };
  if (below !== undefined) return { condition: ' AND sk < :below', values: { ':below': s(below) } };
  return { condition: '', values: {} };
}

export class DynamoStateStore implements StateStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async get<T = Record<string, unknown>>(pk: string, sk: string): Promise<StateItem<T> | undefined> {
    assertKey(pk, sk);
    try {
      const { Item } = await this.client.send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: { pk: s(pk), sk: s(sk) },
          ConsistentRead: true,
        }),
      );
      return Item === undefined ? undefined : toItem<T>(Item);
    } catch (error) {
      throw transientOr(error, `DynamoDB GetItem ${this.tableName} (${pk}, ${sk})`);
    }
  }

  async put<T = Record<string, unknown>>(
    pk: string,
    sk: string,
    data: T,
    expectedVersion?: number,
    options: { expiresAt?: Date } = {},
  ): Promise<StateItem<T>> {
    assertKey(pk, sk);
    assertVersion(expectedVersion);
    const text = JSON.stringify(data);
    if (text === undefined)
      throw new InvalidInputError('state data has no JSON form', [{ path: 'data', message: 'is undefined' }]);
    const values: Record<string, AttributeValue> = { ':data': s(text), ':zero': n(0), ':one': n(1) };
    let condition: string | undefined;
    if (expectedVersion === 0) condition = 'attribute_not_exists(pk)';
    else if (expectedVersion !== undefined) {
      condition = '#v = :expected';
      values[':expected'] = n(expectedVersion);
    }
    const names: Record<string, string> = { '#d': 'data', '#v': 'version' };
    let update = 'SET #d = :data, #v = if_not_exists(#v, :zero) + :one';
    if (options.expiresAt) {
      // The table's TTL attribute, as the stack declares it (infra/data-tables.ts): a Number of epoch seconds.
      names['#ttl'] = STATE_TABLE.ttlAttribute;
      values[':ttl'] = n(Math.ceil(options.expiresAt.getTime() / 1000));
      update += ', #ttl = :ttl';
    }
    try {
      const { Attributes } = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { pk: s(pk), sk: s(sk) },
          UpdateExpression: update,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toItem<T>(Attributes ?? {});
    } catch (error) {
      if (isConditionFailure(error)) throw this.conflict(pk, sk, expectedVersion, error);
      throw transientOr(error, `DynamoDB UpdateItem ${this.tableName} (${pk}, ${sk})`);
    }
  }

  async list<T = Record<string, unknown>>(pk: string, range: SortKeyRange = {}): Promise<StateItem<T>[]> {
    if (pk.length === 0)
      throw new InvalidInputError('state partition is invalid', [
        { path: 'pk', message: 'must not be empty' },
      ]);
    const { condition, values } = sortKeyCondition(range);
    const items: StateItem<T>[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    try {
      do {
        const page = await this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: `pk = :pk${condition}`,
            ExpressionAttributeValues: { ':pk': s(pk), ...values },
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of page.Items ?? []) {
          // BETWEEN includes its upper bound, which the range excludes.
          if (range.below === undefined || item.sk?.S !== range.below) items.push(toItem<T>(item));
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey !== undefined);
    } catch (error) {
      throw transientOr(error, `DynamoDB Query ${this.tableName} (${pk})`);
    }
    return items;
  }

  async delete(pk: string, sk: string, expectedVersion?: number): Promise<void> {
    assertKey(pk, sk);
    assertVersion(expectedVersion);
    try {
      await this.client.send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: { pk: s(pk), sk: s(sk) },
          // 0 means "must not exist", as for put: deleting an absent item is then a no-op.
          ...(expectedVersion === undefined
            ? {}
            : expectedVersion === 0
              ? { ConditionExpression: 'attribute_not_exists(pk)' }
              : {
                  ConditionExpression: '#v = :expected',
                  ExpressionAttributeNames: { '#v': 'version' },
                  ExpressionAttributeValues: { ':expected': n(expectedVersion) },
                }),
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw this.conflict(pk, sk, expectedVersion, error);
      throw transientOr(error, `DynamoDB DeleteItem ${this.tableName} (${pk}, ${sk})`);
    }
  }

  private conflict(
    pk: string,
    sk: string,
    expectedVersion: number | undefined,
    cause: unknown,
  ): VersionConflictError {
    const expected = expectedVersion === 0 ? 'to be absent' : `at version ${expectedVersion}`;
    return new VersionConflictError(`state item (${pk}, ${sk}) was expected ${expected}`, { cause });
  }
}
