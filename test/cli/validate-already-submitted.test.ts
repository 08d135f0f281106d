import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AttemptStatus, alreadySubmittedLine, latestAttempt } from '../../cli/commands/validate.js';
import { attemptRunId } from '../../lambdas/core/pipeline/attempts.js';
import type { LedgerEntry } from '../../lambdas/ports/ledger-store.js';
import { entryOf } from '../support/console-fake-api.js';
import { root, runItv } from '../support/run-itv.js';
import { intentsBudgetMs, setupMs } from '../support/time-budget.js';

/**
 * `itv validate` judges a change as if it were new; one the ledger already holds is answered by `itv submit`, not
 * started again, and validate says so rather than read as a promise that submit will release it.
 */
describe('itv validate of an intent already submitted', () => {
  let home: string;
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'itv-validate-known-'));
  });
  afterAll(async () => {
    await runItv(home, ['control-plane', 'stop']);
    rmSync(home, { recursive: true, force: true });
  }, setupMs);

  test(
    'says nothing of it before the submission, and after it names the intent, its status and what submit does',
    async () => {
      // Prepare
      const file = join(root, 'examples', '01-low-risk-flag.json');

      // Act
      const before = await runItv(home, ['validate', file, '--as', 'alice']);
      const submitted = await runItv(home, ['submit', file, '--as', 'alice', '--json']);
      const after = await runItv(home, ['validate', file, '--as', 'alice']);

      // Assess
      expect(before.code).toBe(0);
      expect(before.stdout).not.toContain('already');
      expect(submitted.code).toBe(0);
      const { intentId } = JSON.parse(submitted.stdout) as { intentId: string };
      expect(after.code).toBe(0);
      expect(after.stdout).toContain(
        `already      submitted: ${intentId} is on the ledger (released); itv submit answers it as a duplicate and starts nothing: it released`,
      );
    },
    intentsBudgetMs(1),
  );
});

describe('what validate says itv submit would do with an intent on the ledger', () => {
  /** An attempt's entries: declared, then `type` with `payload` when given. */
  const entries = (intentId: string, last?: [string, Record<string, unknown>]): LedgerEntry[] => [
    entryOf(intentId, 0, 'intent.declared'),
    ...(last ? [entryOf(intentId, 1, ...last)] : []),
  ];
  const concluded = (intentId: string, outcome: string): AttemptStatus => ({
    intentId,
    status: outcome,
    outcome,
    entries: entries(intentId, ['intent.concluded', { outcome }]),
  });
  const attempts = (...outcomes: string[]) => {
    const byId = new Map(
      outcomes.map((outcome, index) => {
        const intentId = attemptRunId('int-1', index + 1);
        return [intentId, concluded(intentId, outcome)];
      }),
    );
    return (id: string) => Promise.resolve(byId.get(id));
  };

  test('reads the latest attempt, and says the next one submit starts after one that did not release', async () => {
    const latest = await latestAttempt('int-1', attempts('failed', 'schema-update-required'));
    expect(latest?.intentId).toBe('int-1:attempt-2');
    expect(alreadySubmittedLine(latest!)).toBe(
      'already      submitted: int-1:attempt-2 is on the ledger (schema-update-required); itv submit starts its next attempt, int-1:attempt-3, since it ended without releasing',
    );
    expect(await latestAttempt('int-1', attempts())).toBeUndefined();
  });

  test('one released, rejected by its reviewer or still running is answered as a duplicate, as submit answers it', () => {
    expect(alreadySubmittedLine(concluded('int-1', 'released'))).toMatch(/starts nothing: it released$/);
    expect(alreadySubmittedLine(concluded('int-1', 'rejected'))).toMatch(
      /starts nothing: it ended rejected, which does not run again as it is$/,
    );
    expect(
      alreadySubmittedLine({
        intentId: 'int-1',
        status: 'releasing',
        outcome: null,
        entries: entries('int-1'),
      }),
    ).toBe(
      'already      submitted: int-1 is on the ledger (releasing); itv submit answers it as a duplicate and starts nothing: it has not ended',
    );
  });

  test('a failed execution, concluded or not, and a stop are run again; after a stop it says who may', () => {
    expect(
      alreadySubmittedLine({
        intentId: 'int-1',
        status: 'failed',
        outcome: null,
        entries: entries('int-1', ['stage.failed', {}]),
      }),
    ).toMatch(/starts its next attempt, int-1:attempt-2, since it ended without releasing$/);
    expect(alreadySubmittedLine(concluded('int-1', 'stopped'))).toMatch(
      /starts its next attempt, int-1:attempt-2, since it ended without releasing \(after a stop by somebody other than its requester, only an owner or a release steward may\)$/,
    );
  });
});
