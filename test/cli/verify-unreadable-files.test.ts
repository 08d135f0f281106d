import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runItv } from '../support/run-itv.js';

/**
 * The offline verifiers read files a user names: one that is missing, or a key that is not one, is a clear
 * error naming the file, the option and the reason (exit 1), not a stack trace, and nothing is said about the
 * export's checkpoints before it.
 */
describe('itv ledger verify and itv evidence verify, given a file they cannot use', () => {
  let dir: string;
  let key: string;
  let notKey: string;
  let exportFile: string;
  let notWitness: string;
  let bundleDir: string;
  const missing = (name: string) => join(dir, `missing-${name}`);
  const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'itv-unreadable-'));
    key = join(dir, 'key.pem');
    writeFileSync(
      key,
      generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }),
    );
    notKey = join(dir, 'not-a-key.pem');
    writeFileSync(notKey, 'hello\n');
    exportFile = join(dir, 'ledger.jsonl');
    writeFileSync(exportFile, '');
    notWitness = join(dir, 'another-export.jsonl');
    writeFileSync(notWitness, `${JSON.stringify({ entry: { seq: 0 }, hash: '00' })}\n`);
    // A folder with a bundle's file in it (its manifest, whatever it holds): the key is what these cases get wrong.
    bundleDir = join(dir, 'bundle');
    mkdirSync(bundleDir);
    writeFileSync(join(bundleDir, 'manifest.intoto.json'), '{}');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cases: Array<[string, () => string[], () => RegExp]> = [
    [
      'a missing export',
      () => ['ledger', 'verify', '--file', missing('export'), '--public-key', key],
      () => new RegExp(`^itv: cannot read ${escaped(missing('export'))}: ENOENT\n  --file: `),
    ],
    [
      'a missing key',
      () => ['ledger', 'verify', '--file', exportFile, '--public-key', missing('key')],
      () => new RegExp(`^itv: cannot read ${escaped(missing('key'))}: ENOENT\n  --public-key: `),
    ],
    [
      'a key file that holds no key',
      () => ['ledger', 'verify', '--file', exportFile, '--public-key', notKey],
      () =>
        new RegExp(
          `^itv: cannot use ${escaped(notKey)} as a public key\n  --public-key: ${escaped(notKey)} is not a public key in PEM or DER \\(error:[^\n]+\\)\n$`,
        ),
    ],
    [
      'missing checkpoints',
      () => ['ledger', 'verify', '--file', exportFile, '--public-key', key, '--checkpoints', missing('cp')],
      () => new RegExp(`^itv: cannot read ${escaped(missing('cp'))}: ENOENT\n  --checkpoints: `),
    ],
    [
      'a missing witness',
      () => ['ledger', 'verify', '--file', exportFile, '--public-key', key, '--witness', missing('witness')],
      () => new RegExp(`^itv: cannot read ${escaped(missing('witness'))}: ENOENT\n  --witness: `),
    ],
    [
      'a witness that is not a checkpoints file (an export)',
      () => ['ledger', 'verify', '--file', exportFile, '--public-key', key, '--witness', notWitness],
      () =>
        new RegExp(
          `^itv: ${escaped(notWitness)} is not a checkpoints file\n  --witness: ${escaped(notWitness)} line 1 is a ledger entry, not a signed checkpoint: `,
        ),
    ],
    [
      'a missing bundle folder',
      () => ['evidence', 'verify', missing('bundle')],
      () => new RegExp(`^itv: cannot read ${escaped(missing('bundle'))}: ENOENT\n  dir: `),
    ],
    [
      'a bundle folder with a key file that holds no key',
      () => ['evidence', 'verify', bundleDir, '--public-key', notKey],
      () =>
        new RegExp(
          `^itv: cannot use ${escaped(notKey)} as a public key\n  --public-key: ${escaped(notKey)} is not a public key in PEM or DER \\(error:[^\n]+\\)\n$`,
        ),
    ],
    [
      'a bundle folder with a missing key',
      () => ['evidence', 'verify', bundleDir, '--public-key', missing('key')],
      () => new RegExp(`^itv: cannot read ${escaped(missing('key'))}: ENOENT\n  --public-key: `),
    ],
  ];

  test.each(cases)('%s: exit 1, naming the file and the option', async (_, args, message) => {
    // Act
    const run = await runItv(join(dir, 'home'), args());
    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(message());
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.stderr).not.toContain('checkpoints.jsonl');
    expect(run.stdout).toBe('');
  });
});
