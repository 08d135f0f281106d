import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3PayloadStore } from '../../lambdas/adapters/aws/s3-payload-store.js';
import { EvidencePayloadStore } from '../../lambdas/adapters/evidence-payload-store.js';
import { FileEvidenceStore } from '../../lambdas/adapters/local/file-evidence-store.js';
import { WriteOnceEvidence } from '../unit/evidence/helpers/write-once-evidence.js';
import { announceMotoCases, motoBucket, motoEndpoint } from './moto-backends.js';
import { describePayloadStoreContract } from './payload-store-contract.js';

announceMotoCases('test/contract/payload-store.test.ts');

const memory = new EvidencePayloadStore(new WriteOnceEvidence());
describePayloadStoreContract('over WriteOnceEvidence (the tests’ fake)', () => memory);

let root: string;
let files: EvidencePayloadStore;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'itv-payload-contract-'));
  files = new EvidencePayloadStore(new FileEvidenceStore(root));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
describePayloadStoreContract("over FileEvidenceStore (the home's content-addressed store)", () => files);

if (motoEndpoint !== undefined) {
  const endpoint = motoEndpoint;
  let moto: Awaited<ReturnType<typeof motoBucket>>;
  beforeAll(async () => {
    moto = await motoBucket(endpoint);
  });
  afterAll(() => {
    moto.client.destroy();
  });
  describePayloadStoreContract(
    `S3PayloadStore on moto_server at ${endpoint}`,
    () => new S3PayloadStore(moto.client, moto.bucket),
  );
}
