import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3EvidenceStore } from '../../lambdas/adapters/aws/s3-evidence-store.js';
import { FileEvidenceStore } from '../../lambdas/adapters/local/file-evidence-store.js';
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

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'itv-evidence-contract-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
describeEvidenceStoreContract('FileEvidenceStore (write-once files)', () => new FileEvidenceStore(root));

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
