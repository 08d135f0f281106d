import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chainEntry } from '../../../lambdas/core/ledger/entry.js';
import { exportLines } from '../../../lambdas/core/ledger/export-lines.js';
import { installed } from '../../support/installed.js';

/**
 * docs/LEDGER.md tells a third party how to recompute an exported entry's leaf hash with sed and openssl. The
 * recipe is run here as the document prints it, on entries whose numbers RFC 8785 writes in its own way (an
 * observation's small delta, an exponent, a fraction): printing the entry again (jq) gave another hash for those.
 */
function leafRecipe(): string {
  const doc = readFileSync(new URL('../../../docs/LEDGER.md', import.meta.url), 'utf8');
  const section = doc.slice(doc.indexOf('Leaf hash of one exported entry'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (block === undefined) throw new Error('docs/LEDGER.md has no leaf-hash recipe');
  return block
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'))
    .join('\n');
}

if (installed('bash', 'sed', 'tr', 'openssl')) {
  describe("docs/LEDGER.md's leaf-hash recipe", () => {
    test('gives each exported entry its hash, whatever numbers it holds', () => {
      // Prepare: a two-entry export whose line 2 (seq 1) holds numbers RFC 8785 writes otherwise than jq.
      const dir = mkdtempSync(join(tmpdir(), 'itv-leaf-recipe-'));
      try {
        const first = chainEntry('main', {
          intentId: 'recipe-1',
          type: 'intent.declared',
          idempotencyKey: 'recipe-1/declared',
          timestamp: '2026-11-04T15:00:00.000Z',
          payload: { title: 'a "quoted" title, with \\ and ,"hash":"' },
        });
        const second = chainEntry(
          'main',
          {
            intentId: 'recipe-1',
            type: 'observation.recorded',
            idempotencyKey: 'recipe-1/observed',
            timestamp: '2026-11-04T15:01:00.000Z',
            payload: { delta: 9.920879954217199e-7, big: 1e21, ratio: 0.1 },
          },
          first,
        );
        writeFileSync(join(dir, 'ledger.jsonl'), exportLines([first, second]));

        // Act
        const printed = execFileSync('bash', ['-e', '-c', leafRecipe()], {
          cwd: dir,
          encoding: 'utf8',
        }).trim();

        // Assess
        expect(printed).toBe(second.hash);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
