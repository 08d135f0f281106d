import { createHash } from 'node:crypto';
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { KmsSigner } from '../../../lambdas/adapters/aws/kms-signer.js';
import { S3EvidenceStore } from '../../../lambdas/adapters/aws/s3-evidence-store.js';
import { IamGateway } from './iam-gateway.js';

// Registered only where a moto_server endpoint is given (ITV_MOTO_ENDPOINT=http://127.0.0.1:PORT), so
// machines without moto run no skipped tests.
const motoEndpoint = process.env.ITV_MOTO_ENDPOINT;

/** The gateway in front of a real moto_server; registered by iam-gateway.enforcement.test.ts where one is given. */
export function describeGatewayOnMoto(): void {
  if (motoEndpoint === undefined) {
    console.info('iam-gateway: ITV_MOTO_ENDPOINT is not set, the moto_server cases are not registered');
    return;
  }
  const account = '123456789012';
  const role = `arn:aws:iam::${account}:role/itv-ledger-writer`;
  const suffix = createHash('sha256').update(String(process.hrtime.bigint())).digest('hex').slice(0, 8);
  const allowedTable = `itv-ledger-${suffix}`;
  const forbiddenTable = `itv-state-${suffix}`;
  const bucket = `itv-evidence-${suffix}`;
  const credentials = (accessKeyId: string) => ({ accessKeyId, secretAccessKey: 'secret' });
  // Set-up goes to moto directly, as the stack's deployment would; only the function's calls pass the gateway.
  const admin = {
    endpoint: motoEndpoint,
    region: 'us-east-1',
    credentials: credentials('admin'),
    maxAttempts: 1,
  };
  let gateway: IamGateway;
  let keyArn: string;
  const asFunction = () => ({ ...admin, endpoint: gateway.url, credentials: credentials('AKIAFUNCTION') });

  beforeAll(async () => {
    const dynamo = new DynamoDBClient(admin);
    for (const TableName of [allowedTable, forbiddenTable]) {
      await dynamo.send(
        new CreateTableCommand({
          TableName,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        }),
      );
    }
    await new S3Client({ ...admin, forcePathStyle: true }).send(
      new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }),
    );
    const key = await new KMSClient(admin).send(
      new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }),
    );
    keyArn = key.KeyMetadata!.Arn!;

    gateway = new IamGateway({ upstreams: { default: motoEndpoint } });
    await gateway.start();
    const tableArn = `arn:aws:dynamodb:us-east-1:${account}:table/${allowedTable}`;
    gateway.registerCaller('AKIAFUNCTION', {
      principalArn: role,
      identityPolicies: [
        {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: ['dynamodb:PutItem', 'dynamodb:GetItem'], Resource: tableArn },
            {
              Effect: 'Allow',
              Action: ['s3:PutObject', 's3:GetObject'],
              Resource: `arn:aws:s3:::${bucket}/*`,
            },
            { Effect: 'Allow', Action: 'kms:GetPublicKey', Resource: keyArn },
          ],
        },
      ],
    });
    gateway.registerKmsKey({
      keyArn,
      policy: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${account}:root` },
            Action: 'kms:*',
            Resource: '*',
          },
        ],
      },
    });
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  describe(`IAM gateway in front of moto_server at ${motoEndpoint}`, () => {
    test('an allowed PutItem lands in moto; a denied one never reaches it', async () => {
      // Prepare
      const client = new DynamoDBClient(asFunction());
      const direct = new DynamoDBClient(admin);
      const item = { id: { S: 'entry-1' }, payload: { S: 'allowed' } };

      // Act
      await client.send(new PutItemCommand({ TableName: allowedTable, Item: item }));
      const denied = await client
        .send(new PutItemCommand({ TableName: forbiddenTable, Item: item }))
        .catch((error: unknown) => error);

      // Assess
      const landed = await direct.send(new GetItemCommand({ TableName: allowedTable, Key: { id: item.id } }));
      expect(landed.Item).toEqual(item);
      expect(denied).toMatchObject({ name: 'AccessDeniedException' });
      const absent = await direct.send(
        new GetItemCommand({ TableName: forbiddenTable, Key: { id: item.id } }),
      );
      expect(absent.Item).toBeUndefined();
      expect(gateway.log.denied.map((check) => check.resource)).toEqual([
        `arn:aws:dynamodb:us-east-1:${account}:table/${forbiddenTable}`,
      ]);
    });

    test('the evidence store writes and reads back through the gateway (checksummed, write-once PutObject)', async () => {
      // Prepare
      const store = new S3EvidenceStore(new S3Client(asFunction()), bucket);
      const bytes = new TextEncoder().encode('{"bundle":1}');

      // Act
      const uri = await store.putObject('intents/i-1/bundle.json', bytes, 'application/json');
      const read = await store.getObject('intents/i-1/bundle.json');

      // Assess
      expect(uri).toBe(`s3://${bucket}/intents/i-1/bundle.json`);
      expect(Buffer.from(read ?? []).toString()).toBe('{"bundle":1}');
    });

    test('the KMS signer fetches its public key through the gateway; listing the bucket is denied', async () => {
      const signer = new KmsSigner(new KMSClient(asFunction()), keyArn);
      const store = new S3EvidenceStore(new S3Client(asFunction()), bucket);

      const publicKey = await signer.publicKeySpkiDer();
      const listing = await store.list('intents/').catch((error: unknown) => error);

      // A P-256 SubjectPublicKeyInfo in DER is 91 bytes.
      expect(publicKey).toHaveLength(91);
      expect(listing).toMatchObject({ name: 'AccessDenied' });
    });
  });
}
