import { createHash } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3EvidenceStore } from '../../lambdas/adapters/aws/s3-evidence-store.js';
import {
  FileEvidenceStore,
  OBJECTS_FOLDER,
  REFS_FOLDER,
} from '../../lambdas/adapters/local/file-evidence-store.js';
import { MemoryEvidenceStore } from '../../lambdas/adapters/local/memory-evidence-store.js';
import { ThreadedEvidenceStore } from '../../lambdas/adapters/local/threaded-evidence-store.js';
import { fakeS3Bucket } from '../support/fake-s3-bucket.js';
import { WriteOnceEvidence } from '../unit/evidence/helpers/write-once-evidence.js';
import { describeEvidenceStoreContract } from './evidence-store-contract.js';
import { announceMotoCases, motoBucket, motoEndpoint } from './moto-backends.js';

announceMotoCases('test/contract/evidence-store.test.ts');

// One memory store per case: every writer a case makes shares it, as writers share one bucket.
let memory = new WriteOnceEvidence();
beforeEach(() => {
  memory = new WriteOnceEvidence();
});
describeEvidenceStoreContract(
  'WriteOnceEvidence (the unit tests’ and pipeline harness’s fake)',
  () => memory,
);

// An in-memory stack's store, one per case likewise.
let memoryStack = new MemoryEvidenceStore();
beforeEach(() => {
  memoryStack = new MemoryEvidenceStore();
});
describeEvidenceStoreContract('MemoryEvidenceStore (an in-memory stack’s evidence)', () => memoryStack);

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'itv-evidence-contract-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
describeEvidenceStoreContract(
  'FileEvidenceStore (write-once files)',
  () => new FileEvidenceStore(root),
  // The folder's owner rewriting the object file a key names.
  async (key, body) => {
    const digest = (await readFile(join(root, REFS_FOLDER, key), 'utf8')).trim().replace('sha256:', '');
    const path = join(root, OBJECTS_FOLDER, 'sha256', digest.slice(0, 2), digest.slice(2));
    await chmod(path, 0o644);
    await writeFile(path, body);
    expect(createHash('sha256').update(body).digest('hex')).not.toBe(digest);
  },
);

// The same files written on a thread of their own (the local stack's store), one writing thread per writer.
const threaded: ThreadedEvidenceStore[] = [];
let threadedRoot: string;
beforeAll(async () => {
  threadedRoot = await mkdtemp(join(tmpdir(), 'itv-evidence-contract-threaded-'));
});
afterAll(async () => {
  await Promise.all(threaded.map((store) => store.close()));
  await rm(threadedRoot, { recursive: true, force: true });
});
describeEvidenceStoreContract(
  'ThreadedEvidenceStore (write-once files, written on a thread of their own)',
  () => {
    const store = new ThreadedEvidenceStore(threadedRoot);
    threaded.push(store);
    return store;
  },
  async (key, body) => {
    const digest = (await readFile(join(threadedRoot, REFS_FOLDER, key), 'utf8'))
      .trim()
      .replace('sha256:', '');
    const path = join(threadedRoot, OBJECTS_FOLDER, 'sha256', digest.slice(0, 2), digest.slice(2));
    await chmod(path, 0o644);
    await writeFile(path, body);
  },
);

// One stubbed bucket per case, shared by every writer the case makes; pages of two keys exercise paging.
let bucket = fakeS3Bucket(2);
beforeEach(() => {
  bucket = fakeS3Bucket(2);
});
describeEvidenceStoreContract(
  'S3EvidenceStore (stubbed S3 client)',
  () => new S3EvidenceStore(bucket.client, 'itv-evidence'),
  async (key, body) => bucket.tamper(key, body),
);

if (motoEndpoint !== undefined) {
  const endpoint = motoEndpoint;
  let moto: Awaited<ReturnType<typeof motoBucket>>;
  beforeAll(async () => {
    moto = await motoBucket(endpoint);
  });
  afterAll(() => {
    moto.client.destroy();
  });
  describeEvidenceStoreContract(
    `S3EvidenceStore on moto_server at ${endpoint}`,
    () => new S3EvidenceStore(moto.client, moto.bucket),
  );
}
