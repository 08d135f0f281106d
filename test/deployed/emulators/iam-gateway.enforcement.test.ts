import { request as httpRequest } from 'node:http';
import { AppConfigClient, GetEnvironmentCommand } from '@aws-sdk/client-appconfig';
import { DynamoDBClient, GetItemCommand, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { IamGateway, type IamGatewayOptions } from './iam-gateway.js';
import { describeGatewayOnMoto } from './iam-gateway.moto-cases.js';
import type { PolicyDocument } from './operations/authorization-check.js';
import { StubUpstream } from './stub-upstream.js';

const account = '123456789012';
const role = (name: string) => `arn:aws:iam::${account}:role/${name}`;
const ledger = `arn:aws:dynamodb:us-east-1:${account}:table/itv-ledger`;
const keyArn = `arn:aws:kms:us-east-1:${account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const stateMachineArn = `arn:aws:states:us-east-1:${account}:stateMachine:itv-pipeline`;

function allow(action: string | string[], resource: string | string[]): PolicyDocument {
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: resource }] };
}

const upstream = new StubUpstream();
let upstreamUrl: string;
const gateways: IamGateway[] = [];

beforeAll(async () => {
  upstreamUrl = await upstream.start();
});
afterEach(async () => {
  await Promise.all(gateways.splice(0).map((gateway) => gateway.stop()));
});
afterAll(async () => {
  await upstream.stop();
});

/** A started gateway with one caller, `AKIATEST`, holding the given identity policies. */
async function gatewayFor(
  identityPolicies: PolicyDocument[],
  options: Partial<IamGatewayOptions> = {},
): Promise<IamGateway> {
  const gateway = new IamGateway({ upstreams: { default: upstreamUrl }, ...options });
  gateways.push(gateway);
  await gateway.start();
  gateway.registerCaller('AKIATEST', { principalArn: role('itv-test'), identityPolicies });
  return gateway;
}

function config(gateway: IamGateway, accessKeyId = 'AKIATEST') {
  return {
    endpoint: gateway.url,
    region: 'us-east-1',
    credentials: { accessKeyId, secretAccessKey: 'secret' },
    maxAttempts: 1,
  };
}

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as Error & { $metadata?: { httpStatusCode?: number } },
  );

describe('identity policies', () => {
  test('an action the role does not allow is AccessDeniedException in AWS words, and never reaches the upstream', async () => {
    // Prepare
    const gateway = await gatewayFor([allow('dynamodb:GetItem', ledger)]);
    const client = new DynamoDBClient(config(gateway));
    const forwardedBefore = upstream.received.length;

    // Act
    await client.send(new GetItemCommand({ TableName: 'itv-ledger', Key: { id: { S: 'x' } } }));
    const error = await failureOf(
      client.send(new PutItemCommand({ TableName: 'itv-ledger', Item: { id: { S: 'x' } } })),
    );

    // Assess
    expect(error?.name).toBe('AccessDeniedException');
    expect(error?.$metadata?.httpStatusCode).toBe(400);
    expect(error?.message).toBe(
      `User: ${role('itv-test')} is not authorized to perform: dynamodb:PutItem on resource: ${ledger} because no identity-based policy allows the dynamodb:PutItem action`,
    );
    expect(upstream.received).toHaveLength(forwardedBefore + 1);
    expect(gateway.log.checks.map(({ action, allowed }) => [action, allowed])).toEqual([
      ['dynamodb:GetItem', true],
      ['dynamodb:PutItem', false],
    ]);
    expect(gateway.log.summary()).toBe(
      [
        '2 calls checked against IAM (2 action/resource checks, 1 callers): 1 denied',
        `  denied ${role('itv-test')} PutItem: dynamodb:PutItem on ${ledger} (because no identity-based policy allows the dynamodb:PutItem action)`,
      ].join('\n'),
    );
    expect(gateway.log.byCaller()).toEqual([
      { caller: role('itv-test'), calls: 2, actions: ['dynamodb:GetItem'], denied: 1 },
    ]);
  });

  test('a caller with a session name is refused as its assumed-role session, as a Lambda function is', async () => {
    // Prepare
    const gateway = await gatewayFor([]);
    gateway.registerCaller('AKIASESSION', {
      principalArn: `arn:aws:iam::${account}:role/service/itv-verify-role`,
      sessionName: 'itv-verify',
      identityPolicies: [allow('dynamodb:GetItem', ledger)],
    });

    // Act
    const error = await failureOf(
      new DynamoDBClient(config(gateway, 'AKIASESSION')).send(
        new PutItemCommand({ TableName: 'itv-ledger', Item: { id: { S: 'x' } } }),
      ),
    );

    // Assess
    expect(error?.message).toMatch(
      new RegExp(`^User: arn:aws:sts::${account}:assumed-role/itv-verify-role/itv-verify is not authorized`),
    );
  });

  test('a grant on the table does not cover a Query on its index', async () => {
    const gateway = await gatewayFor([allow('dynamodb:Query', ledger)]);
    const error = await failureOf(
      new DynamoDBClient(config(gateway)).send(
        new QueryCommand({
          TableName: 'itv-ledger',
          IndexName: 'by-intent',
          KeyConditionExpression: 'i = :i',
          ExpressionAttributeValues: { ':i': { S: 'x' } },
        }),
      ),
    );
    expect(error?.message).toContain(`on resource: ${ledger}/index/by-intent`);
  });

  test('an explicit deny in the identity policy wins over an allow', async () => {
    const gateway = await gatewayFor([
      allow('dynamodb:*', '*'),
      {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Deny', Action: 'dynamodb:PutItem', Resource: ledger }],
      },
    ]);
    const error = await failureOf(
      new DynamoDBClient(config(gateway)).send(
        new PutItemCommand({ TableName: 'itv-ledger', Item: { id: { S: 'x' } } }),
      ),
    );
    expect(error?.message).toMatch(
      /dynamodb:PutItem on resource: .* with an explicit deny in an identity-based policy$/,
    );
  });

  test('an unknown access key is refused as AWS refuses an invalid token', async () => {
    const gateway = await gatewayFor([allow('*', '*')]);
    const error = await failureOf(
      new DynamoDBClient(config(gateway, 'AKIAUNKNOWN')).send(
        new GetItemCommand({ TableName: 'itv-ledger', Key: { id: { S: 'x' } } }),
      ),
    );
    expect(error?.name).toBe('UnrecognizedClientException');
    expect(gateway.log.denied[0]).toMatchObject({ caller: 'AKIAUNKNOWN', allowed: false });
  });

  test('SendTaskSuccess is allowed by a grant on the issuing state machine, not on another', async () => {
    const gateway = await gatewayFor([allow('states:SendTaskSuccess', stateMachineArn)]);
    gateway.registerTaskToken('token-a', stateMachineArn);
    gateway.registerTaskToken('token-b', `${stateMachineArn}-other`);
    const client = new SFNClient(config(gateway));

    await client.send(new SendTaskSuccessCommand({ taskToken: 'token-a', output: '{}' }));
    const error = await failureOf(
      client.send(new SendTaskSuccessCommand({ taskToken: 'token-b', output: '{}' })),
    );

    expect(error?.name).toBe('AccessDeniedException');
    expect(error?.message).toContain(`on resource: ${stateMachineArn}-other`);
  });

  test('AppConfig (restJson1) denies with 403 and x-amzn-ErrorType AccessDeniedException', async () => {
    const gateway = await gatewayFor([allow('appconfig:GetDeployment', '*')]);
    const error = await failureOf(
      new AppConfigClient(config(gateway)).send(
        new GetEnvironmentCommand({ ApplicationId: 'a', EnvironmentId: 'e' }),
      ),
    );
    expect(error?.name).toBe('AccessDeniedException');
    expect(error?.$metadata?.httpStatusCode).toBe(403);
    expect(error?.message).toContain('appconfig:GetEnvironment on resource: arn:aws:appconfig:us-east-1');
  });

  test('the granted actions no call used are reported per caller', async () => {
    const gateway = await gatewayFor([allow(['dynamodb:GetItem', 'dynamodb:PutItem', 'kms:*'], '*')]);
    await new DynamoDBClient(config(gateway)).send(
      new GetItemCommand({ TableName: 'itv-ledger', Key: { id: { S: 'x' } } }),
    );
    expect(gateway.unusedGrants()).toEqual([
      { caller: role('itv-test'), unused: ['dynamodb:PutItem', 'kms:*'] },
    ]);
  });
});

describe('KMS key policies', () => {
  const signWith = (gateway: IamGateway) =>
    failureOf(
      new KMSClient(config(gateway)).send(
        new SignCommand({
          KeyId: keyArn,
          Message: new Uint8Array(32),
          MessageType: 'DIGEST',
          SigningAlgorithm: 'ECDSA_SHA_256',
        }),
      ),
    );
  const keyPolicy = (principal: string): PolicyDocument => ({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: 'kms:*', Resource: '*' }],
  });

  test('a key policy trusting the account lets the identity policy decide', async () => {
    const gateway = await gatewayFor([allow('kms:Sign', keyArn)]);
    gateway.registerKmsKey({ keyArn, policy: keyPolicy(`arn:aws:iam::${account}:root`) });
    expect(await signWith(gateway)).toBeUndefined();
  });

  test('a key policy that does not allow the account denies even with an identity policy', async () => {
    const gateway = await gatewayFor([allow('kms:Sign', keyArn)]);
    gateway.registerKmsKey({ keyArn, policy: keyPolicy(role('key-admin')) });
    const error = await signWith(gateway);
    expect(error?.name).toBe('AccessDeniedException');
    expect(error?.message).toBe(
      `User: ${role('itv-test')} is not authorized to perform: kms:Sign on resource: ${keyArn} because no resource-based policy allows the kms:Sign action`,
    );
  });

  test('a key policy naming the role allows it without any identity policy', async () => {
    const gateway = await gatewayFor([]);
    gateway.registerKmsKey({ keyArn, policy: keyPolicy(role('itv-test')) });
    expect(await signWith(gateway)).toBeUndefined();
  });
});

test('a key policy denying kms:Sign to all but one role (aws:PrincipalArn) holds for assumed-role sessions', async () => {
  // Prepare: the signing key's shape, the account trusted and every other principal denied kms:Sign.
  const signer = role('itv-form-decision');
  const gateway = await gatewayFor([]);
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
        {
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 'kms:Sign',
          Resource: '*',
          Condition: { ArnNotEquals: { 'aws:PrincipalArn': signer } },
        },
      ],
    },
  });
  const grant = [allow('kms:Sign', keyArn)];
  gateway.registerCaller('AKIASIGNER', {
    principalArn: signer,
    sessionName: 'form-decision',
    identityPolicies: grant,
  });
  gateway.registerCaller('AKIAOTHER', {
    principalArn: role('itv-verify'),
    sessionName: 'verify',
    identityPolicies: grant,
  });
  const sign = (accessKeyId: string) =>
    failureOf(
      new KMSClient(config(gateway, accessKeyId)).send(
        new SignCommand({
          KeyId: keyArn,
          Message: new Uint8Array(32),
          MessageType: 'DIGEST',
          SigningAlgorithm: 'ECDSA_SHA_256',
        }),
      ),
    );

  // Act
  const bySigner = await sign('AKIASIGNER');
  const byOther = await sign('AKIAOTHER');

  // Assess
  expect(bySigner).toBeUndefined();
  expect(byOther?.message).toBe(
    `User: arn:aws:sts::${account}:assumed-role/itv-verify/verify is not authorized to perform: kms:Sign on resource: ${keyArn} with an explicit deny in a resource-based policy`,
  );
});

describe('S3 bucket policies', () => {
  const bucket = 'itv-evidence';
  const denyInsecureTransport: PolicyDocument = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ],
  };
  const put = (gateway: IamGateway, extra: Partial<ConstructorParameters<typeof PutObjectCommand>[0]> = {}) =>
    failureOf(
      new S3Client(config(gateway)).send(
        new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'x', ...extra }),
      ),
    );

  test('a deny on insecure transport lets through what a Lambda sends over TLS (the default)', async () => {
    const gateway = await gatewayFor([allow('s3:PutObject', `arn:aws:s3:::${bucket}/*`)]);
    gateway.setBucketPolicy(bucket, denyInsecureTransport);
    expect(await put(gateway)).toBeUndefined();
  });

  test('the same deny refuses plain HTTP as 403 AccessDenied, an explicit resource-based deny', async () => {
    const gateway = await gatewayFor([allow('s3:PutObject', `arn:aws:s3:::${bucket}/*`)], {
      secureTransport: false,
    });
    gateway.setBucketPolicy(bucket, denyInsecureTransport);
    const error = await put(gateway);
    expect(error?.name).toBe('AccessDenied');
    expect(error?.$metadata?.httpStatusCode).toBe(403);
    expect(error?.message).toMatch(
      /s3:PutObject on resource: arn:aws:s3:::itv-evidence\/k with an explicit deny in a resource-based policy$/,
    );
  });

  test('a bucket policy denying the role an action refuses it despite the identity policy', async () => {
    const gateway = await gatewayFor([allow('s3:*', '*')]);
    gateway.setBucketPolicy(bucket, {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Deny',
          Principal: { AWS: role('itv-test') },
          Action: 's3:GetObject',
          Resource: `arn:aws:s3:::${bucket}/*`,
        },
      ],
    });
    expect(await put(gateway)).toBeUndefined();
    const error = await failureOf(
      new S3Client(config(gateway)).send(new HeadObjectCommand({ Bucket: bucket, Key: 'k' })),
    );
    expect(error?.$metadata?.httpStatusCode).toBe(403);
    expect(gateway.log.denied[0]).toMatchObject({
      action: 's3:GetObject',
      reason: 'with an explicit deny in a resource-based policy',
    });
  });

  test('PutObject with a retention period needs s3:PutObjectRetention besides s3:PutObject', async () => {
    const gateway = await gatewayFor([allow('s3:PutObject', `arn:aws:s3:::${bucket}/*`)]);
    const error = await put(gateway, {
      ObjectLockMode: 'COMPLIANCE',
      ObjectLockRetainUntilDate: new Date('2030-01-01T00:00:00Z'),
    });
    expect(error?.message).toContain('s3:PutObjectRetention');
  });
});

describe('routing of allowed requests', () => {
  test('a per-service upstream and an interceptor take the requests of their service', async () => {
    // Prepare
    const appconfig = new StubUpstream();
    const gateway = await gatewayFor([allow('*', '*')], {
      upstreams: { default: upstreamUrl, appconfig: await appconfig.start() },
      interceptors: {
        states: (_request, { operation }) => ({
          status: 200,
          headers: { 'content-type': 'application/x-amz-json-1.0' },
          body: JSON.stringify({ executionArn: `intercepted ${operation.operation}` }),
        }),
      },
    });

    const forwardedBefore = upstream.received.length;

    // Act
    await new AppConfigClient(config(gateway)).send(
      new GetEnvironmentCommand({ ApplicationId: 'a', EnvironmentId: 'e' }),
    );
    gateway.registerTaskToken('t', stateMachineArn);
    await new SFNClient(config(gateway)).send(new SendTaskSuccessCommand({ taskToken: 't', output: '{}' }));
    await appconfig.stop();

    // Assess
    expect(appconfig.received.map((request) => request.url)).toEqual(['/applications/a/environments/e']);
    expect(
      upstream.received
        .slice(forwardedBefore)
        .some((request) => request.headers['x-amz-target'] === 'AWSStepFunctions.SendTaskSuccess'),
    ).toBe(false);
  });
});

test('a virtual-hosted S3 request is refused rather than read as path-style', async () => {
  // Prepare
  const gateway = await gatewayFor([allow('s3:*', '*')]);
  const port = new URL(gateway.url).port;

  // Act: `GET /intents/k` on host `itv-evidence.localhost` means bucket itv-evidence, not bucket intents.
  const status = await new Promise<number | undefined>((resolve, reject) => {
    const call = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path: '/intents/k',
        headers: {
          host: `itv-evidence.localhost:${port}`,
          authorization:
            'AWS4-HMAC-SHA256 Credential=AKIATEST/20261201/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00',
        },
      },
      (answer) => {
        answer.resume();
        resolve(answer.statusCode);
      },
    );
    call.on('error', reject);
    call.end();
  });

  // Assess
  expect(status).toBe(403);
  expect(gateway.log.denied[0]?.reason).toContain(`host itv-evidence.localhost:${port}`);
});

describe('requests the gateway cannot evaluate are refused and logged', () => {
  /** Sends raw bytes to the gateway, as no SDK would. */
  function rawRequest(
    gateway: IamGateway,
    headers: Record<string, string>,
    body: string,
  ): Promise<{ status?: number; body: string }> {
    return new Promise((resolve, reject) => {
      const call = httpRequest(`${gateway.url}/`, { method: 'POST', headers }, (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () =>
          resolve({ status: answer.statusCode, body: Buffer.concat(chunks).toString() }),
        );
      });
      call.on('error', reject);
      call.end(body);
    });
  }
  const signedFor = (service: string) =>
    `AWS4-HMAC-SHA256 Credential=AKIATEST/20261201/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=00`;

  test('an unsigned request is MissingAuthenticationTokenException', async () => {
    const gateway = await gatewayFor([allow('*', '*')]);
    const answer = await rawRequest(gateway, { 'x-amz-target': 'DynamoDB_20120810.PutItem' }, '{}');
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).__type).toBe('MissingAuthenticationTokenException');
  });

  test('a body that is not JSON is refused, naming the operation', async () => {
    const gateway = await gatewayFor([allow('*', '*')]);
    const answer = await rawRequest(
      gateway,
      { authorization: signedFor('dynamodb'), 'x-amz-target': 'DynamoDB_20120810.PutItem' },
      'not json',
    );
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ __type: 'AccessDeniedException' });
    expect(gateway.log.denied[0]?.reason).toBe('PutItem: the request body is not a JSON object');
  });

  test('a service the gateway does not know is refused, naming it', async () => {
    const gateway = await gatewayFor([allow('*', '*')]);
    const answer = await rawRequest(gateway, { authorization: signedFor('sqs') }, '');
    expect(answer.status).toBe(400);
    expect(gateway.log.denied[0]?.reason).toBe('service sqs is not known to the gateway');
  });

  test("an identity policy the evaluator rejects denies with the evaluator's reason", async () => {
    // An unresolved CloudFormation token where an ARN belongs, as a template read carelessly would give.
    const gateway = await gatewayFor([
      {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: { 'Fn::GetAtt': ['T', 'Arn'] } },
        ],
      },
    ]);
    const error = await failureOf(
      new DynamoDBClient(config(gateway)).send(
        new GetItemCommand({ TableName: 'itv-ledger', Key: { id: { S: 'x' } } }),
      ),
    );
    expect(error?.name).toBe('AccessDeniedException');
    expect(gateway.log.denied[0]?.reason).toMatch(/^the policy evaluator refused the request: /);
  });
});

describeGatewayOnMoto();
