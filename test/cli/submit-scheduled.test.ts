import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dueAtText, writeScheduledIntent } from '../support/due-instant.js';
import { runItv } from '../support/run-itv.js';
import { intentsBudgetMs, setupMs } from '../support/time-budget.js';

/**
 * `itv submit` of a change asked for hours ahead (`constraints.notBefore`): it is scheduled, and the command
 * returns as it does for a change waiting for its reviewer — it says when, and how to watch or stop it — rather
 * than following it until its due instant. On the wall clock (`ITV_CLOCK=wall`), as a deployed stack runs it.
 */
describe('itv submit of a change scheduled for later', () => {
  let home: string;
  const env = { ITV_CLOCK: 'wall' };
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'itv-submit-scheduled-'));
  });
  afterAll(async () => {
    expect((await runItv(home, ['control-plane', 'stop'], { env })).code).toBe(0);
    rmSync(home, { recursive: true, force: true });
  }, setupMs);

  test(
    'returns at once with exit 0, saying when it is due and how to watch or stop it',
    async () => {
      // Prepare: alice's flag change, dated now, asked for three hours ahead.
      const { file, due } = writeScheduledIntent(home, 'scheduled.json');
      const dueAt = dueAtText(due);
      // A command that follows the change to its due instant is ended here rather than hours from now.
      const limit = AbortSignal.timeout(60_000);

      // Act
      const submitted = await runItv(home, ['submit', file, '--as', 'alice'], { env, signal: limit });
      const asJson = await runItv(home, ['submit', file, '--as', 'alice', '--json'], { env, signal: limit });

      // Assess
      expect([submitted.code, submitted.stderr]).toEqual([0, '']);
      const intentId = submitted.stdout.match(/declared (int-[0-9a-f]+) /)?.[1];
      expect(intentId).toBeDefined();
      expect(submitted.stdout).toMatch(/status +admission\.scheduled\n/);
      expect(submitted.stdout).toContain(`${intentId} is scheduled for ${dueAt}`);
      expect(submitted.stdout).toContain(`itv watch ${intentId}`);
      expect(submitted.stdout).toContain(`itv stop ${intentId} --reason`);
      expect(submitted.stdout).not.toContain('admission.admitted');
      // The same submission again reports the same scheduled execution, as JSON alone on stdout.
      expect(asJson.code).toBe(0);
      expect(JSON.parse(asJson.stdout)).toMatchObject({
        intentId,
        status: 'admission.scheduled',
        outcome: null,
      });

      // The change is withdrawn; a retry of it is scheduled again, and says so as the submission did.
      const stopped = await runItv(home, ['stop', intentId!, '--reason', 'moved', '--as', 'alice'], { env });
      const retried = await runItv(home, ['retry', intentId!, '--as', 'alice'], { env, signal: limit });
      expect(stopped.code).toBe(2);
      expect([retried.code, retried.stderr]).toEqual([0, '']);
      expect(retried.stdout).toContain(`${intentId}:attempt-2 is scheduled for ${dueAt}`);
      expect(retried.stdout).toContain(`itv stop ${intentId}:attempt-2 --reason`);

      // Cleanup: nothing left for the control plane to wait for.
      const attempt = `${intentId}:attempt-2`;
      expect(
        (await runItv(home, ['stop', attempt, '--reason', 'test over', '--as', 'alice'], { env })).code,
      ).toBe(2);
    },
    intentsBudgetMs(3),
  );
});
