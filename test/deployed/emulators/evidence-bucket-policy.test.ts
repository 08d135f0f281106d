import { CreateMultipartUploadCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EvidenceBucket } from '../../../infra/evidence-bucket.js';
import { S3EvidenceStore } from '../../../lambdas/adapters/aws/s3-evidence-store.js';
import { withScratchStack } from '../../support/scratch-stack.js';
import { IamGateway } from './iam-gateway.js';
import type { PolicyDocument } from './operations/authorization-check.js';
import { StubUpstream } from './stub-upstream.js';

/*
 * The evidence bucket's policy as the stack synthesizes it, evaluated by the IAM gateway on real SDK requests:
 * the evidence store's writes pass it, and no write that could put a second version under a key does, whatever
 * the writer's own grants.
 */

const bucket = 'itv-evidence-test';
const account = '123456789012';

/** The bucket policy the construct synthesizes, with the bucket's ARN in place of its reference. */
function synthesizedPolicy(): PolicyDocument {
  const policies = withScratchStack((stack) => {
    new EvidenceBucket(stack, 'Evidence', { retention: Duration.days(30) });
    return Template.fromStack(stack).findResources('AWS::S3::BucketPolicy');
  });
  const [policy] = Object.values(policies).filter((resource) =>
    JSON.stringify(resource.Properties.Bucket).includes('EvidenceBucket'),
  );
  const resolve = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(resolve);
    if (value === null || typeof value !== 'object') return value;
    const object = value as Record<string, unknown>;
    if ('Fn::GetAtt' in object) return `arn:aws:s3:::${bucket}`;
    if ('Fn::Join' in object) {
      const [separator, parts] = object['Fn::Join'] as [string, unknown[]];
      return parts.map(resolve).join(separator);
    }
    return Object.fromEntries(Object.entries(object).map(([key, inner]) => [key, resolve(inner)]));
  };
  return resolve(policy!.Properties.PolicyDocument) as PolicyDocument;
}

const upstream = new StubUpstream();
let gateway: IamGateway;
let s3: S3Client;

beforeAll(async () => {
  gateway = new IamGateway({ upstreams: { default: await upstream.start() } });
  await gateway.start();
  // The writer may do anything to the bucket's objects: only the bucket policy stands in its way.
  gateway.registerCaller('AKIAEVIDENCE', {
    principalArn: `arn:aws:iam::${account}:role/itv-evidence-writer`,
    identityPolicies: [
      {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: [`arn:aws:s3:::${bucket}/*`] }],
      },
    ],
  });
  gateway.setBucketPolicy(bucket, synthesizedPolicy());
  s3 = new S3Client({
    endpoint: gateway.url,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'AKIAEVIDENCE', secretAccessKey: 'secret' },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  s3.destroy();
  await gateway.stop();
  await upstream.stop();
});

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: Error & { $metadata?: { httpStatusCode?: number } }) => ({
      name: error.name,
      status: error.$metadata?.httpStatusCode,
      message: error.message,
    }),
  );

test("the evidence store's write (If-None-Match: *) passes the bucket policy", async () => {
  const uri = await new S3EvidenceStore(s3, bucket).putObject(
    'intents/int-1/manifest.json',
    new TextEncoder().encode('{}'),
    'application/json',
  );
  expect(uri).toBe(`s3://${bucket}/intents/int-1/manifest.json`);
  expect(upstream.received.at(-1)?.headers['if-none-match']).toBe('*');
});

test.each([
  ['without a condition', {}],
  ['with If-Match (an overwrite of the version it names)', { IfMatch: '"0123456789abcdef"' }],
])('a PutObject %s is refused by the bucket policy, an explicit deny', async (_, extra) => {
  const refused = await refusal(
    s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'intents/int-1/manifest.json', Body: 'x', ...extra }),
    ),
  );
  expect(refused).toEqual({
    name: 'AccessDenied',
    status: 403,
    message: expect.stringMatching(
      /s3:PutObject on resource: arn:aws:s3:::itv-evidence-test\/intents\/int-1\/manifest\.json with an explicit deny in a resource-based policy$/,
    ),
  });
});

test('CreateMultipartUpload, which takes no conditional header, is not refused for lacking one', async () => {
  const refused = await refusal(
    s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'intents/int-1/archive.tar' })),
  );
  // The stub answers no upload id: any refusal but the gateway's AccessDenied is the SDK parsing its reply.
  expect(refused?.name).not.toBe('AccessDenied');
  expect(gateway.log.checks.at(-1)).toMatchObject({ operation: 'CreateMultipartUpload', allowed: true });
});
