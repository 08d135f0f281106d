import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pullFromBucket } from '../../../cli/commands/evidence-from-bucket.js';

/** `itv evidence pull --bucket NAME`: what is refused before AWS is asked, and how it is named. */
describe('itv evidence pull --bucket, before AWS is asked', () => {
  const saved = { ...process.env };
  let config: string;
  beforeEach(() => {
    config = mkdtempSync(join(tmpdir(), 'itv-bucket-option-'));
    process.env.ITV_CONFIG_DIR = config;
    delete process.env.ITV_CONTEXT;
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
  });
  afterEach(() => {
    process.env = { ...saved };
    rmSync(config, { recursive: true, force: true });
  });

  test('a bucket named but no region: the refusal names the bucket it cannot read, and AWS_REGION', async () => {
    await expect(pullFromBucket('int-1', { bucket: 'itv-evidence-123' })).rejects.toMatchObject({
      name: 'InvalidInputError',
      message: 'cannot read the evidence bucket itv-evidence-123',
      issues: [{ path: 'AWS_REGION', message: 'is required outside a deployed context' }],
    });
  });

  test('a name S3 cannot have is refused naming --bucket, not sent', async () => {
    process.env.AWS_REGION = 'eu-west-1';
    for (const name of ['My_Bucket', 'ab', 'bucket..name', '-bucket', `b${'x'.repeat(63)}`]) {
      await expect(pullFromBucket('int-1', { bucket: name })).rejects.toMatchObject({
        issues: [{ path: '--bucket', message: expect.stringMatching(/^is not an S3 bucket name: /) }],
      });
    }
  });
});
