import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  DynamoDBServiceException,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoLedgerStore } from '../../../lambdas/adapters/aws/dynamodb-ledger-store.js';
import { DynamoStateStore } from '../../../lambdas/adapters/aws/dynamodb-state-store.js';
import { SoleWriterLedgerStore } from '../../../lambdas/adapters/local/sole-writer-ledger-store.js';
import { InvalidInputError, LedgerIntegrityError, TransientError } from '../../../lambdas/core/errors.js';
import { canonicalJson, chainEntry } from '../../../lambdas/core/ledger/index.js';
import { draftAt } from './chain-fixtures.js';

const dynamo = mockClient(DynamoDBClient);
const client = () => new DynamoDBClient({ region: 'eu-west-1', maxAttempts: 1 });

function serviceError(name: string, status: number): DynamoDBServiceException {
  return new DynamoDBServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
    message: `${name} happened`,
  });
}

/** The ledger's first entry (the head in these tests) and its item as the table holds it. */
function headOfMain() {
  const head = chainEntry('main', draftAt(0));
  const item = {
    ledger: { S: 'main' },
    seq: { N: '0' },
    entry: { S: canonicalJson(head.entry) },
    hash: { S: head.hash },
  };
  return { head, item };
}

/** Store options for `maxAttempts` rounds with a fixed jitter (half the cap) and the backoffs recorded, not slept. */
function recordedBackoff(maxAttempts: number) {
  const delays: number[] = [];
  const options = {
    maxAttempts,
    baseDelayMs: 10,
    maxDelayMs: 100,
    random: () => 0.5,
    sleep: async (ms: number) => {
      delays.push(ms);
    },
  };
  return { delays, options };
}

const lostRace = () =>
  new ConditionalCheckFailedException({ $metadata: {}, message: 'The conditional request failed' });

afterEach(() => {
  dynamo.reset();
});

describe('DynamoLedgerStore (stubbed DynamoDB)', () => {
  test('throttling surfaces as TransientError with the SDK error as cause', async () => {
    // Prepare
    const throttled = serviceError('ProvisionedThroughputExceededException', 400);
    dynamo.on(QueryCommand).rejects(throttled);
    const store = new DynamoLedgerStore(client(), 'ledger');

    // Act
    const error = await store.append('main', draftAt(0)).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).cause).toBe(throttled);
  });

  test('gives up with TransientError after maxAttempts lost races, backing off with full jitter', async () => {
    // Prepare: the head is always seq 0, seq 1 holds another key's entry, and every write loses.
    const { head, item: headItem } = headOfMain();
    const taken = chainEntry('main', draftAt(5), head);
    const takenItem = {
      ...headItem,
      seq: { N: '1' },
      entry: { S: canonicalJson(taken.entry) },
      hash: { S: taken.hash },
    };
    dynamo.on(QueryCommand).resolves({ Items: [headItem] });
    dynamo.on(GetItemCommand).resolves({ Item: { ledger: { S: 'm' }, seq: { N: '0' }, target: { N: '1' } } });
    dynamo
      .on(GetItemCommand, { Key: { ledger: { S: 'main' }, seq: { N: '1' } } })
      .resolves({ Item: takenItem });
    dynamo.on(PutItemCommand).rejects(lostRace());
    dynamo.on(UpdateItemCommand).resolves({});
    const { delays, options } = recordedBackoff(6);
    const store = new DynamoLedgerStore(client(), 'ledger', options);

    // Act
    const error = await store.append('main', draftAt(1)).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(TransientError);
    expect((error as Error).message).toContain('lost 6 races');
    expect(delays.length).toBeLessThanOrEqual(6);
    expect(delays.length).toBeGreaterThan(0);
    for (const ms of delays) expect(ms).toBeLessThanOrEqual(50);
  });

  test('as a sole writer, gives up with TransientError after maxAttempts lost rounds, reading again before each', async () => {
    // Prepare: the intent has no entries, the head is seq 0, and every write loses (another writer, which the
    // premise rules out, keeps taking the head).
    dynamo.on(QueryCommand).resolves({ Items: [headOfMain().item] });
    dynamo.on(QueryCommand, { IndexName: 'byIntent' }).resolves({ Items: [] });
    dynamo.on(PutItemCommand).rejects(lostRace());
    const { delays, options } = recordedBackoff(4);
    const store = new SoleWriterLedgerStore(client(), 'ledger', options);
    const draft = { ...draftAt(1), idempotencyKey: `${draftAt(1).intentId}/admit` };

    // Act
    const error = await store.append('main', draft).catch((e: unknown) => e);

    // Assess: four rounds, each one conditional write after reading the intent's entries and the head, a backoff
    // after each (full jitter: half of 10 × 2^round, capped at 100), and no marker.
    expect(error).toBeInstanceOf(TransientError);
    expect((error as Error).message).toContain('lost 4 races');
    expect(dynamo.commandCalls(PutItemCommand)).toHaveLength(4);
    expect(dynamo.commandCalls(QueryCommand, { IndexName: 'byIntent' })).toHaveLength(4);
    expect(delays).toEqual([10, 20, 40, 50]);
    expect(dynamo.commandCalls(GetItemCommand)).toHaveLength(0);
  });

  test('refuses a bad draft before any call', async () => {
    // Prepare
    const store = new DynamoLedgerStore(client(), 'ledger');

    // Act
    const error = await store.append('main', { ...draftAt(0), timestamp: 'soon' }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(dynamo.calls()).toHaveLength(0);
  });

  test('an item without its entry text is a LedgerIntegrityError naming the seq', async () => {
    // Prepare
    dynamo
      .on(QueryCommand)
      .resolves({ Items: [{ ledger: { S: 'main' }, seq: { N: '4' }, hash: { S: 'ab' } }] });
    const store = new DynamoLedgerStore(client(), 'ledger');

    // Act
    const error = await store.head('main').catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(LedgerIntegrityError);
    expect((error as LedgerIntegrityError).seq).toBe(4);
  });

  test('a permanent error passes through unchanged', async () => {
    // Prepare
    const missing = serviceError('ResourceNotFoundException', 400);
    dynamo.on(QueryCommand).rejects(missing);
    const store = new DynamoLedgerStore(client(), 'ledger');

    // Act / Assess
    await expect(store.read('main')).rejects.toBe(missing);
  });
});

describe('DynamoStateStore (stubbed DynamoDB)', () => {
  test('a 5xx surfaces as TransientError with the cause kept', async () => {
    // Prepare
    const outage = serviceError('InternalServerError', 500);
    dynamo.on(UpdateItemCommand).rejects(outage);
    const store = new DynamoStateStore(client(), 'state');

    // Act
    const error = await store.put('p', 's', { a: 1 }, 3).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).cause).toBe(outage);
  });

  test('writes with one conditional UpdateItem that bumps the version', async () => {
    // Prepare
    dynamo.on(UpdateItemCommand).resolves({
      Attributes: { pk: { S: 'p' }, sk: { S: 's' }, version: { N: '4' }, data: { S: '{"a":1}' } },
    });
    const store = new DynamoStateStore(client(), 'state');

    // Act
    const item = await store.put('p', 's', { a: 1 }, 3);

    // Assess
    const input = dynamo.commandCalls(UpdateItemCommand)[0]!.args[0].input;
    expect(input.ConditionExpression).toBe('#v = :expected');
    expect(input.ExpressionAttributeValues?.[':expected']).toEqual({ N: '3' });
    expect(item).toEqual({ pk: 'p', sk: 's', version: 4, data: { a: 1 } });
  });
});
