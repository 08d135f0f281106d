import {
  AppConfigClient,
  CreateHostedConfigurationVersionCommand,
  GetDeploymentCommand,
  GetEnvironmentCommand,
  StartDeploymentCommand,
  StopDeploymentCommand,
} from '@aws-sdk/client-appconfig';
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  DisableAlarmActionsCommand,
  EnableAlarmActionsCommand,
  GetMetricDataCommand,
  PutMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import {
  BatchGetItemCommand,
  DescribeLimitsCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetPublicKeyCommand, KMSClient, SignCommand, VerifyCommand } from '@aws-sdk/client-kms';
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { IamGateway } from './iam-gateway.js';
import { StubUpstream } from './stub-upstream.js';

// Every call is made by a real SDK client, so the mapping is checked against what the SDK sends. The caller
// may do anything: these tests are about which action and resource the gateway asks IAM about.
const account = '123456789012';
const keyId = '1234abcd-12ab-34cd-56ef-1234567890ab';
const keyArn = `arn:aws:kms:us-east-1:${account}:key/${keyId}`;
const stateMachineArn = `arn:aws:states:us-east-1:${account}:stateMachine:itv-pipeline`;
const anything = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
const keyPolicy = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' },
  ],
};

const upstream = new StubUpstream();
let gateway: IamGateway;
const clientConfig = () => ({
  endpoint: gateway.url,
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIAMAPPING', secretAccessKey: 'secret' },
  maxAttempts: 1,
});

beforeAll(async () => {
  gateway = new IamGateway({ upstreams: { default: await upstream.start() } });
  await gateway.start();
  gateway.registerCaller('AKIAMAPPING', {
    principalArn: `arn:aws:iam::${account}:role/itv-mapping`,
    identityPolicies: [anything],
  });
  gateway.registerKmsKey({ keyArn, aliases: ['alias/itv-signing'], policy: keyPolicy });
});
afterAll(async () => {
  await gateway.stop();
  await upstream.stop();
});

/** The (action, resource) checks of the latest request, and whether each was allowed. */
function lastChecks(): { operation: string; action: string; resource: string; allowed: boolean }[] {
  const checks = gateway.log.checks;
  const last = checks[checks.length - 1]?.requestNumber;
  return checks
    .filter((check) => check.requestNumber === last)
    .map(({ operation, action, resource, allowed }) => ({ operation, action, resource, allowed }));
}

const table = (name: string) => `arn:aws:dynamodb:us-east-1:${account}:table/${name}`;

describe('DynamoDB (awsJson1_0)', () => {
  const client = () => new DynamoDBClient(clientConfig());
  const key = { ledger: { S: 'global' }, seq: { N: '1' } };

  test.each([
    ['PutItem', new PutItemCommand({ TableName: 'itv-ledger', Item: key })],
    ['GetItem', new GetItemCommand({ TableName: 'itv-ledger', Key: key })],
    [
      'UpdateItem',
      new UpdateItemCommand({
        TableName: 'itv-ledger',
        Key: key,
        UpdateExpression: 'SET x = :x',
        ExpressionAttributeValues: { ':x': { S: '1' } },
      }),
    ],
  ])('%s is the dynamodb action of that name on the table', async (operation, command) => {
    // Act
    await client().send(command as PutItemCommand);

    // Assess
    expect(lastChecks()).toEqual([
      { operation, action: `dynamodb:${operation}`, resource: table('itv-ledger'), allowed: true },
    ]);
  });

  test('Query on an index is authorized on the index ARN, on the table otherwise', async () => {
    await client().send(
      new QueryCommand({
        TableName: 'itv-state',
        IndexName: 'by-status',
        KeyConditionExpression: 'st = :s',
        ExpressionAttributeValues: { ':s': { S: 'RELEASING' } },
      }),
    );
    expect(lastChecks()).toEqual([
      {
        operation: 'Query',
        action: 'dynamodb:Query',
        resource: `${table('itv-state')}/index/by-status`,
        allowed: true,
      },
    ]);

    await client().send(
      new QueryCommand({
        TableName: 'itv-state',
        KeyConditionExpression: 'id = :i',
        ExpressionAttributeValues: { ':i': { S: 'x' } },
      }),
    );
    expect(lastChecks()[0]?.resource).toBe(table('itv-state'));
  });

  test('BatchGetItem is checked on each table it reads', async () => {
    await client().send(
      new BatchGetItemCommand({
        RequestItems: { 'itv-ledger': { Keys: [key] }, 'itv-state': { Keys: [{ id: { S: 'x' } }] } },
      }),
    );
    expect(lastChecks().map(({ action, resource }) => [action, resource])).toEqual([
      ['dynamodb:BatchGetItem', table('itv-ledger')],
      ['dynamodb:BatchGetItem', table('itv-state')],
    ]);
  });

  test('TransactWriteItems is each item as the single-item action it performs, on its table', async () => {
    await client().send(
      new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName: 'itv-ledger', Item: key } },
          {
            ConditionCheck: {
              TableName: 'itv-state',
              Key: { id: { S: 'x' } },
              ConditionExpression: 'attribute_exists(id)',
            },
          },
          {
            Update: {
              TableName: 'itv-state',
              Key: { id: { S: 'y' } },
              UpdateExpression: 'SET a = :a',
              ExpressionAttributeValues: { ':a': { S: '1' } },
            },
          },
          { Delete: { TableName: 'itv-state', Key: { id: { S: 'z' } } } },
        ],
      }),
    );
    expect(lastChecks().map(({ action, resource }) => [action, resource])).toEqual([
      ['dynamodb:PutItem', table('itv-ledger')],
      ['dynamodb:ConditionCheckItem', table('itv-state')],
      ['dynamodb:UpdateItem', table('itv-state')],
      ['dynamodb:DeleteItem', table('itv-state')],
    ]);
  });

  test('an operation the gateway cannot map is denied with its name, and never forwarded', async () => {
    // Prepare
    const forwardedBefore = upstream.received.length;

    // Act
    const error = await client()
      .send(new DescribeLimitsCommand({}))
      .catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } });
    expect((error as Error).message).toContain('DescribeLimits');
    expect(lastChecks()).toEqual([
      { operation: 'unmapped', action: '(unmapped)', resource: '(unmapped)', allowed: false },
    ]);
    expect(upstream.received).toHaveLength(forwardedBefore);
  });
});

describe('KMS (awsJson1_1)', () => {
  const client = () => new KMSClient(clientConfig());
  const digest = new Uint8Array(32);

  test.each([
    ['an alias', 'alias/itv-signing'],
    ['an alias ARN', `arn:aws:kms:us-east-1:${account}:alias/itv-signing`],
    ['a key id', keyId],
    ['a key ARN', keyArn],
  ])('Sign with %s is kms:Sign on the key ARN', async (_label, id) => {
    await client().send(
      new SignCommand({
        KeyId: id,
        Message: digest,
        MessageType: 'DIGEST',
        SigningAlgorithm: 'ECDSA_SHA_256',
      }),
    );
    expect(lastChecks()).toEqual([
      { operation: 'Sign', action: 'kms:Sign', resource: keyArn, allowed: true },
    ]);
  });

  test('GetPublicKey and Verify are their own actions on the key', async () => {
    await client().send(new GetPublicKeyCommand({ KeyId: keyId }));
    expect(lastChecks()[0]).toMatchObject({ action: 'kms:GetPublicKey', resource: keyArn });
    await client().send(
      new VerifyCommand({
        KeyId: keyId,
        Message: digest,
        Signature: new Uint8Array(8),
        SigningAlgorithm: 'ECDSA_SHA_256',
      }),
    );
    expect(lastChecks()[0]).toMatchObject({ action: 'kms:Verify', resource: keyArn });
  });

  test('a key the gateway holds no key policy for is denied, naming the key', async () => {
    const error = await client()
      .send(new GetPublicKeyCommand({ KeyId: 'alias/unknown' }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } });
    expect((error as Error).message).toContain('alias/unknown');
  });
});

describe('S3 (REST XML, path-style on an IP endpoint)', () => {
  const client = () => new S3Client(clientConfig());
  const object = 'arn:aws:s3:::itv-evidence/intents/01 é/bundle.json';

  test('PutObject as the evidence store sends it is s3:PutObject on the object ARN (key decoded)', async () => {
    await client().send(
      new PutObjectCommand({
        Bucket: 'itv-evidence',
        Key: 'intents/01 é/bundle.json',
        Body: new TextEncoder().encode('{}'),
        ContentType: 'application/json',
        IfNoneMatch: '*',
        ChecksumAlgorithm: 'SHA256',
      }),
    );
    expect(lastChecks()).toEqual([
      { operation: 'PutObject', action: 's3:PutObject', resource: object, allowed: true },
    ]);
    expect(upstream.received.at(-1)?.url).toBe(
      '/itv-evidence/intents/01%20%C3%A9/bundle.json?x-id=PutObject',
    );
  });

  test('PutObject with Object Lock retention and legal hold also needs PutObjectRetention and PutObjectLegalHold', async () => {
    await client().send(
      new PutObjectCommand({
        Bucket: 'itv-evidence',
        Key: 'k',
        Body: 'x',
        ObjectLockMode: 'COMPLIANCE',
        ObjectLockRetainUntilDate: new Date('2030-01-01T00:00:00Z'),
        ObjectLockLegalHoldStatus: 'ON',
      }),
    );
    expect(lastChecks().map((check) => check.action)).toEqual([
      's3:PutObject',
      's3:PutObjectRetention',
      's3:PutObjectLegalHold',
    ]);
  });

  test('GetObject and HeadObject are s3:GetObject; a version is s3:GetObjectVersion', async () => {
    await client().send(new GetObjectCommand({ Bucket: 'itv-evidence', Key: 'k' }));
    expect(lastChecks()).toEqual([
      {
        operation: 'GetObject',
        action: 's3:GetObject',
        resource: 'arn:aws:s3:::itv-evidence/k',
        allowed: true,
      },
    ]);
    await client().send(new HeadObjectCommand({ Bucket: 'itv-evidence', Key: 'k' }));
    expect(lastChecks()[0]).toMatchObject({ operation: 'HeadObject', action: 's3:GetObject' });
    await client().send(new GetObjectCommand({ Bucket: 'itv-evidence', Key: 'k', VersionId: 'v1' }));
    expect(lastChecks()[0]).toMatchObject({ action: 's3:GetObjectVersion' });
  });

  test('ListObjectsV2 is s3:ListBucket on the bucket ARN', async () => {
    await client().send(new ListObjectsV2Command({ Bucket: 'itv-evidence', Prefix: 'intents/' }));
    expect(lastChecks()).toEqual([
      {
        operation: 'ListObjectsV2',
        action: 's3:ListBucket',
        resource: 'arn:aws:s3:::itv-evidence',
        allowed: true,
      },
    ]);
  });
});

describe('CloudWatch (awsJson1_0)', () => {
  const client = () => new CloudWatchClient(clientConfig());
  const alarm = (name: string) => `arn:aws:cloudwatch:us-east-1:${account}:alarm:${name}`;

  test('alarm operations are checked on each named alarm', async () => {
    await client().send(
      new DescribeAlarmsCommand({ AlarmNames: ['itv-a', 'itv-b'], AlarmTypes: ['MetricAlarm'] }),
    );
    expect(lastChecks().map(({ operation, action, resource }) => [operation, action, resource])).toEqual([
      ['DescribeAlarms', 'cloudwatch:DescribeAlarms', alarm('itv-a')],
      ['DescribeAlarms', 'cloudwatch:DescribeAlarms', alarm('itv-b')],
    ]);
    // The current SDK speaks awsJson1_0 to CloudWatch, not the query protocol.
    expect(upstream.received.at(-1)?.headers['x-amz-target']).toBe(
      'GraniteServiceVersion20100801.DescribeAlarms',
    );
    await client().send(new DisableAlarmActionsCommand({ AlarmNames: ['itv-a'] }));
    expect(lastChecks()[0]).toMatchObject({
      action: 'cloudwatch:DisableAlarmActions',
      resource: alarm('itv-a'),
    });
    await client().send(new EnableAlarmActionsCommand({ AlarmNames: ['itv-a'] }));
    expect(lastChecks()[0]).toMatchObject({
      action: 'cloudwatch:EnableAlarmActions',
      resource: alarm('itv-a'),
    });
  });

  test('metric operations are on *', async () => {
    const now = new Date();
    await client().send(
      new GetMetricDataCommand({
        StartTime: now,
        EndTime: now,
        MetricDataQueries: [{ Id: 'q', Expression: 'SUM(METRICS())' }],
      }),
    );
    expect(lastChecks()).toEqual([
      { operation: 'GetMetricData', action: 'cloudwatch:GetMetricData', resource: '*', allowed: true },
    ]);
    await client().send(
      new PutMetricDataCommand({ Namespace: 'itv', MetricData: [{ MetricName: 'm', Value: 1 }] }),
    );
    expect(lastChecks()[0]).toMatchObject({ action: 'cloudwatch:PutMetricData', resource: '*' });
  });
});

describe('EventBridge (awsJson1_1)', () => {
  test('PutEvents is checked per entry on its event bus', async () => {
    await new EventBridgeClient(clientConfig()).send(
      new PutEventsCommand({
        Entries: [
          { Source: 'ci.build', DetailType: 'intent', Detail: '{}' },
          { Source: 'ci.build', DetailType: 'intent', Detail: '{}', EventBusName: 'itv-bus' },
        ],
      }),
    );
    expect(lastChecks().map(({ action, resource }) => [action, resource])).toEqual([
      ['events:PutEvents', `arn:aws:events:us-east-1:${account}:event-bus/default`],
      ['events:PutEvents', `arn:aws:events:us-east-1:${account}:event-bus/itv-bus`],
    ]);
  });
});

describe('Step Functions (awsJson1_0)', () => {
  const client = () => new SFNClient(clientConfig());

  test('StartExecution is on the state machine', async () => {
    await client().send(new StartExecutionCommand({ stateMachineArn, name: 'intent-1', input: '{}' }));
    expect(lastChecks()).toEqual([
      {
        operation: 'StartExecution',
        action: 'states:StartExecution',
        resource: stateMachineArn,
        allowed: true,
      },
    ]);
  });

  test('SendTaskSuccess is on the state machine that issued the token', async () => {
    gateway.registerTaskToken('token-1', stateMachineArn);
    await client().send(new SendTaskSuccessCommand({ taskToken: 'token-1', output: '{}' }));
    expect(lastChecks()).toEqual([
      {
        operation: 'SendTaskSuccess',
        action: 'states:SendTaskSuccess',
        resource: stateMachineArn,
        allowed: true,
      },
    ]);
  });

  test('a task token of unknown origin is denied, not guessed', async () => {
    const error = await client()
      .send(new SendTaskFailureCommand({ taskToken: 'forged', error: 'X' }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'AccessDeniedException' });
    expect((error as Error).message).toContain('SendTaskFailure');
  });
});

describe('AppConfig (restJson1)', () => {
  const client = () => new AppConfigClient(clientConfig());
  const app = `arn:aws:appconfig:us-east-1:${account}:application/app1`;

  test('CreateHostedConfigurationVersion is on the configuration profile', async () => {
    await client().send(
      new CreateHostedConfigurationVersionCommand({
        ApplicationId: 'app1',
        ConfigurationProfileId: 'prof1',
        Content: new TextEncoder().encode('{}'),
        ContentType: 'application/json',
      }),
    );
    expect(lastChecks()).toEqual([
      {
        operation: 'CreateHostedConfigurationVersion',
        action: 'appconfig:CreateHostedConfigurationVersion',
        resource: `${app}/configurationprofile/prof1`,
        allowed: true,
      },
    ]);
  });

  test('StartDeployment is on the environment, the configuration profile and the deployment strategy', async () => {
    await client().send(
      new StartDeploymentCommand({
        ApplicationId: 'app1',
        EnvironmentId: 'env1',
        DeploymentStrategyId: 'strat1',
        ConfigurationProfileId: 'prof1',
        ConfigurationVersion: '1',
      }),
    );
    expect(lastChecks().map((check) => check.resource)).toEqual([
      `${app}/environment/env1`,
      `${app}/configurationprofile/prof1`,
      `arn:aws:appconfig:us-east-1:${account}:deploymentstrategy/strat1`,
    ]);
    expect(new Set(lastChecks().map((check) => check.action))).toEqual(
      new Set(['appconfig:StartDeployment']),
    );
  });

  test('GetDeployment and StopDeployment are on the deployment; GetEnvironment on the environment', async () => {
    const deployment = { ApplicationId: 'app1', EnvironmentId: 'env1', DeploymentNumber: 3 };
    await client().send(new GetDeploymentCommand(deployment));
    expect(lastChecks()[0]).toMatchObject({
      action: 'appconfig:GetDeployment',
      resource: `${app}/environment/env1/deployment/3`,
    });
    await client().send(new StopDeploymentCommand(deployment));
    expect(lastChecks()[0]).toMatchObject({
      action: 'appconfig:StopDeployment',
      resource: `${app}/environment/env1/deployment/3`,
    });
    await client().send(new GetEnvironmentCommand({ ApplicationId: 'app1', EnvironmentId: 'env1' }));
    expect(lastChecks()[0]).toMatchObject({
      action: 'appconfig:GetEnvironment',
      resource: `${app}/environment/env1`,
    });
  });
});

test('an allowed request reaches the upstream with its Host rewritten and its signature intact', async () => {
  await new DynamoDBClient(clientConfig()).send(
    new GetItemCommand({ TableName: 'itv-ledger', Key: { id: { S: 'x' } } }),
  );
  const forwarded = upstream.received.at(-1);
  expect(forwarded?.headers.host).not.toBe(new URL(gateway.url).host);
  expect(forwarded?.headers.authorization).toContain('Credential=AKIAMAPPING/');
  expect(JSON.parse(forwarded?.body.toString() ?? '{}')).toMatchObject({ TableName: 'itv-ledger' });
});
