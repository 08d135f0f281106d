import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jest } from '@jest/globals';
import { demoScenarios, describeCompounding, runDemo } from '../../cli/commands/demo.js';
import { evidenceVerifyCommand, pullBundle } from '../../cli/commands/evidence.js';
import { checkpointsFileOf, exportLines, ledgerVerifyCommand } from '../../cli/commands/ledger.js';
import { withSession } from '../../cli/session.js';
import { auditStores, checkpointObjects } from '../../lambdas/core/evidence/audit-stores.js';
import { spkiToPem } from '../../lambdas/core/evidence/pem.js';
import { canonicalJson } from '../../lambdas/core/ledger/index.js';
import type { LedgerStore, StoredEntry } from '../../lambdas/ports/ledger-store.js';
import { RECOMPUTED_ARTIFACTS, runArtifactsRecipe } from '../support/artifacts-recipe.js';
import { installed } from '../support/installed.js';
import { payloadDrift } from '../support/payload-drift.js';
import { intentsBudgetMs } from '../support/time-budget.js';

/**
 * The demo's scenarios through the real ASL on the local runtime (dynalite, the P-256 signer, the AppConfig
 * simulator, every stage's middy handler), run once for this file: first that each ends as expected, then what
 * a compliance officer does with no trust in itv: pull each bundle and verify it, export the ledger and verify
 * it offline.
 */
type DemoRun = Awaited<ReturnType<typeof runDemo>>;
let demo: DemoRun & { ledgerTypes: string[]; rollbackAlarms: string[] };

const docs = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs');

let home: string;
let work: string;
let bundles: Array<{ intentId: string; dir: string; outcome: string }>;
let exportFile: string;
let truncatedAudit: Awaited<ReturnType<typeof auditStores>>;
let written: StoredEntry[];
const out: string[] = [];
/** The demo's home, whose stack key `itv evidence verify` pins, and no deployed context. */
const homeEnv = () => ({ ITV_HOME: home, ITV_CONFIG_DIR: join(work, 'config') });

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'itv-e2e-evidence-'));
  work = mkdtempSync(join(tmpdir(), 'itv-e2e-bundles-'));
  // A Saturday inside the year-end freeze: the demo must still show every outcome, whenever it is run.
  await withSession(
    { home, inMemory: true, clockStart: new Date('2026-12-26T23:00:00Z') },
    async (session) => {
      const { deps } = session.stack;
      const run = await runDemo(session, () => {});
      const all = await deps.ledger.read(deps.ledgerName);
      demo = {
        ...run,
        ledgerTypes: all.map((e) => `${e.entry.intentId} ${e.entry.type}`),
        rollbackAlarms: all
          .filter((e) => e.entry.type === 'release.rollback-started')
          .map((e) => `${e.entry.intentId} ${e.entry.payload.alarm}`),
      };
      bundles = [];
      for (const result of run.results) {
        const dir = join(work, result.status.intentId);
        await pullBundle(deps.evidence, result.status.intentId, dir);
        bundles.push({ intentId: result.status.intentId, dir, outcome: result.status.status });
      }
      const entries = await deps.ledger.read(deps.ledgerName);
      written = entries;
      exportFile = join(work, 'ledger.jsonl');
      writeFileSync(exportFile, exportLines(entries));
      writeFileSync(`${exportFile}.pub.pem`, spkiToPem(await deps.publicKey()));
      const checkpoints = await checkpointObjects(deps.evidence, deps.ledgerName);
      writeFileSync(
        checkpointsFileOf(exportFile),
        checkpoints.map((c) => `${canonicalJson(c.value)}\n`).join(''),
      );
      // A malicious table that hides its last ten entries, audited against the evidence store.
      const truncated: LedgerStore = {
        append: (l, d) => deps.ledger.append(l, d),
        head: (l) => deps.ledger.head(l),
        forIntent: (l, i) => deps.ledger.forIntent(l, i),
        read: async (l) => (await deps.ledger.read(l)).slice(0, -10),
      };
      truncatedAudit = await auditStores({
        ledger: truncated,
        evidence: deps.evidence,
        ledgerName: deps.ledgerName,
        publicKeySpkiDer: await deps.publicKey(),
      });
    },
  );
  jest.spyOn(console, 'log').mockImplementation((line: unknown) => {
    out.push(String(line));
  });
  jest.spyOn(console, 'error').mockImplementation(() => {});
}, intentsBudgetMs(demoScenarios.length));

afterAll(() => {
  jest.restoreAllMocks();
  for (const dir of [home, work]) rmSync(dir, { recursive: true, force: true });
});

describe('demo scenarios end to end', () => {
  test('every scenario ends as expected and the ledger verifies with the public key alone', () => {
    const { results, audit, ledgerTypes, compounding, continuity, rollbackAlarms } = demo;

    // Assess
    expect(results.map((r) => [r.scenario.file, r.status.status])).toEqual(
      demoScenarios.map((s) => [s.file, s.expected]),
    );
    expect(audit.ok).toBe(true);
    const byLabel = Object.fromEntries(results.map((r) => [r.scenario.label, r.status]));
    const types = (label: string) =>
      ledgerTypes
        .filter((line) => line.startsWith(`${byLabel[label]!.intentId} `))
        .map((line) => line.split(' ')[1]);

    expect(types('low-risk flag')).toEqual(
      expect.arrayContaining([
        'intent.declared',
        'structure.validated',
        'admission.admitted',
        'decision.signed',
        'verification.passed',
        'release.started',
        'release.deployment-completed',
        'observation.recorded',
        'intent.concluded',
        'checkpoint.signed',
      ]),
    );
    expect(byLabel['low-risk flag']!.timeToValueSeconds).toBeGreaterThan(0);
    expect(types('structural reject')).toEqual([
      'intent.declared',
      'structure.rejected',
      'intent.concluded',
      'checkpoint.signed',
    ]);
    expect(types('policy reject')).toContain('admission.rejected');
    expect(types('policy reject')).not.toContain('decision.signed');
    expect(types('high-risk review')).toEqual(
      expect.arrayContaining(['review.requested', 'review.approved', 'release.started']),
    );
    expect(types('high-risk review').indexOf('review.approved')).toBeLessThan(
      types('high-risk review').indexOf('release.started'),
    );
    expect(types('SLO regression')).toEqual(expect.arrayContaining(['release.rollback-started']));
    expect(types('SLO regression')).not.toContain('release.deployment-completed');
    expect(rollbackAlarms).toContain(
      `${byLabel['SLO regression']!.intentId} itv-customer-onboarding-error-rate`,
    );
    expect(types('policy breach')).toEqual(expect.arrayContaining(['release.started', 'release.stopped']));
    expect(types('policy breach')).not.toContain('release.deployment-completed');
    expect(compounding.last!.timeToValueSeconds!).toBeLessThan(compounding.first!.timeToValueSeconds!);
    expect(compounding.last!.strategy).not.toBe(compounding.first!.strategy);
    // Confidence is the 5th percentile of Beta(1 + clean, 1 + failed), 0.05^(1/(s+1)) with no failure: 0.473 after
    // three clean changes, short of the 0.5 that earns a faster strategy, and 0.549 after four. So the fourth change
    // releases as slowly as the first, and the fifth is the first to release faster.
    expect(compounding.first!.confidence).toBeCloseTo(0.05, 12);
    expect(compounding.last!.confidence).toBeCloseTo(0.05 ** (1 / 5), 12);
    // The summary says which confidence it gives: the one each release started with, before it (the value
    // report gives the one after each).
    expect(describeCompounding(compounding, continuity)).toMatch(
      /first \d+m \d+s with \S+ \(confidence before its release 0\.05\), fifth \d+m \d+s with \S+ \(confidence before its release 0\.55\)/,
    );
    expect(byLabel['compounding 4/5']!.timeToValueSeconds).toBe(
      byLabel['compounding 1/5']!.timeToValueSeconds,
    );
    expect(types('compounding 5/5')).toContain('decision.reused');
    expect(continuity.reused).toBeGreaterThanOrEqual(4);

    // The queue: the second intent of the pair waited for the first and was released after it.
    const first = byLabel['queue: checkout for all']!.intentId;
    const second = byLabel['queue: waits its turn']!.intentId;
    const waited = types('queue: waits its turn');
    expect(waited.indexOf('admission.queued')).toBeGreaterThan(-1);
    expect(waited.indexOf('admission.queued')).toBeLessThan(waited.indexOf('admission.admitted'));
    // Learn frees the lane, so the second is admitted only after the first's release completed and was observed.
    expect(ledgerTypes.indexOf(`${first} observation.recorded`)).toBeLessThan(
      ledgerTypes.indexOf(`${second} admission.admitted`),
    );
  });
});

describe('demo evidence, verified as an outsider would', () => {
  test("every demo intent has a bundle, and each verifies through `itv evidence verify`, the home's key pinned", async () => {
    // Act
    const codes = [];
    out.length = 0;
    for (const bundle of bundles) codes.push(await evidenceVerifyCommand(bundle.dir, {}, homeEnv()));
    // Assess
    expect(bundles.length).toBeGreaterThanOrEqual(5);
    expect(bundles.map((b) => b.outcome)).toEqual(
      expect.arrayContaining(['released', 'rejected-structure', 'rolled-back']),
    );
    expect(codes).toEqual(bundles.map(() => 0));
    expect(out.join('\n')).toContain(`key pinned from the stack of ${home}`);
  });

  test('every entry the demo wrote holds the payload its type declares', () => {
    expect(written.length).toBeGreaterThan(100);
    expect(payloadDrift(written)).toEqual([]);
  });

  test('a bundle verifies with its signer pinned, and fails with another key pinned', async () => {
    const [bundle] = bundles;
    expect(await evidenceVerifyCommand(bundle!.dir, { publicKey: `${exportFile}.pub.pem` })).toBe(0);
    const otherKey = join(work, 'other.pem');
    const { generateKeyPairSync } = await import('node:crypto');
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(otherKey, publicKey.export({ type: 'spki', format: 'pem' }));
    expect(await evidenceVerifyCommand(bundle!.dir, { publicKey: otherKey })).toBe(1);
  });

  test.each([
    ['intent.json', (text: string) => text.replace('"title":"', '"title":"X')],
    [
      'ledger-entries.jsonl',
      (text: string) => text.replace(/"leafIndex":(\d+)/, (_, n) => `"leafIndex":${Number(n) + 1}`),
    ],
    ['checkpoint.json', (text: string) => text.replace(/"size":(\d+)/, (_, n) => `"size":${Number(n) - 1}`)],
    [
      'manifest.intoto.json',
      (text: string) => text.replace(/"sig":"(.)(.)/, (_, a, b) => `"sig":"${a}${b === 'A' ? 'B' : 'A'}`),
    ],
  ])('a bundle with %s tampered fails `itv evidence verify`', async (file, tamper) => {
    // Prepare
    const dir = join(work, `tampered-${file}`);
    const source = bundles.find((b) => b.outcome === 'released')!;
    cpSync(source.dir, dir, { recursive: true });
    const path = join(dir, file);
    chmodSync(path, 0o644);
    const before = readFileSync(path, 'utf8');
    writeFileSync(path, tamper(before));
    expect(readFileSync(path, 'utf8')).not.toBe(before);
    out.length = 0;
    // Act
    const code = await evidenceVerifyCommand(dir, {}, homeEnv());
    // Assess
    expect(code).toBe(1);
    expect(out.join('\n')).toMatch(/FAILED[\s\S]*FAIL /);
  });

  test('the exported ledger verifies offline with the public key and the signed checkpoints', async () => {
    out.length = 0;
    const code = await ledgerVerifyCommand({ file: exportFile, publicKey: `${exportFile}.pub.pem` });
    expect(code).toBe(0);
    // Every execution ended with a head signed after its last entry: nothing trails.
    expect(out.join('\n')).toContain(
      `ledger intact: ${written.length} entries, ${written.length} covered by a signed checkpoint, 0 trailing it;`,
    );
  });

  test('an export with its tail cut off fails offline against the signed checkpoints', async () => {
    const lines = readFileSync(exportFile, 'utf8').trimEnd().split('\n');
    const cut = join(work, 'cut.jsonl');
    writeFileSync(cut, `${lines.slice(0, -10).join('\n')}\n`);
    out.length = 0;
    const code = await ledgerVerifyCommand({
      file: cut,
      publicKey: `${exportFile}.pub.pem`,
      checkpoints: checkpointsFileOf(exportFile),
    });
    expect(code).toBe(1);
    expect(out.join('\n')).toContain(`first bad entry seq ${lines.length - 10} (truncated)`);
  });

  test('a table that hides its tail fails the online audit against the evidence store', () => {
    expect(truncatedAudit).toMatchObject({ ok: false, fault: 'truncated' });
  });

  test('docs/EVIDENCE.md shows docs/verify-bundle.sh exactly', () => {
    const doc = readFileSync(join(docs, 'EVIDENCE.md'), 'utf8');
    const script = readFileSync(join(docs, 'verify-bundle.sh'), 'utf8');
    const shown = doc.match(/```sh\n(#!\/usr\/bin\/env bash\n[\s\S]*?)```/)?.[1];
    expect(shown).toBe(script);
  });

  if (installed('bash', 'openssl', 'sha256sum')) {
    test('the openssl recipe verifies a demo bundle and fails a tampered one', () => {
      // Prepare: the last released bundle, whose checkpoint names the one before it (an object inside the object).
      const source = bundles.filter((b) => b.outcome === 'released').at(-1)!;
      expect(readFileSync(join(source.dir, 'checkpoint.json'), 'utf8')).toContain('"previous":{');
      const tampered = join(work, 'recipe-tampered');
      cpSync(source.dir, tampered, { recursive: true });
      const entries = join(tampered, 'ledger-entries.jsonl');
      chmodSync(entries, 0o644);
      writeFileSync(entries, readFileSync(entries, 'utf8').replace('"type":"', '"type":"x'));
      const script = join(docs, 'verify-bundle.sh');
      // Act
      const pinned = [script, '--public-key', `${exportFile}.pub.pem`];
      const good = spawnSync('bash', pinned, { cwd: source.dir, encoding: 'utf8' });
      const bad = spawnSync('bash', pinned, { cwd: tampered, encoding: 'utf8' });
      const unpinned = spawnSync('bash', [script], { cwd: source.dir, encoding: 'utf8' });
      // Assess
      const lines = readFileSync(join(source.dir, 'ledger-entries.jsonl'), 'utf8').trimEnd().split('\n');
      expect(good.stdout.match(/included in the tree/g)).toHaveLength(lines.length);
      expect(good.stdout.match(/Verified OK/g)).toHaveLength(2);
      expect(good.stdout).not.toMatch(/FAILED|NOT|does not/);
      expect(good.stdout).toContain('public-key.pem is the pinned key');
      expect(good.status).toBe(0);
      expect(unpinned.stdout).toContain('the bundle only agrees with itself');
      expect(unpinned.status).toBe(2);
      expect(bad.stdout).toContain('ledger-entries.jsonl: FAILED');
      expect(bad.stdout).toMatch(/NOT VERIFIED: seq \d+: the entry does not hash to/);
      expect(bad.status).toBe(1);
    });
  }

  if (installed('python3')) {
    test("docs/EVIDENCE.md's Python script recomputes every artifact of every demo bundle byte for byte", () => {
      // Prepare: a copy of a released bundle whose release trace has a deployment event, one byte of it edited.
      const released = bundles.filter((b) => b.outcome === 'released').at(-1)!;
      const trace = readFileSync(join(released.dir, 'release-trace.json'), 'utf8');
      expect(trace).toContain('"type":"DEPLOYMENT_STARTED"');
      const edited = join(work, 'artifacts-edited');
      cpSync(released.dir, edited, { recursive: true });
      chmodSync(join(edited, 'release-trace.json'), 0o644);
      writeFileSync(
        join(edited, 'release-trace.json'),
        trace.replace('DEPLOYMENT_STARTED', 'DEPLOYMENT_STARTEd'),
      );
      // Act
      const runs = bundles.map((bundle) => ({ bundle, run: runArtifactsRecipe(bundle.dir) }));
      const bad = runArtifactsRecipe(edited);
      // Assess: each outcome the demo shows, every artifact's bytes as the bundle holds them.
      expect(new Set(bundles.map((b) => b.outcome))).toEqual(
        new Set(['released', 'rejected-structure', 'rejected-policy', 'rolled-back']),
      );
      for (const { bundle, run } of runs) {
        expect([bundle.intentId, run.status, run.stderr]).toEqual([bundle.intentId, 0, '']);
        for (const name of RECOMPUTED_ARTIFACTS) {
          expect([bundle.intentId, name, run.recomputed.get(name)?.toString('utf8')]).toEqual([
            bundle.intentId,
            name,
            readFileSync(join(bundle.dir, name), 'utf8'),
          ]);
        }
        expect(run.stdout.match(/: recomputed byte for byte$/gm)).toHaveLength(RECOMPUTED_ARTIFACTS.length);
      }
      expect(bad.status).toBe(1);
      expect(bad.stdout).toContain('release-trace.json: DIFFERS from what the ledger entries give');
      expect(bad.stdout.match(/DIFFERS/g)).toHaveLength(1);
    });
  } else {
    console.info(
      `test/e2e/demo.test.ts: python3 is not installed, docs/EVIDENCE.md's Python script is not run`,
    );
  }
});
