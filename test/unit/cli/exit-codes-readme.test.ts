import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exitCodes } from '../../../cli/exit-codes.js';

/** The README's exit-code table, as `code → meaning`. */
function documentedCodes(): Map<number, string> {
  const readme = readFileSync(join(import.meta.dirname, '..', '..', '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Exit codes'), readme.indexOf('### The API'));
  const rows = [...section.matchAll(/^\| (\d+) +\| (.+?) +\|$/gm)];
  return new Map(rows.map((row) => [Number(row[1]), row[2]!]));
}

test('the README documents exactly the exit codes the CLI uses, each with what it means', () => {
  const documented = documentedCodes();

  expect([...documented.keys()].sort()).toEqual([...new Set(Object.values(exitCodes))].sort());
  expect(documented.get(exitCodes.ok)).toMatch(/released.*waiting for a reviewer of record/);
  expect(documented.get(exitCodes.error)).toMatch(/missing or malformed field/);
  expect(documented.get(exitCodes.notReleased)).toMatch(/rejected, rolled back.*failed/);
  expect(documented.get(exitCodes.notVerified)).toMatch(/evidence verify.*no key was pinned/);
  expect(documented.get(exitCodes.unanchored)).toMatch(/ledger verify/);
  expect(documented.get(exitCodes.timedOut)).toMatch(/--timeout/);
  expect(documented.get(exitCodes.controlPlaneNotStarted)).toMatch(/itv control-plane.*could not start/);
});
