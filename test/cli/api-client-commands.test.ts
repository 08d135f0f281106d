import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, runItv } from '../support/run-itv.js';
import { appendsBudgetMs, intentsBudgetMs, setupMs } from '../support/time-budget.js';

/**
 * `itv ledger`, `itv evidence`, `itv value report` and `itv delegate` as a user runs them: clients of the home's
 * control plane through the API routes the deployed stack serves, verifying what they read themselves.
 */
describe('the read and delegation commands through the API', () => {
  let home: string;
  let intentId: string;
  /** Each command is a process of its own: about what one append costs, several times over. */
  const commandMs = appendsBudgetMs(40);

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'itv-api-commands-'));
    const submitted = await runItv(home, [
      'submit',
      join(root, 'examples', '01-low-risk-flag.json'),
      '--as',
      'alice',
      '--json',
    ]);
    expect(submitted.code).toBe(0);
    const status = JSON.parse(submitted.stdout) as { intentId: string; status: string };
    expect(status.status).toBe('released');
    intentId = status.intentId;
  }, intentsBudgetMs(1));

  afterAll(async () => {
    expect((await runItv(home, ['control-plane', 'stop'])).code).toBe(0);
    rmSync(home, { recursive: true, force: true });
  }, setupMs);

  test(
    'ledger export writes the export, its key and checkpoints, which verify offline; the online verify agrees',
    async () => {
      // Act
      const file = join(home, 'ledger.jsonl');
      const exported = await runItv(home, ['ledger', 'export', '--out', file]);
      const toStdout = await runItv(home, ['ledger', 'export']);
      const offline = await runItv(home, [
        'ledger',
        'verify',
        '--file',
        file,
        '--public-key',
        `${file}.pub.pem`,
        '--json',
      ]);
      const online = await runItv(home, ['ledger', 'verify']);
      const again = await runItv(home, ['ledger', 'export', '--out', file]);

      // Assess
      const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
      expect(exported.code).toBe(0);
      expect(exported.stderr).toMatch(
        new RegExp(
          `wrote ${lines.length} entries to .*ledger.jsonl, the public key to .*pub.pem and [1-9]\\d* signed checkpoints`,
        ),
      );
      expect(toStdout.stdout).toBe(readFileSync(file, 'utf8'));
      expect(readFileSync(`${file}.pub.pem`, 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
      expect(readFileSync(`${file}.checkpoints.jsonl`, 'utf8').trim().split('\n').length).toBeGreaterThan(0);
      expect(offline.code).toBe(0);
      expect(JSON.parse(offline.stdout)).toMatchObject({ ok: true, size: lines.length });
      expect([online.code, online.stdout]).toEqual([0, expect.stringMatching(/^ledger intact: \d+ entries/)]);
      // An earlier export, and the witness its checkpoints are, is never replaced.
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(
        /--out: .*ledger\.jsonl, .*pub\.pem, .*checkpoints\.jsonl exist: an earlier export/,
      );
      expect(readFileSync(file, 'utf8').split('\n').filter(Boolean)).toEqual(lines);
      // The export holds every intent's payload: only its owner may read it, as only they may read the home.
      if (process.platform !== 'win32') {
        for (const written of [file, `${file}.pub.pem`, `${file}.checkpoints.jsonl`])
          expect([written, statSync(written).mode & 0o777]).toEqual([written, 0o600]);
      }
    },
    commandMs,
  );

  test(
    "evidence pull writes the intent's bundle, which verifies; an unknown intent exits 1 and writes nothing",
    async () => {
      // Act
      const dir = join(home, 'bundle');
      const pulled = await runItv(home, ['evidence', 'pull', intentId, '--out', dir]);
      const verified = await runItv(home, ['evidence', 'verify', dir]);
      const missing = join(home, 'missing');
      const unknown = await runItv(home, ['evidence', 'pull', 'no-such-intent', '--out', missing]);

      // Assess
      expect(pulled.code).toBe(0);
      expect(pulled.stdout).toMatch(new RegExp(`pulled ${readdirSync(dir).length} files of intent`));
      expect(pulled.stdout).toContain(`check them against this stack's key with: itv evidence verify ${dir}`);
      expect([verified.code, verified.stdout]).toEqual([0, expect.stringContaining(': VERIFIED')]);
      expect(verified.stdout).toContain(`key pinned from the stack of ${home}`);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('no evidence bundle for intent no-such-intent');
      expect(existsSync(missing)).toBe(false);
      // The bundle holds the intent's payload: its folder and each file in it are its owner's alone.
      if (process.platform !== 'win32') {
        expect(statSync(dir).mode & 0o777).toBe(0o700);
        for (const name of readdirSync(dir))
          expect([name, statSync(join(dir, name)).mode & 0o777]).toEqual([name, 0o600]);
      }
    },
    commandMs,
  );

  test(
    'evidence verify takes a bundle as the store keeps it (archive, pinned checkpoint, manifest), and refuses a folder inside one',
    async () => {
      // Prepare: the three objects copied out of the store by their keys, as `aws s3 cp --recursive` copies them.
      const stored = join(home, 'as-stored');
      mkdirSync(stored);
      for (const name of ['bundle.tar', 'checkpoint.json', 'manifest.intoto.json']) {
        const digest = readFileSync(join(home, 'evidence', 'refs', 'bundles', intentId, name), 'utf8')
          .trim()
          .replace('sha256:', '');
        copyFileSync(
          join(home, 'evidence', 'objects', 'sha256', digest.slice(0, 2), digest.slice(2)),
          join(stored, name),
        );
      }
      const nested = join(home, 'nested');
      await runItv(home, ['evidence', 'pull', intentId, '--out', nested]);
      mkdirSync(join(nested, 'sub'));
      writeFileSync(join(nested, 'sub', 'approval.json'), '{}');

      // Act
      const fromStore = await runItv(home, ['evidence', 'verify', stored]);
      const withFolder = await runItv(home, ['evidence', 'verify', nested]);

      // Assess
      expect([fromStore.code, fromStore.stdout]).toEqual([0, expect.stringContaining(': VERIFIED')]);
      expect(fromStore.stdout).toContain(`(${stored})`);
      expect(withFolder.code).toBe(1);
      expect(withFolder.stdout).toContain('sub/ is not named in the signed statement');
    },
    commandMs,
  );

  test(
    'value report groups by known dimensions; an unknown one exits 1 naming it',
    async () => {
      const report = await runItv(home, ['value', 'report', '--by', 'service,region', '--json']);
      const unknown = await runItv(home, ['value', 'report', '--by', 'nonsense']);
      expect(report.code).toBe(0);
      expect(JSON.parse(report.stdout)).toMatchObject({
        dimensions: ['service', 'region'],
        groups: [{ key: { service: 'launch-flags', region: 'NA' }, released: 1 }],
      });
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toMatch(/^ {2}--by: unknown dimension "nonsense"/m);
    },
    commandMs,
  );

  test(
    'delegate grants as the owner; delegate revoke by anyone else exits 1, by the grantor 0',
    async () => {
      // Act
      const until = new Date(Date.now() + 7 * 86_400_000).toISOString();
      const granted = await runItv(home, [
        'delegate',
        '--to',
        'bob',
        '--service',
        'launch-flags',
        '--role',
        'engineer',
        '--until',
        until,
        '--reason',
        'on call',
        '--as',
        'alice',
      ]);
      const id = /delegation (\S+); revoke it/.exec(granted.stdout)?.[1] ?? '';
      const byBob = await runItv(home, ['delegate', 'revoke', id, '--reason', 'mine now', '--as', 'bob']);
      const byAlice = await runItv(home, [
        'delegate',
        'revoke',
        id,
        '--reason',
        'rotation over',
        '--as',
        'alice',
      ]);

      // Assess
      expect(granted.code).toBe(0);
      expect(granted.stdout).toContain(`alice delegates launch-flags to bob as engineer until ${until}`);
      expect(id).toBe(`bob~alice~${until}`);
      expect([byBob.code, byBob.stderr]).toEqual([1, expect.stringContaining('NotTheGrantorError')]);
      expect([byAlice.code, byAlice.stdout]).toEqual([
        0,
        expect.stringContaining('revoked: delegation from alice to bob over launch-flags'),
      ]);
      // Both say whom they act as, in the same words.
      const acting = (command: string) =>
        `acting as alice, named by ${command} --as (local runtime: not verified)\n`;
      expect(granted.stdout.startsWith(acting('itv delegate'))).toBe(true);
      expect(byAlice.stdout.startsWith(acting('itv delegate revoke'))).toBe(true);

      // Act: the grantor lists what she delegated; a status no delegation has names the flag.
      const listed = await runItv(home, ['delegate', 'list', '--principal', 'bob']);
      const asJson = await runItv(home, ['delegate', 'list', '--status', 'revoked', '--json']);
      const badStatus = await runItv(home, ['delegate', 'list', '--status', 'pending']);

      // Assess
      expect(listed.code).toBe(0);
      expect(listed.stdout).toMatch(
        new RegExp(`^revoked +alice +bob +engineer +launch-flags +${until} +${id}$`, 'm'),
      );
      // The README's promise: a revoked delegation is listed with who revoked it, when and why.
      expect(listed.stdout).toMatch(/^revoked +alice .*\n {2}revoked by alice at \S+Z: rotation over$/m);
      expect(JSON.parse(asJson.stdout).delegations).toEqual([
        expect.objectContaining({
          id,
          status: 'revoked',
          revocation: expect.objectContaining({ revokedBy: 'alice' }),
        }),
      ]);
      expect([badStatus.code, badStatus.stderr]).toEqual([
        1,
        expect.stringMatching(/--status: "pending" is not a delegation status/),
      ]);
    },
    commandMs,
  );

  // Last: it deletes a bundle from the home's evidence folders.
  test(
    'ledger verify --bundles finds each bundle the ledger records in the store; a deleted one exits 1 naming it',
    async () => {
      // Act
      const intact = await runItv(home, ['ledger', 'verify', '--bundles']);
      // Someone with write access to the home's folders deletes the intent's bundle (its keys).
      const folder = join(home, 'evidence', 'refs', 'bundles', intentId);
      expect(spawnSync('chmod', ['-R', 'u+w', folder]).status).toBe(0);
      rmSync(folder, { recursive: true, force: true });
      const deleted = await runItv(home, ['ledger', 'verify', '--bundles']);
      const asJson = await runItv(home, ['ledger', 'verify', '--bundles', '--json']);

      // Assess
      expect([intact.code, intact.stdout]).toEqual([
        0,
        expect.stringMatching(/bundles: (\d+) recorded, \1 in the evidence store as sealed/),
      ]);
      expect(deleted.code).toBe(1);
      expect(deleted.stdout).toContain(`evidence TAMPERED: the bundle of ${intentId}, recorded at seq`);
      expect(deleted.stdout).toContain(`missing from the evidence store (bundles/${intentId}/)`);
      expect(JSON.parse(asJson.stdout)).toMatchObject({
        verdict: 'tampered',
        bundles: { failures: [{ intentId }] },
      });
    },
    commandMs,
  );
});
