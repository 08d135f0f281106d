import { createHash } from 'node:crypto';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';

interface StoredObject {
  body: Uint8Array;
  /** Base64 SHA-256, as S3 records it when the write asks for `ChecksumAlgorithm: 'SHA256'`. */
  checksumSha256?: string;
}

/**
 * One bucket in memory behind a stubbed S3Client, answering as S3 does the calls S3EvidenceStore makes:
 * `If-None-Match: *` refuses an existing key (412), a SHA-256 checksum is recorded when the write asks for one
 * and returned by reads with `ChecksumMode: ENABLED`, a missing key is NoSuchKey, listings page by `pageSize`.
 * `tamper` changes an object's bytes behind the checksum recorded at its write, as bit rot or a corrupted
 * transfer would.
 */
export function fakeS3Bucket(pageSize = 1000) {
  const client = new S3Client({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
  });
  const mock = mockClient(client);
  const objects = new Map<string, StoredObject>();

  mock.on(PutObjectCommand).callsFake(async (input) => {
    const key = input.Key as string;
    if (input.IfNoneMatch === '*' && objects.has(key)) {
      throw new S3ServiceException({
        name: 'PreconditionFailed',
        $fault: 'client',
        $metadata: { httpStatusCode: 412 },
        message: 'At least one of the pre-conditions you specified did not hold',
      });
    }
    const body = new Uint8Array(input.Body as Uint8Array);
    const checksumSha256 =
      input.ChecksumAlgorithm === 'SHA256' ? createHash('sha256').update(body).digest('base64') : undefined;
    objects.set(key, { body, checksumSha256 });
    return { ChecksumSHA256: checksumSha256 };
  });
  mock.on(GetObjectCommand).callsFake(async (input) => {
    const stored = objects.get(input.Key as string);
    if (stored === undefined)
      throw new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} });
    const bytes = new Uint8Array(stored.body);
    return {
      Body: { transformToByteArray: async () => bytes },
      ...(input.ChecksumMode === 'ENABLED' && stored.checksumSha256
        ? { ChecksumSHA256: stored.checksumSha256, ChecksumType: 'FULL_OBJECT' }
        : {}),
    };
  });
  mock.on(ListObjectsV2Command).callsFake(async (input) => {
    const keys = [...objects.keys()].filter((key) => key.startsWith(input.Prefix ?? '')).sort();
    const from = input.ContinuationToken ? Number(input.ContinuationToken) : 0;
    const page = keys.slice(from, from + pageSize);
    const next = from + pageSize < keys.length ? String(from + pageSize) : undefined;
    return { Contents: page.map((Key) => ({ Key })), NextContinuationToken: next };
  });

  return {
    client,
    mock,
    objects,
    /** Replaces an object's bytes, keeping what S3 recorded at its write. */
    tamper(key: string, body: Uint8Array): void {
      const stored = objects.get(key);
      if (stored === undefined) throw new Error(`no object ${key} to tamper with`);
      objects.set(key, { ...stored, body: new Uint8Array(body) });
    },
  };
}
