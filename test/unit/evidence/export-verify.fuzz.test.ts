import fc from 'fast-check';
import {
  type ExportFiles,
  type FuzzVerdict,
  type HonestExport,
  honestExport,
  judge,
  mutate,
  mutations,
} from '../../support/export-fuzz.js';

/*
 * Fuzzing export verification: generated sequences of edits to an honest export and its checkpoints file
 * (lines deleted, inserted, swapped, duplicated, reversed; fields edited with or without every hash after them
 * recomputed; truncation; forged entries appended with a correct prevHash; checkpoint entries dropped and the
 * chain recomputed; byte flips and cuts). Each must exit 1 or 3 and never throw; exit 0 only when the
 * entries left are the honest ones and every signed checkpoint is still given, or an honest prefix whose
 * covering checkpoints were all removed with the entries (a rollback: `--witness` must show it). A fixed seed
 * and a bounded count keep this a few seconds; `npm run bench -- fuzz` runs 20,000.
 */

let honest: HonestExport;
beforeAll(async () => {
  honest = await honestExport();
});

const show = (files: ExportFiles) => ({
  export: files.export.toString('utf8'),
  checkpoints: files.checkpoints?.toString('utf8'),
});

test('the honest export verifies intact, and judging it says so', () => {
  expect(judge(honest, { export: honest.export, checkpoints: honest.checkpoints })).toEqual({
    kind: 'no-op',
    exit: 0,
  });
});

test('no generated mutation of an export is accepted or crashes the verifier', () => {
  const seen = new Map<FuzzVerdict['kind'], number>();
  fc.assert(
    fc.property(mutations, (edits) => {
      const mutated = mutate(honest, edits);
      const verdict = judge(honest, mutated);
      seen.set(verdict.kind, (seen.get(verdict.kind) ?? 0) + 1);
      if (!['no-op', 'rejected', 'unanchored', 'honest', 'rollback'].includes(verdict.kind))
        throw new Error(`${JSON.stringify(verdict)}\n${JSON.stringify(show(mutated)).slice(0, 4000)}`);
    }),
    { seed: 20261203, numRuns: 400 },
  );
  // The generator reaches both verdicts an attacker can be given, not only parse errors.
  expect(seen.get('rejected')).toBeGreaterThan(200);
  expect(seen.get('unanchored')).toBeGreaterThan(10);
});
