import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { ensureTables, type TableNames } from '../../lambdas/adapters/aws/tables.js';

/**
 * moto_server backends for the port contracts. The moto cases are registered only where a moto_server
 * endpoint is given (ITV_MOTO_ENDPOINT=http://127.0.0.1:PORT, which `.ci/run` sets when moto_server is on
 * PATH), so machines without moto run no skipped tests; each file says once when it leaves them out.
 */
export const motoEndpoint = process.env.ITV_MOTO_ENDPOINT;

export function announceMotoCases(file: string): void {
  if (motoEndpoint === undefined) {
    console.info(`${file}: ITV_MOTO_ENDPOINT is not set, the moto_server cases are not registered`);
  }
}

const credentials = { accessKeyId: 'moto', secretAccessKey: 'moto' };

/** One moto server is shared by every file of a run: each file gets tables of its own. */
export async function motoTables(endpoint: string): Promise<{ client: DynamoDBClient; names: TableNames }> {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 3 });
  const suffix = randomUUID().slice(0, 8);
  const names = { ledger: `itv-ledger-${suffix}`, state: `itv-state-${suffix}` };
  await ensureTables(client, names);
  return { client, names };
}

/** A fresh bucket with versioning and Object Lock, as the stack creates the evidence bucket. */
export async function motoBucket(endpoint: string): Promise<{ client: S3Client; bucket: string }> {
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    credentials,
    forcePathStyle: true,
    maxAttempts: 3,
  });
  const bucket = `itv-evidence-${randomUUID().slice(0, 8)}`;
  await client.send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
  return { client, bucket };
}
