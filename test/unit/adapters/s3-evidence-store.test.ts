import { createHash } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { S3EvidenceStore } from '../../../lambdas/adapters/aws/s3-evidence-store.js';
import { EvidenceConflictError, EvidenceIntegrityError } from '../../../lambdas/core/errors.js';
import { fakeS3Bucket } from '../../support/fake-s3-bucket.js';

const sha256 = (body: Uint8Array) => createHash('sha256').update(body).digest('hex');
const bytes = (text: string) => new TextEncoder().encode(text);
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as Error,
  );

describe('S3EvidenceStore re-hashes what it reads', () => {
  let bucket: ReturnType<typeof fakeS3Bucket>;
  let store: S3EvidenceStore;
  beforeEach(() => {
    bucket = fakeS3Bucket();
    store = new S3EvidenceStore(bucket.client, 'itv-evidence');
  });
  afterEach(() => bucket.mock.reset());

  test('a write asks S3 to record the SHA-256, a read asks for it back and serves bytes that match it', async () => {
    // Prepare
    const key = 'bundles/int-1/manifest.intoto.json';

    // Act
    await store.putObject(key, bytes('{"a":1}'), 'application/json');
    const read = await store.getObject(key);

    // Assess
    expect(new TextDecoder().decode(read)).toBe('{"a":1}');
    expect(bucket.mock.commandCalls(PutObjectCommand)[0]!.args[0].input).toMatchObject({
      ChecksumAlgorithm: 'SHA256',
      IfNoneMatch: '*',
    });
    expect(bucket.mock.commandCalls(GetObjectCommand)[0]!.args[0].input).toMatchObject({
      Key: key,
      ChecksumMode: 'ENABLED',
    });
  });

  test('bytes that no longer hash to the recorded SHA-256 are EvidenceIntegrityError naming the key and both digests', async () => {
    // Prepare
    const key = 'checkpoints/main/000000000008.json';
    await store.putObject(key, bytes('{"size":8}'), 'application/json');
    bucket.tamper(key, bytes('{"size":9}'));

    // Act
    const error = await failure(store.getObject(key));

    // Assess
    expect(error).toBeInstanceOf(EvidenceIntegrityError);
    expect(error?.message).toBe(
      `evidence object ${key} was changed after it was written: stored as sha256:${sha256(bytes('{"size":8}'))}, it now hashes to sha256:${sha256(bytes('{"size":9}'))}`,
    );
  });

  test('an object with no SHA-256 recorded (not written by this store) is EvidenceIntegrityError, not served', async () => {
    // Prepare: another writer's PutObject without a checksum algorithm.
    const key = 'bundles/int-2/decision.json';
    await bucket.client.send(
      new PutObjectCommand({ Bucket: 'itv-evidence', Key: key, Body: bytes('{"forged":true}') }),
    );

    // Act
    const error = await failure(store.getObject(key));

    // Assess
    expect(error).toBeInstanceOf(EvidenceIntegrityError);
    expect(error?.message).toContain(key);
    expect(error?.message).toContain('no SHA-256 recorded');
    expect(error?.message).toContain(sha256(bytes('{"forged":true}')));
  });

  test("the SDK's own checksum mismatch while streaming is EvidenceIntegrityError naming the key, the cause kept", async () => {
    // Prepare
    const key = 'bundles/int-3/manifest.intoto.json';
    const sdkError = new Error(
      'Checksum mismatch: expected "abc=" but received "def=" in response header "x-amz-checksum-sha256".',
    );
    bucket.mock.on(GetObjectCommand).resolves({
      Body: {
        transformToByteArray: async () => {
          throw sdkError;
        },
      } as never,
      ChecksumSHA256: 'abc=',
    });

    // Act
    const error = await failure(store.getObject(key));

    // Assess
    expect(error).toBeInstanceOf(EvidenceIntegrityError);
    expect(error?.message).toContain(key);
    expect(error?.cause).toBe(sdkError);
  });

  test('a racing write of different bytes finding a changed object reports the change, not a conflict', async () => {
    // Prepare
    const key = 'bundles/int-4/manifest.intoto.json';
    await store.putObject(key, bytes('{"first":1}'), 'application/json');
    bucket.tamper(key, bytes('{"first":2}'));

    // Act
    const error = await failure(store.putObject(key, bytes('{"first":1}'), 'application/json'));

    // Assess
    expect(error).toBeInstanceOf(EvidenceIntegrityError);
    expect(error).not.toBeInstanceOf(EvidenceConflictError);
  });
});
