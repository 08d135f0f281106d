import { jest } from '@jest/globals';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { S3EvidenceStore } from '../../../lambdas/adapters/aws/s3-evidence-store.js';
import { getEvidence } from '../../../lambdas/api/get-evidence.js';
import { ARCHIVE_FILE, bundleKey, MANIFEST_FILE } from '../../../lambdas/core/evidence/bundle-layout.js';
import { fakeS3Bucket } from '../../support/fake-s3-bucket.js';
import { MemoryLedgerStore } from '../pipeline/helpers/memory-ledger.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const eventFor = (id: string) => ({ pathParameters: { id } }) as unknown as APIGatewayProxyEvent;

/**
 * `GET /intents/{id}/evidence` on the S3 store, as the deployed stack's function answers it: evidence that fails
 * its integrity check on the read is a 409 naming the object, as the local store's is (damaged-evidence.test.ts).
 */
describe('the evidence route on the S3 store, given an object changed after it was written', () => {
  let bucket: ReturnType<typeof fakeS3Bucket>;
  let store: S3EvidenceStore;
  beforeEach(() => {
    bucket = fakeS3Bucket();
    store = new S3EvidenceStore(bucket.client, 'itv-evidence');
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => {
    bucket.mock.reset();
    jest.restoreAllMocks();
  });

  test('409 with the problem type of an evidence integrity failure, naming the key', async () => {
    // Prepare
    const manifest = bundleKey('int-1', MANIFEST_FILE);
    await store.putObject(bundleKey('int-1', ARCHIVE_FILE), bytes('archive'), 'application/x-tar');
    await store.putObject(manifest, bytes('{"payload":"a"}'), 'application/json');
    bucket.tamper(manifest, bytes('{"payload":"b"}'));

    // Act
    const answer = await getEvidence(eventFor('int-1'), {
      evidence: store,
      ledger: new MemoryLedgerStore(),
      ledgerName: 'main',
    });

    // Assess
    expect(answer.statusCode).toBe(409);
    expect(answer.headers?.['content-type']).toBe('application/problem+json');
    expect(JSON.parse(answer.body)).toMatchObject({
      type: 'urn:itv:problem:evidence-integrity-error',
      error: 'EvidenceIntegrityError',
      key: manifest,
      detail: expect.stringContaining(`evidence object ${manifest} was changed after it was written`),
    });
  });
});
