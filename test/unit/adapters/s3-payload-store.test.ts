import { GetObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { S3PayloadStore } from '../../../lambdas/adapters/aws/s3-payload-store.js';

const s3 = mockClient(S3Client);
afterEach(() => s3.reset());

const answer = (status: number, name: string) =>
  new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message: name });

describe('S3PayloadStore', () => {
  test('a 403 on a read is absence: a role without s3:ListBucket gets 403 for a missing object', async () => {
    // Prepare
    s3.on(GetObjectCommand).rejects(answer(403, 'AccessDenied'));
    const store = new S3PayloadStore(new S3Client({}), 'evidence');

    // Act / Assess
    await expect(store.get('a'.repeat(64))).resolves.toBeUndefined();
    expect(s3.commandCalls(GetObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: 'evidence',
      Key: `payloads/sha256/${'a'.repeat(64)}`,
      // The evidence store asks S3 for the SHA-256 it recorded, to re-hash what it reads.
      ChecksumMode: 'ENABLED',
    });
  });

  test('any other failure is not taken for absence', async () => {
    s3.on(GetObjectCommand).rejects(answer(400, 'InvalidRequest'));
    await expect(new S3PayloadStore(new S3Client({}), 'evidence').get('b'.repeat(64))).rejects.toThrow(
      'InvalidRequest',
    );
  });
});
