import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  evidenceFiles,
  testResultsBeforeCheckReports,
} from '../../../lambdas/core/evidence/evidence-files.js';
import { canonicalJson } from '../../../lambdas/core/ledger/index.js';
import type { StoredEntry } from '../../../lambdas/ports/ledger-store.js';
import { RECOMPUTED_ARTIFACTS, runArtifactsRecipe } from '../../support/artifacts-recipe.js';
import { installed } from '../../support/installed.js';

/**
 * docs/EVIDENCE.md specifies how each artifact is computed from a bundle's entries and shows a Python script that
 * does it. Here that script, cut from the Markdown as it is, runs on entries made to reach every rule the doc
 * states, and must write the bytes `evidenceFiles` writes. (test/e2e/demo.test.ts runs it on the demo's bundles.)
 */

type Made = [type: string, payload: Record<string, unknown>];

/** The intent's entries, seq 100 on, as the ledger would hold them (the script reads only seq, type and payload). */
function entriesOf(made: readonly Made[]): StoredEntry[] {
  return made.map(([type, payload], index) => ({
    entry: {
      ledger: 'main',
      seq: 100 + 2 * index,
      prevHash: '0'.repeat(64),
      intentId: 'int-recipe',
      type,
      idempotencyKey: `int-recipe:${index}`,
      timestamp: '2026-11-02T09:00:00.000Z',
      payload,
    },
    hash: 'f'.repeat(64),
  }));
}

/** A bundle folder: ledger-entries.jsonl and the artifacts (or the files given instead of them). */
function bundleOf(root: string, name: string, entries: StoredEntry[], instead: Record<string, string> = {}) {
  const dir = join(root, name);
  mkdirSync(dir);
  const lines = entries.map((s) => `{"entry":${canonicalJson(s.entry)},"hash":"${s.hash}","proof":{}}\n`);
  writeFileSync(join(dir, 'ledger-entries.jsonl'), lines.join(''));
  for (const file of evidenceFiles(entries)) writeFileSync(join(dir, file.name), file.body);
  for (const [file, text] of Object.entries(instead)) writeFileSync(join(dir, file), text);
  return dir;
}

/** Numbers and strings whose RFC 8785 forms differ from a naive encoder's. */
const awkward = {
  numbers: [0, -0, 0.1, 0.5, 100, -7, 1e-7, 0.000001, 1.5e20, 1e21, 123456789012345680000, 2 ** -1074, 1 / 3],
  text: 'quote " backslash \\ tab \t nl \n cr \r bs \b ff \f nul \u0000 us \u001f del \u007f ls \u2028 é 😀',
  '\uffff': 'sorted after the emoji by UTF-16 code units, before it by code points',
  '😀': 1,
  é: 2,
  Z: 3,
  a: 4,
};

const failed: Made[] = [
  [
    'intent.declared',
    {
      intent: { title: 'made', awkward },
      authority: { requester: 'dana', submittedBy: 'replaced', reviewers: 'replaced too' },
      submittedBy: { principal: 'dana', authenticatedAs: 'local:dana', matched: 'dana' },
      tags: {},
    },
  ],
  ['structure.validated', { contractVersion: '1.0.0', errors: [] }],
  ['admission.admitted', { verdict: 'admit', riskTier: 2 }],
  ['decision.signed', { decisionId: 'dec-1', digest: 'ab', keyId: 'k', envelope: { payload: 'e30=' } }],
  ['check.reported', { check: 'unit', status: 'passed', reportedBy: 'ci' }],
  ['verification.passed', { checks: [{ name: 'unit', source: 'reported' }] }],
  ['review.requested', { reviewers: ['erin'], reason: 'tier 2' }],
  [
    'check.reported',
    { check: 'lint', status: 'passed', reportedBy: 'ci', seq: 'a payload seq replaces the entry seq' },
  ],
  [
    'review.approved',
    { decision: 'approved', reviewer: 'erin', as: 'release-steward', extra: 'not in authority.json' },
  ],
  [
    'review.rejected',
    { decision: 'rejected', reviewer: 'finn', authenticatedAs: 'arn:x', matched: 'finn', decidedAt: 't' },
  ],
  ['release.started', { deploymentId: 'd-1', strategy: 's' }],
  [
    'release.deployment-started',
    { deploymentId: 'd-1', index: 0, at: 't', type: 'DEPLOYMENT_STARTED', description: 'x' },
  ],
  [
    'release.rollback-started',
    { deploymentId: 'd-1', index: 1, at: 't', type: 'ROLLBACK_STARTED', alarm: 'a', awkward },
  ],
  ['observation.recorded', { snapshot: { slos: [], awkward }, slosMet: true }],
  ['observation.recorded', { snapshot: 'only the first counts', slosMet: false }],
  ['stage.failed', { error: 'States.Timeout', cause: 'Observe timed out', release: null }],
  ['stage.failed', { error: 'Error', cause: '{"errorMessage":"x"}', release: { deploymentId: 'd-1' } }],
  ['release.monitors-restored', { deploymentId: 'd-1' }],
];

const cases: Record<string, Made[]> = {
  'a failed execution, every list non-empty': failed,
  'an incomplete intent: intent.json is what was received, no authority, no outcome': [
    ['intent.incomplete', { received: ['not', 'an', { intent: 1.25 }], issues: [] }],
    ['structure.rejected', { errors: [{ message: 'é' }] }],
  ],
  'a declared intent of null falls back to the received one; authority not an object; concluded before failed':
    [
      ['intent.declared', { intent: null, authority: ['a list adds nothing'], binding: { basis: 'self' } }],
      ['intent.incomplete', { received: { awkward } }],
      ['intent.concluded', { outcome: 'released', valuePerHourUsd: 10.833333333333334, tags: {} }],
      ['stage.failed', { error: 'Error', cause: 'later', release: null }],
      ['intent.concluded', { outcome: 'only the first counts' }],
    ],
  'no entries at all': [],
};

if (installed('python3')) {
  describe("docs/EVIDENCE.md's Python script recomputes the artifacts as evidenceFiles does", () => {
    let root: string;
    beforeAll(() => {
      root = mkdtempSync(join(tmpdir(), 'itv-artifacts-recipe-test-'));
    });
    afterAll(() => rmSync(root, { recursive: true, force: true }));

    test.each(Object.entries(cases))('%s', (name, made) => {
      // Prepare
      const entries = entriesOf(made);
      const dir = bundleOf(root, name.replace(/\W+/g, '-'), entries);
      // Act
      const run = runArtifactsRecipe(dir);
      // Assess
      expect([run.status, run.stderr]).toEqual([0, '']);
      const written = new Map(
        evidenceFiles(entries).map((f) => [f.name, Buffer.from(f.body).toString('utf8')]),
      );
      expect([...written.keys()].sort()).toEqual([...RECOMPUTED_ARTIFACTS].sort());
      for (const file of RECOMPUTED_ARTIFACTS) {
        expect([file, run.recomputed.get(file)?.toString('utf8')]).toEqual([file, written.get(file)]);
      }
    });

    test('test-results.json as sealed before it listed check reports passes; any other bytes fail', () => {
      // Prepare
      const entries = entriesOf(failed);
      const earlier = Buffer.from(testResultsBeforeCheckReports(entries).body).toString('utf8');
      const sealedEarlier = bundleOf(root, 'earlier', entries, { 'test-results.json': earlier });
      const edited = bundleOf(root, 'edited', entries, {
        'outcome.json': Buffer.from(evidenceFiles(entries).at(-1)!.body).toString('utf8').replace('0', '1'),
        'decision.json': '[]\n',
      });
      // Act
      const passes = runArtifactsRecipe(sealedEarlier);
      const fails = runArtifactsRecipe(edited);
      // Assess
      expect(earlier).not.toContain('check.reported');
      expect(passes.status).toBe(0);
      expect(passes.stdout).toContain('test-results.json: recomputed byte for byte');
      expect(fails.status).toBe(1);
      expect(fails.stdout.match(/^\S+: DIFFERS from what the ledger entries give$/gm)).toEqual([
        'decision.json: DIFFERS from what the ledger entries give',
        'outcome.json: DIFFERS from what the ledger entries give',
      ]);
    });
  });
} else {
  console.info(
    'test/unit/evidence/artifacts-recipe.test.ts: python3 is not installed, the cases are not registered',
  );
}
