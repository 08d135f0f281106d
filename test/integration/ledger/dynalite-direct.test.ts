import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AttributeValue,
  BatchGetItemCommand,
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  DynamoDBServiceException,
  GetItemCommand,
  type GetItemCommandOutput,
  PutItemCommand,
  QueryCommand,
  ResourceNotFoundException,
  ScanCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { ensureTables } from '../../../lambdas/adapters/aws/tables.js';
import { DirectDynaliteClient } from '../../../lambdas/adapters/local/dynalite-direct.js';
import {
  type DynaliteServer,
  openDynalite,
  startDynalite,
} from '../../../lambdas/adapters/local/dynalite-server.js';
import { clientFor } from './dynalite-fixture.js';

/*
 * The owner's client hands item operations to dynalite's validation and actions directly. Whatever it answers
 * or throws must be what the SDK answers or throws for the same call over HTTP to the same dynalite.
 */

let server: DynaliteServer;
let direct: DynamoDBClient;
let overHttp: DynamoDBClient;
const table = 'itv-state';

beforeAll(async () => {
  server = await startDynalite({});
  direct = server.client();
  // The SDK's own retries, which here only ever meet a network error (dynalite never throttles, and a refusal is
  // final, so an outcome compared is the first answer either way): with one attempt, a kept-alive socket that
  // dynalite closed while the machine was saturated failed a comparison with `read ECONNRESET`.
  overHttp = clientFor(server.endpoint);
  await ensureTables(overHttp, { ledger: 'itv-ledger', state: table });
});
afterAll(async () => {
  direct.destroy();
  overHttp.destroy();
  await server.close();
});

/** What a call answered, without the request's metadata, or what it threw. */
async function outcome(client: DynamoDBClient, command: object) {
  try {
    const { $metadata, ...output } = (await client.send(command as never)) as { $metadata: unknown };
    return { output };
  } catch (error) {
    const e = error as DynamoDBServiceException;
    return {
      thrown: {
        class: e.constructor.name,
        name: e.name,
        message: e.message,
        fault: e.$fault,
        status: e.$metadata?.httpStatusCode,
        sdkError: e instanceof DynamoDBServiceException,
      },
    };
  }
}

/** Sends `make()` through both clients (on items of their own) and expects the same outcome. */
async function same(make: (pk: string) => object, pk: string) {
  const viaHttp = await outcome(overHttp, make(`${pk}-http`));
  const viaDirect = await outcome(direct, make(`${pk}-direct`));
  const named = (o: unknown) =>
    JSON.parse(JSON.stringify(o).replaceAll(`${pk}-http`, pk).replaceAll(`${pk}-direct`, pk));
  expect(named(viaDirect)).toEqual(named(viaHttp));
  return named(viaDirect) as Awaited<ReturnType<typeof outcome>>;
}

/** Waits until dynalite has made the table ACTIVE, or deleted it: it does either on a timer of its own. */
async function settled(name: string, status: 'ACTIVE' | 'gone') {
  for (let attempt = 0; attempt < 200; attempt++) {
    try {
      const { Table } = await overHttp.send(new DescribeTableCommand({ TableName: name }));
      if (Table?.TableStatus === status) return;
    } catch (error) {
      if (status === 'gone' && error instanceof ResourceNotFoundException) return;
      throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`table ${name} did not become ${status}`);
}

/** Every item of the byIntent partition `intentId`, as Query answers it over HTTP: all pages, in order. */
async function queriedPartition(client: DynamoDBClient, intentId: string) {
  const items: Array<Record<string, AttributeValue>> = [];
  let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: 'itv-ledger',
        IndexName: 'byIntent',
        KeyConditionExpression: 'intentId = :i',
        ExpressionAttributeValues: { ':i': { S: intentId } },
        ExclusiveStartKey,
      }),
    );
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey !== undefined);
  return items;
}

/** Writes ledger items of `intentIds` (interleaved, in two ledgers, seq out of order), `bytes` of entry each. */
async function writeIndexed(client: DynamoDBClient, intentIds: string[], bytes: number) {
  let seq = 0;
  for (const round of [3, 1, 2])
    for (const intentId of intentIds)
      for (const ledger of ['main', 'other'])
        await client.send(
          new PutItemCommand({
            TableName: 'itv-ledger',
            Item: {
              ledger: { S: ledger },
              seq: { N: String(round * 1000 + seq++) },
              entry: { S: 'x'.repeat(bytes) },
              hash: { S: `${intentId}-${round}` },
              intentId: { S: intentId },
            },
          }),
        );
}

describe("the owner's direct dynalite client answers as the SDK over HTTP does", () => {
  test('puts, conditional puts, gets, updates with returned values, deletes', async () => {
    // Act and Assess
    const put = (pk: string) =>
      new PutItemCommand({
        TableName: table,
        Item: { pk: { S: pk }, sk: { S: 'a' }, version: { N: '1' }, data: { S: '{"x":1}' } },
        ConditionExpression: 'attribute_not_exists(pk)',
      });
    expect(await same(put, 'p1')).toEqual({ output: {} });
    const again = await same(put, 'p1');
    expect(again.thrown).toMatchObject({
      class: 'ConditionalCheckFailedException',
      name: 'ConditionalCheckFailedException',
      status: 400,
      fault: 'client',
    });
    await expect(direct.send(put('p1-direct'))).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    const got = await same(
      (pk) =>
        new GetItemCommand({
          TableName: table,
          Key: { pk: { S: pk }, sk: { S: 'a' } },
          ConsistentRead: true,
        }),
      'p1',
    );
    expect(got.output).toEqual({
      Item: { pk: { S: 'p1' }, sk: { S: 'a' }, version: { N: '1' }, data: { S: '{"x":1}' } },
    });
    const updated = await same(
      (pk) =>
        new UpdateItemCommand({
          TableName: table,
          Key: { pk: { S: pk }, sk: { S: 'a' } },
          UpdateExpression: 'SET version = version + :one',
          ConditionExpression: 'version = :v',
          ExpressionAttributeValues: { ':one': { N: '1' }, ':v': { N: '1' } },
          ReturnValues: 'ALL_NEW',
        }),
      'p1',
    );
    expect(updated.output).toMatchObject({ Attributes: { version: { N: '2' } } });
    expect(
      await same(
        (pk) =>
          new DeleteItemCommand({
            TableName: table,
            Key: { pk: { S: pk }, sk: { S: 'a' } },
            ReturnValues: 'ALL_OLD',
          }),
        'p1',
      ),
    ).toMatchObject({ output: { Attributes: { version: { N: '2' } } } });
    expect(
      await same(
        (pk) => new GetItemCommand({ TableName: table, Key: { pk: { S: pk }, sk: { S: 'a' } } }),
        'p1',
      ),
    ).toEqual({
      output: {},
    });
  });

  test('putItem, the PutItem without a Command around it, answers and refuses as send(new PutItemCommand) does', async () => {
    // Prepare
    const owner = direct as DirectDynaliteClient;
    // In the ledger's table (whose items here carry no intentId, so no index partition sees them).
    const input = (ledger: string, seq = '0') => ({
      TableName: 'itv-ledger',
      Item: { ledger: { S: ledger }, seq: { N: seq }, entry: { S: '{}' } },
      ConditionExpression: 'attribute_not_exists(seq)',
    });
    const viaPutItem = (pk: string, sk?: string) =>
      outcome({ send: () => owner.putItem(input(pk, sk)) } as unknown as DynamoDBClient, {});
    const viaSend = (pk: string, sk?: string) => outcome(owner, new PutItemCommand(input(pk, sk)));

    // Act
    const written = [await viaPutItem('pi-1'), await viaSend('pi-2')];
    const refused = [await viaPutItem('pi-1'), await viaSend('pi-2')];
    const invalid = [await viaPutItem('pi-3', 'one'), await viaSend('pi-4', 'one')];

    // Assess
    expect(written).toEqual([{ output: {} }, { output: {} }]);
    expect(refused[0]).toEqual(refused[1]);
    expect(refused[0]?.thrown).toMatchObject({ class: 'ConditionalCheckFailedException', status: 400 });
    expect(invalid[0]).toEqual(invalid[1]);
    expect(invalid[0]?.thrown).toMatchObject({ name: 'ValidationException', status: 400 });
    const stored = await owner.send(
      new GetItemCommand({ TableName: 'itv-ledger', Key: { ledger: { S: 'pi-1' }, seq: { N: '0' } } }),
    );
    expect(stored.Item).toEqual({ ledger: { S: 'pi-1' }, seq: { N: '0' }, entry: { S: '{}' } });
  });

  test('queries page by Limit and ExclusiveStartKey; scans and batches answer alike', async () => {
    // Prepare
    for (const client of [overHttp, direct]) {
      const pk = client === direct ? 'q-direct' : 'q-http';
      await client.send(
        new BatchWriteItemCommand({
          RequestItems: {
            [table]: ['1', '2', '3'].map((sk) => ({
              PutRequest: { Item: { pk: { S: pk }, sk: { S: sk } } },
            })),
          },
        }),
      );
    }

    // Act
    const query = (pk: string, start?: Record<string, { S: string }>) =>
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: pk } },
        Limit: 2,
        ExclusiveStartKey: start,
      });
    const first = await same((pk) => query(pk), 'q');
    const second = await same((pk) => query(pk, { pk: { S: pk }, sk: { S: '2' } }), 'q');
    const batch = await same(
      (pk) =>
        new BatchGetItemCommand({ RequestItems: { [table]: { Keys: [{ pk: { S: pk }, sk: { S: '3' } }] } } }),
      'q',
    );

    // Assess
    expect(first.output).toMatchObject({ Count: 2, Items: [{ sk: { S: '1' } }, { sk: { S: '2' } }] });
    expect(first.output).toHaveProperty('LastEvaluatedKey');
    expect(second.output).toMatchObject({ Count: 1, Items: [{ sk: { S: '3' } }] });
    expect(batch.output).toMatchObject({ Responses: { [table]: [{ sk: { S: '3' } }] } });
    const scanned = (await direct.send(new ScanCommand({ TableName: table }))).Items ?? [];
    expect(scanned.map((item) => `${item.pk?.S}/${item.sk?.S}`).sort()).toEqual([
      'q-direct/1',
      'q-direct/2',
      'q-direct/3',
      'q-http/1',
      'q-http/2',
      'q-http/3',
    ]);
  });

  test('binary values go in as bytes and come back as bytes', async () => {
    // Prepare
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);

    // Act
    await direct.send(
      new PutItemCommand({
        TableName: table,
        Item: { pk: { S: 'bin' }, sk: { S: 'a' }, blob: { B: bytes }, set: { BS: [bytes] } },
      }),
    );
    const viaDirect = await direct.send(
      new GetItemCommand({ TableName: table, Key: { pk: { S: 'bin' }, sk: { S: 'a' } } }),
    );
    const viaHttp = await overHttp.send(
      new GetItemCommand({ TableName: table, Key: { pk: { S: 'bin' }, sk: { S: 'a' } } }),
    );

    // Assess
    expect(viaDirect.Item?.blob?.B).toEqual(bytes);
    expect(viaDirect.Item?.set?.BS).toEqual([bytes]);
    expect(viaHttp.Item?.blob?.B).toEqual(bytes);
  });

  test('refusals: a missing table, an invalid request, an expression naming no value', async () => {
    // Act
    const missing = await same(
      (pk) => new GetItemCommand({ TableName: 'no-such-table', Key: { pk: { S: pk } } }),
      'r',
    );
    const invalid = await same((pk) => new GetItemCommand({ TableName: 'x', Key: { pk: { S: pk } } }), 'r');
    const unnamed = await same(
      (pk) =>
        new UpdateItemCommand({
          TableName: table,
          Key: { pk: { S: pk }, sk: { S: 'a' } },
          UpdateExpression: 'SET version = :v',
        }),
      'r',
    );

    // Assess
    expect(missing.thrown).toMatchObject({ class: 'ResourceNotFoundException', status: 400, sdkError: true });
    await expect(
      direct.send(new GetItemCommand({ TableName: 'no-such-table', Key: { pk: { S: 'r' } } })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    expect(invalid.thrown).toMatchObject({ name: 'ValidationException', status: 400, sdkError: true });
    expect(invalid.thrown?.message).toMatch(/'x' at 'tableName' failed to satisfy constraint/);
    expect(unnamed.thrown).toMatchObject({ name: 'ValidationException', sdkError: true });
    expect(unnamed.thrown?.message).toMatch(/:v/);
  });

  test("indexPartition reads an index partition as a Query of it does, past a page's 1 MB, and refuses alike", async () => {
    // Prepare: partitions of 6 items of 250 KB (two Query pages each), one of them a prefix of another's name,
    // and one with characters a key could confuse.
    const intentIds = ['ip-1', 'ip-12', 'ip/~é 2'];
    await writeIndexed(overHttp, intentIds, 250_000);
    const owner = direct as DirectDynaliteClient;

    // Act
    const read = await Promise.all(
      [...intentIds, 'ip-none'].map((id) => owner.indexPartition('itv-ledger', 'byIntent', id)),
    );
    const queried = await Promise.all([...intentIds, 'ip-none'].map((id) => queriedPartition(overHttp, id)));
    const firstPage = await overHttp.send(
      new QueryCommand({
        TableName: 'itv-ledger',
        IndexName: 'byIntent',
        KeyConditionExpression: 'intentId = :i',
        ExpressionAttributeValues: { ':i': { S: 'ip-1' } },
      }),
    );

    // Assess
    expect(firstPage.LastEvaluatedKey).toBeDefined();
    expect(queried.map((items) => items.length)).toEqual([6, 6, 6, 0]);
    expect(read).toEqual(queried);
    await expect(owner.indexPartition('no-such-table', 'byIntent', 'ip-1')).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
    await expect(owner.indexPartition('itv-ledger', 'byNothing', 'ip-1')).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'The table does not have the specified index: byNothing',
    });
  });

  test('a table deleted and created again with another key, over HTTP, is the new table to the direct client', async () => {
    // Arrange: the direct client has used the table (its description is kept)
    const name = 'itv-rekeyed';
    await overHttp.send(
      new CreateTableCommand({
        TableName: name,
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await settled(name, 'ACTIVE');
    await direct.send(new PutItemCommand({ TableName: name, Item: { pk: { S: 'a' } } }));

    // Act: the table is replaced by one keyed on `id`, through the server's own handler
    await overHttp.send(new DeleteTableCommand({ TableName: name }));
    await settled(name, 'gone');
    const whileGone = await same(
      (pk) => new GetItemCommand({ TableName: name, Key: { pk: { S: pk } } }),
      'a',
    );
    await overHttp.send(
      new CreateTableCommand({
        TableName: name,
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await settled(name, 'ACTIVE');
    const oldKey = await same((pk) => new PutItemCommand({ TableName: name, Item: { pk: { S: pk } } }), 'b');
    await direct.send(new PutItemCommand({ TableName: name, Item: { id: { S: 'c' } } }));
    const { Item } = await overHttp.send(new GetItemCommand({ TableName: name, Key: { id: { S: 'c' } } }));

    // Assess
    expect(whileGone.thrown).toMatchObject({ class: 'ResourceNotFoundException' });
    expect(oldKey.thrown).toMatchObject({ name: 'ValidationException' });
    expect(oldKey.thrown?.message).toMatch(/key/i);
    expect(Item).toEqual({ id: { S: 'c' } });
  });

  test('is the client the owner gets, and operations it does not take go through the SDK', async () => {
    // Assess
    expect(direct).toBeInstanceOf(DirectDynaliteClient);
    const { Table } = await direct.send(new DescribeTableCommand({ TableName: table }));
    expect(Table?.TableName).toBe(table);
  });
});

/** Event-loop turns that pass while `work` runs: an immediate that re-arms itself counts them. */
async function turnsDuring(work: () => Promise<unknown>): Promise<number> {
  let turns = 0;
  let counting = true;
  const tick = () => {
    if (!counting) return;
    turns++;
    setImmediate(tick);
  };
  setImmediate(tick);
  await work();
  counting = false;
  return turns;
}

describe('answers within the turn it was asked in', () => {
  test('a conditional PutItem, a GetItem, an UpdateItem and a DeleteItem each take no turn of the event loop', async () => {
    const Key = { pk: { S: 'turns' }, sk: { S: 'one' } };
    const turns = [
      await turnsDuring(() =>
        direct.send(
          new PutItemCommand({
            TableName: table,
            Item: { ...Key, n: { N: '1' } },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      ),
      await turnsDuring(() => direct.send(new GetItemCommand({ TableName: table, Key }))),
      await turnsDuring(() =>
        direct.send(
          new UpdateItemCommand({
            TableName: table,
            Key,
            UpdateExpression: 'SET n = :n',
            ExpressionAttributeValues: { ':n': { N: '2' } },
          }),
        ),
      ),
      await turnsDuring(() => direct.send(new DeleteItemCommand({ TableName: table, Key }))),
    ];
    expect(turns).toEqual([0, 0, 0, 0]);
    // And the answers are what they were: the item is gone, a second conditional put of it lands.
    expect((await direct.send(new GetItemCommand({ TableName: table, Key }))).Item).toBeUndefined();
  });
});

describe('in a home on disk (LevelDB)', () => {
  let folder: string;
  let owned: Awaited<ReturnType<typeof openDynalite>>;
  let onDisk: DynamoDBClient;
  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'itv-dynalite-disk-'));
    owned = await openDynalite({ path: join(folder, 'dynamodb') });
    onDisk = owned.client();
    await ensureTables(onDisk, { ledger: 'itv-ledger', state: table });
  });
  afterAll(async () => {
    onDisk.destroy();
    await owned.close();
    rmSync(folder, { recursive: true, force: true });
  });

  test('a GetItem reads at once, taking no turn of the event loop, and reads what was written', async () => {
    // Prepare
    const Key = { pk: { S: 'disk' }, sk: { S: 'one' } };
    await onDisk.send(new PutItemCommand({ TableName: table, Item: { ...Key, n: { N: '1' } } }));

    // Act
    let answer: GetItemCommandOutput | undefined;
    const turns = await turnsDuring(async () => {
      answer = await onDisk.send(new GetItemCommand({ TableName: table, Key, ConsistentRead: true }));
    });
    const missing = await onDisk.send(
      new GetItemCommand({ TableName: table, Key: { ...Key, sk: { S: 'two' } } }),
    );

    // Assess
    expect(turns).toBe(0);
    expect(answer?.Item).toEqual({ ...Key, n: { N: '1' } });
    expect(missing.Item).toBeUndefined();
  });

  test('indexPartition reads from LevelDB what a Query of the partition answers', async () => {
    // Prepare
    await writeIndexed(onDisk, ['disk-1', 'disk-2'], 1000);

    // Act
    const read = await (onDisk as DirectDynaliteClient).indexPartition('itv-ledger', 'byIntent', 'disk-2');

    // Assess
    expect(read.map((item) => item.hash?.S)).toEqual(
      Array(2).fill(['disk-2-1', 'disk-2-2', 'disk-2-3']).flat().sort(),
    );
    expect(read).toEqual(await queriedPartition(onDisk, 'disk-2'));
  });

  test('a conditional PutItem still refuses an item that is there', async () => {
    // Prepare
    const Item = { pk: { S: 'disk' }, sk: { S: 'conditional' } };
    await onDisk.send(new PutItemCommand({ TableName: table, Item }));

    // Act
    const second = await outcome(
      onDisk,
      new PutItemCommand({ TableName: table, Item, ConditionExpression: 'attribute_not_exists(pk)' }),
    );

    // Assess
    expect(second.thrown).toMatchObject({ name: 'ConditionalCheckFailedException' });
  });
});
