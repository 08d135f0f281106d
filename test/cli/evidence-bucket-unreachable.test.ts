import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runItv } from '../support/run-itv.js';

/** A port on 127.0.0.1 nothing listens on: bound once, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * `itv evidence pull --bucket NAME` where the bucket's endpoint cannot be reached (no network, a wrong endpoint)
 * says so in words, naming the bucket and the endpoint and region tried (exit 1), not the SDK's socket error.
 */
describe('itv evidence pull --bucket, with the evidence bucket out of reach', () => {
  let home: string;
  let config: string;
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'itv-bucket-unreachable-'));
    config = mkdtempSync(join(tmpdir(), 'itv-bucket-unreachable-config-'));
  });
  afterAll(() => {
    rmSync(home, { recursive: true, force: true });
    rmSync(config, { recursive: true, force: true });
  });

  test.each([
    ['one intent', ['int-1']],
    ['a date range', ['--since', '2026-11-01']],
  ])('%s: one error naming the bucket, the endpoint and the region, exit 1', async (_name, args) => {
    // Prepare
    const endpoint = `http://127.0.0.1:${await closedPort()}`;

    // Act
    const run = await runItv(home, ['evidence', 'pull', ...args, '--bucket', 'itv-evidence-123'], {
      env: {
        ITV_CONFIG_DIR: config,
        ITV_CONTEXT: '',
        AWS_REGION: 'eu-west-1',
        AWS_ENDPOINT_URL_S3: endpoint,
        AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'example',
        AWS_PROFILE: '',
        AWS_MAX_ATTEMPTS: '1',
      },
    });

    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `itv: EvidenceBucketUnreachableError: the evidence bucket itv-evidence-123 could not be reached at ${endpoint} (region eu-west-1, from AWS_ENDPOINT_URL_S3): connect ECONNREFUSED ${endpoint.slice('http://'.length)}; check the network, or the endpoint\n`,
    );
  });
});
