import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signCheckpoint } from '../../../lambdas/core/pipeline/checkpoint.js';
import { intentAt, pipelineHarness, runIntent } from '../pipeline/helpers/pipeline-harness.js';
import { WriteOnceEvidence } from './helpers/write-once-evidence.js';

const script = join(process.cwd(), 'docs', 'verify-bundle.sh');
const run = (cwd: string) => spawnSync('bash', [script], { cwd, encoding: 'utf8' });

/** A sealed bundle of a released intent, written to a folder as `itv evidence get` writes it. */
async function bundleFolder(root: string): Promise<string> {
  const h = pipelineHarness();
  const evidence = new WriteOnceEvidence();
  const deps = { ...h.deps, evidence };
  const state = await runIntent({ ...h, deps }, intentAt(h));
  const intentId = state.declared!.intentId;
  await signCheckpoint(intentId, deps);
  const dir = join(root, 'bundle');
  mkdirSync(dir);
  for (const [name, bytes] of evidence.bundle(intentId)) writeFileSync(join(dir, name), bytes);
  return dir;
}

// Registered only where the tools are installed, so no machine reports a skipped test.
const tools = ['bash', 'openssl', 'sha256sum'].every(
  (tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0,
);
if (tools) {
  describe('docs/verify-bundle.sh exits non-zero on any failed check', () => {
    let root: string;
    let bundle: string;
    beforeAll(async () => {
      root = mkdtempSync(join(tmpdir(), 'itv-verify-script-'));
      bundle = await bundleFolder(root);
    });
    afterAll(() => rmSync(root, { recursive: true, force: true }));

    test('a good bundle: exit 0, and it says every check passed', () => {
      const good = run(bundle);
      expect([good.status, good.stderr]).toEqual([0, '']);
      expect(good.stdout).toMatch(/included in the tree/);
      expect(good.stdout.trimEnd().split('\n').at(-1)).toBe('the bundle verifies: every check passed');
    });

    test('outside a bundle folder: exit 1, naming the file it misses', () => {
      const empty = join(root, 'empty');
      mkdirSync(empty);
      const outside = run(empty);
      expect(outside.status).toBe(1);
      expect(outside.stdout).toMatch(/NOT VERIFIED: .*public-key\.pem/);
    });

    test('a file that does not match its signed digest: exit 1, naming the check that failed', () => {
      const tampered = join(root, 'tampered');
      mkdirSync(tampered);
      spawnSync('cp', ['-r', `${bundle}/.`, tampered]);
      const intent = join(tampered, 'intent.json');
      writeFileSync(intent, readFileSync(intent, 'utf8').replace('"title":"', '"title":"x'));
      const bad = run(tampered);
      expect(bad.status).toBe(1);
      expect(bad.stdout).toContain('intent.json: FAILED');
      expect(bad.stdout).toMatch(/NOT VERIFIED: .*SHA-256/);
    });
  });
}
