import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pemToSpki, spkiToPem } from '../../../lambdas/core/evidence/pem.js';
import { signCheckpoint } from '../../../lambdas/core/pipeline/checkpoint.js';
import { installed } from '../../support/installed.js';
import { intentAt, pipelineHarness, runIntent } from '../pipeline/helpers/pipeline-harness.js';
import { compressedSpki } from './helpers/compressed-key.js';
import { forgeBundle } from './helpers/forge-bundle.js';
import { WriteOnceEvidence } from './helpers/write-once-evidence.js';

const script = join(process.cwd(), 'docs', 'verify-bundle.sh');
const run = (cwd: string, ...args: string[]) =>
  spawnSync('bash', [script, ...args], { cwd, encoding: 'utf8' });
const lastLine = (out: string) => out.trimEnd().split('\n').at(-1);
const VERIFIED_TAIL = 'every check passed, under the pinned key';
const VERIFIED = new RegExp(`^the bundle of intent \\S+ verifies: ${VERIFIED_TAIL}$`);

/**
 * A sealed bundle of a released intent, written to a folder as `itv evidence pull` writes it, and to another as
 * the evidence bucket holds it (`aws s3 cp --recursive`: the archive beside the manifest and pinned checkpoint).
 * It is the ledger's second: its checkpoint names the one before it (`previous`, an object inside the object).
 * `key` is the ledger's public key as its holder would keep it, apart from any bundle.
 */
async function bundleFolders(
  root: string,
): Promise<{ pulled: string; copied: string; key: string; intentId: string }> {
  const h = pipelineHarness();
  const evidence = new WriteOnceEvidence();
  const deps = { ...h.deps, evidence };
  const first = await runIntent({ ...h, deps }, intentAt(h));
  await signCheckpoint(first.declared!.intentId, deps);
  const state = await runIntent({ ...h, deps }, { ...intentAt(h), title: 'The second change' });
  const intentId = state.declared!.intentId;
  // Sealed a year ahead, as on a virtual clock that ran ahead of the wall clock: tar must not warn of the future.
  h.clock.advance(365 * 24 * 3600 * 1000);
  await signCheckpoint(intentId, deps);
  const write = (name: string, files: Map<string, Uint8Array>) => {
    const dir = join(root, name);
    mkdirSync(dir);
    for (const [file, bytes] of files) writeFileSync(join(dir, file), bytes);
    return dir;
  };
  const key = join(root, 'ledger.pub.pem');
  writeFileSync(key, spkiToPem(await deps.signer!.publicKeySpkiDer()));
  return {
    pulled: write('bundle', evidence.bundle(intentId)),
    copied: write('copied', evidence.stored(intentId)),
    key,
    intentId,
  };
}

if (installed('bash', 'openssl', 'sha256sum', 'tar')) {
  describe('docs/verify-bundle.sh exits non-zero on any failed check', () => {
    let root: string;
    let bundle: string;
    let copied: string;
    let key: string;
    let intentId: string;
    beforeAll(async () => {
      root = mkdtempSync(join(tmpdir(), 'itv-verify-script-'));
      ({ pulled: bundle, copied, key, intentId } = await bundleFolders(root));
    });
    afterAll(() => rmSync(root, { recursive: true, force: true }));

    test('a good bundle under the pinned key: exit 0, and it says every check passed', () => {
      expect(readFileSync(join(bundle, 'checkpoint.json'), 'utf8')).toContain('"previous":{');
      const good = run(bundle, '--public-key', key);
      expect([good.status, good.stderr]).toEqual([0, '']);
      expect(good.stdout).toMatch(/included in the tree/);
      expect(lastLine(good.stdout)).toMatch(VERIFIED);
    });

    test('it prints the clock the signed checkpoint says its instants are on', () => {
      const good = run(bundle, '--public-key', key);
      expect(good.stdout).toContain(
        `the checkpoint's instants are on a virtual clock, not real times: {"kind":"virtual","pace":"discrete","startedAt":"2026-11-04T15:00:00.000Z"}`,
      );
    });

    test('the key pinned as DER, as `aws kms get-public-key … | base64 -d` writes it: exit 0', () => {
      const der = join(root, 'ledger.pub.der');
      writeFileSync(der, pemToSpki(readFileSync(key, 'utf8')));
      const good = run(bundle, '--public-key', der);
      expect(good.status).toBe(0);
      expect(lastLine(good.stdout)).toMatch(VERIFIED);
    });

    test('the key pinned with its point compressed, as `openssl pkey -ec_conv_form compressed` writes it: exit 0', () => {
      const compressed = join(root, 'ledger.pub.compressed.pem');
      writeFileSync(compressed, spkiToPem(compressedSpki(pemToSpki(readFileSync(key, 'utf8')))));
      const good = run(bundle, '--public-key', compressed);
      expect([good.status, good.stderr]).toEqual([0, '']);
      expect(good.stdout).toContain('public-key.pem is the pinned key');
      expect(lastLine(good.stdout)).toMatch(VERIFIED);
    });

    test("the pinned key is the bundle's own public-key.pem: exit 2, as no key pinned, saying it proves only self-consistency", () => {
      for (const pin of ['public-key.pem', join(bundle, 'public-key.pem')]) {
        const own = run(bundle, '--public-key', pin);
        expect([own.status, own.stderr]).toEqual([2, '']);
        expect(own.stdout).not.toContain('verifies');
        expect(lastLine(own.stdout)).toMatch(
          /^NOT VERIFIED: the pinned key is the public-key\.pem the bundle carries: .*only agrees with itself/,
        );
      }
      // A key held apart from the bundle is the same bytes as the bundle's own when both are the ledger's: it is
      // told apart by being another file, not by its content.
      const apart = run(bundle, '--public-key', key);
      expect(apart.status).toBe(0);
      expect(apart.stdout).not.toContain('the bundle carries');
    });

    test('no key pinned: exit 2, and its last line says the bundle only agrees with itself', () => {
      const unpinned = run(bundle);
      expect([unpinned.status, unpinned.stderr]).toEqual([2, '']);
      expect(lastLine(unpinned.stdout)).toMatch(/^NOT VERIFIED: no key was pinned .*only agrees with itself/);
    });

    test('a bundle re-signed with a key of its own: consistent alone, refused under the pinned key', async () => {
      const forged = join(root, 'forged');
      await forgeBundle(bundle, forged);
      const alone = run(forged);
      expect(alone.stdout).not.toMatch(/FAILED|NOT VERIFIED: (?!no key was pinned)/);
      expect(alone.status).toBe(2);
      const pinned = run(forged, '--public-key', key);
      expect(pinned.status).toBe(1);
      expect(pinned.stdout).toContain('NOT VERIFIED: public-key.pem is not the pinned key');
      expect(pinned.stdout).not.toContain('every check passed');
    });

    test('a pinned key that is not a public key, or usage other than --public-key PEM: exit 1, saying so', () => {
      const notKey = join(root, 'not-a-key.pem');
      writeFileSync(notKey, 'hello');
      expect(run(bundle, '--public-key', notKey).stdout).toContain(
        `NOT VERIFIED: ${notKey} is not a public key`,
      );
      expect(run(bundle, '--public-key', join(root, 'absent.pem')).status).toBe(1);
      const usage = run(bundle, '--key', key);
      expect(usage.status).toBe(1);
      expect(usage.stdout).toMatch(/usage: .*--public-key PEM/);
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

    test("an entry whose audit path does not lead to the signed root: exit 1, naming that entry's seq", () => {
      const lines = readFileSync(join(bundle, 'ledger-entries.jsonl'), 'utf8').trimEnd().split('\n');
      const at = 3;
      const seq = (JSON.parse(lines[at]!) as { proof: { leafIndex: number } }).proof.leafIndex;
      const node = /"path":\["([0-9a-f]{64})"/;
      const first = lines[at]!.match(node)![1]!;
      for (const [name, line, says] of [
        [
          'wrong-node',
          lines[at]!.replace(node, `"path":["${first.replace(/^./, (c) => (c === '0' ? '1' : '0'))}"`),
          `NOT VERIFIED: seq ${seq}: not included in the tree of`,
        ],
        [
          'long-path',
          lines[at]!.replace(node, `"path":["${first}","${'ab'.repeat(32)}"`),
          `NOT VERIFIED: seq ${seq}: the path is too long`,
        ],
        [
          'bad-hash',
          lines[at]!.replace(/"hash":"[0-9a-f]/, (h) => `${h.slice(0, -1)}${h.endsWith('0') ? '1' : '0'}`),
          `NOT VERIFIED: seq ${seq}: the entry does not hash to`,
        ],
      ] as const) {
        const dir = join(root, `proof-${name}`);
        spawnSync('cp', ['-r', `${bundle}/.`, dir]);
        const file = join(dir, 'ledger-entries.jsonl');
        spawnSync('chmod', ['u+w', file]);
        writeFileSync(file, `${lines.map((l, i) => (i === at ? line : l)).join('\n')}\n`);
        const bad = run(dir, '--public-key', key);
        expect(bad.status).toBe(1);
        // The entries before it are proven first, in their order, and the script stops at it.
        expect(bad.stdout.match(/: included in the tree/g)).toHaveLength(at);
        expect(lastLine(bad.stdout)).toContain(says);
        expect(bad.stdout).not.toContain('every check passed');
      }
    });

    test('a file the statement does not name, a hidden one or a folder, fails the folder check', () => {
      for (const extra of ['.extra-approval.json', 'sub/approval.json']) {
        const padded = join(root, `padded-${extra.replace(/\W/g, '')}`);
        mkdirSync(padded);
        spawnSync('cp', ['-r', `${bundle}/.`, padded]);
        mkdirSync(join(padded, 'sub'), { recursive: true });
        writeFileSync(join(padded, extra), '{"approved":true}');
        if (!extra.startsWith('sub/')) rmSync(join(padded, 'sub'), { recursive: true });
        const bad = run(padded);
        expect(bad.status).toBe(1);
        expect(bad.stdout).toContain("NOT VERIFIED: the folder's files are not the statement's");
      }
    });

    test('a bundle copied from the bucket as stored: it unpacks bundle.tar and verifies the same', () => {
      expect(readdirSync(copied).sort()).toEqual(['bundle.tar', 'checkpoint.json', 'manifest.intoto.json']);
      const good = run(copied, '--public-key', key);
      expect([good.status, good.stderr]).toEqual([0, '']);
      expect(lastLine(good.stdout)).toMatch(VERIFIED);
    });

    test('the intent the signed statement names is printed, and named on the last line', () => {
      for (const dir of [bundle, copied]) {
        const good = run(dir, '--public-key', key);
        expect(good.stdout).toContain(`the signed statement is of intent ${intentId}\n`);
        expect(lastLine(good.stdout)).toBe(`the bundle of intent ${intentId} verifies: ${VERIFIED_TAIL}`);
      }
    });

    test('bytes after the end-of-archive blocks of bundle.tar: exit 1, naming them', () => {
      for (const [name, tail, says] of [
        ['trailing-text', 'garbage', /NOT VERIFIED: bundle\.tar's length \d+ is not whole 512-byte blocks/],
        [
          'trailing-block',
          'x'.repeat(512),
          /NOT VERIFIED: bundle\.tar has bytes after its end-of-archive blocks/,
        ],
      ] as const) {
        const padded = join(root, name);
        spawnSync('cp', ['-r', `${copied}/.`, padded]);
        const archive = join(padded, 'bundle.tar');
        spawnSync('chmod', ['u+w', archive]);
        writeFileSync(archive, Buffer.concat([readFileSync(archive), Buffer.from(tail)]));
        const bad = run(padded, '--public-key', key);
        expect(bad.status).toBe(1);
        expect(bad.stdout).toMatch(says);
        expect(bad.stdout).not.toContain('verifies');
      }
    });

    test('a file beside bundle.tar other than the archived one of its name: exit 1, naming it', () => {
      for (const name of ['intent.json', 'outcome.json']) {
        const forged = join(root, `loose-${name}`);
        spawnSync('cp', ['-r', `${copied}/.`, forged]);
        const archived = spawnSync('tar', ['-xOf', join(copied, 'bundle.tar'), name], { encoding: 'utf8' });
        writeFileSync(join(forged, name), archived.stdout.replace('"', '"forged":true,"'));
        const bad = run(forged, '--public-key', key);
        expect(bad.status).toBe(1);
        expect(bad.stdout).toContain(`NOT VERIFIED: ${name} is not the ${name} that bundle.tar holds`);
        expect(bad.stdout).not.toContain('every check passed');
      }
    });

    test('a file beside bundle.tar that it does not hold fails the folder check, as a pulled folder does', () => {
      for (const extra of ['approval.json', '.approval.json', 'sub']) {
        const padded = join(root, `loose-extra-${extra.replace(/\W/g, '')}`);
        spawnSync('cp', ['-r', `${copied}/.`, padded]);
        if (extra === 'sub') mkdirSync(join(padded, 'sub'));
        else writeFileSync(join(padded, extra), '{"approved":true}');
        const bad = run(padded, '--public-key', key);
        expect(bad.status).toBe(1);
        expect(bad.stdout).toContain("NOT VERIFIED: the folder's files are not the statement's");
      }
    });

    test('a bundle.tar holding a member twice, a member not a regular file, or a name not flat: exit 1, naming it', () => {
      const members = join(root, 'members');
      mkdirSync(members);
      spawnSync('tar', ['-xf', join(copied, 'bundle.tar'), '-C', members]);
      const names = readdirSync(members).sort();
      const forgedDir = join(root, 'forged-member');
      mkdirSync(join(forgedDir, 'sub'), { recursive: true });
      const intent = readFileSync(join(members, 'intent.json'), 'utf8');
      writeFileSync(join(forgedDir, 'intent.json'), intent.replace('"title":"', '"title":"forged '));
      writeFileSync(join(forgedDir, 'sub', 'approval.json'), '{}');
      for (const [name, first, says] of [
        ['twice', ['intent.json'], /NOT VERIFIED: bundle\.tar holds intent\.json twice/],
        ['folder', ['sub'], /NOT VERIFIED: bundle\.tar's member sub\/? is not a regular file/],
        [
          'nested',
          ['sub/approval.json'],
          /NOT VERIFIED: bundle\.tar's member sub\/approval\.json is not a flat file name/,
        ],
      ] as const) {
        const dir = join(root, `archive-${name}`);
        spawnSync('cp', ['-r', `${copied}/.`, dir]);
        const archive = join(dir, 'bundle.tar');
        rmSync(archive, { force: true });
        const made = [
          spawnSync('tar', ['--no-recursion', '-cf', archive, '-C', forgedDir, ...first]),
          spawnSync('tar', ['-rf', archive, '-C', members, ...names]),
        ];
        expect(made.map((m) => m.status)).toEqual([0, 0]);
        if (name === 'twice') {
          // tar reads the forged copy first, and extracts the real one over it.
          expect(spawnSync('tar', ['-xOf', archive, 'intent.json'], { encoding: 'utf8' }).stdout).toContain(
            'forged',
          );
        }
        const bad = run(dir, '--public-key', key);
        expect(bad.status).toBe(1);
        expect(bad.stdout).toMatch(says);
        expect(bad.stdout).not.toContain('every check passed');
      }
    });

    test('a pinned checkpoint other than the archived one: exit 1, naming it', () => {
      const swapped = join(root, 'swapped');
      spawnSync('cp', ['-r', `${copied}/.`, swapped]);
      const pin = join(swapped, 'checkpoint.json');
      spawnSync('chmod', ['u+w', pin]);
      writeFileSync(pin, readFileSync(pin, 'utf8').replace('"size":', '"size":1'));
      const bad = run(swapped);
      expect(bad.status).toBe(1);
      expect(bad.stdout).toContain('NOT VERIFIED: checkpoint.json is not the checkpoint bundle.tar holds');
    });
  });
}
