import { createRequire } from 'node:module';
import {
  CreateTableCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { openDynalite } from '../../../lambdas/adapters/local/dynalite-server.js';
import { LocalStoreFailedError } from '../../../lambdas/adapters/local/store-failure.js';

/** The in-memory LevelDB dynalite runs on, whose writes the test makes fail as a full disk fails them. */
const { MemoryLevel } = createRequire(createRequire(import.meta.url).resolve('dynalite'))('memory-level') as {
  MemoryLevel: {
    prototype: { _put: (...args: unknown[]) => Promise<void>; _batch: (...args: unknown[]) => Promise<void> };
  };
};

const diskFull = () =>
  Object.assign(new Error('IO error: /home/.itv/dynamodb/000003.log: No space left on device'), {
    code: 'LEVEL_IO_ERROR',
  });

const item = (pk: string) => ({ TableName: 'items', Item: { pk: { S: pk } } });

async function createItems(client: DynamoDBClient): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: 'items',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1 }, { TableName: 'items' });
}

describe('a store whose write the disk refused', () => {
  test('refuses every call after it, reads included, and tells its owner once, so nothing is acknowledged that reopening would lose', async () => {
    // Prepare: a store with one item written.
    const failures: LocalStoreFailedError[] = [];
    const store = await openDynalite({ onStoreFailure: (error) => failures.push(error) });
    const client = store.client();
    await createItems(client);
    await client.send(new PutItemCommand(item('before')));
    const { _put: put, _batch: batch } = MemoryLevel.prototype;
    try {
      // Act: one write fails as LevelDB fails it on a full disk; then the disk has room again.
      MemoryLevel.prototype._put = async () => {
        throw diskFull();
      };
      MemoryLevel.prototype._batch = MemoryLevel.prototype._put;
      const refused = await client.send(new PutItemCommand(item('during'))).catch((error: unknown) => error);
      MemoryLevel.prototype._put = put;
      MemoryLevel.prototype._batch = batch;
      const after = await client.send(new PutItemCommand(item('after'))).catch((error: unknown) => error);
      const read = await store
        .client()
        .send(new GetItemCommand({ TableName: 'items', Key: { pk: { S: 'before' } } }))
        .catch((error: unknown) => error);

      // Assess: the failure names the tables and what to do; the write after it, and a read, are refused too.
      expect(refused).toBeInstanceOf(LocalStoreFailedError);
      expect((refused as Error).message).toMatch(
        /could not be written \(IO error: .*No space left on device\).*Free disk space/,
      );
      expect(after).toBe(refused);
      expect(read).toBe(refused);
      expect(failures).toEqual([refused]);
    } finally {
      MemoryLevel.prototype._put = put;
      MemoryLevel.prototype._batch = batch;
      await store.close();
    }
  });

  test('a refusal of the request itself (a condition, a validation) leaves the store usable', async () => {
    const failures: unknown[] = [];
    const store = await openDynalite({ onStoreFailure: (error) => failures.push(error) });
    const client = store.client();

    const missing = await client.send(new PutItemCommand(item('x'))).catch((error: unknown) => error);
    await createItems(client);
    await client.send(new PutItemCommand(item('x')));

    expect((missing as Error).name).toBe('ResourceNotFoundException');
    expect(failures).toEqual([]);
    await store.close();
  });
});
