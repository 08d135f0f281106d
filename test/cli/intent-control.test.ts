import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, runItv } from '../support/run-itv.js';
import { intentsBudgetMs, setupMs } from '../support/time-budget.js';

/** `itv stop`, `itv watch` and `itv retry` as a user runs them, against the home's control plane. */
describe('itv stop, watch and retry', () => {
  let home: string;
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'itv-intent-control-'));
  });
  afterAll(async () => {
    expect((await runItv(home, ['control-plane', 'stop'])).code).toBe(0);
    rmSync(home, { recursive: true, force: true });
  }, setupMs);

  test(
    'a change waiting for review is stopped while another terminal watches it; both exit 2; a retry runs it again',
    async () => {
      // Prepare: victor's HIPAA change parks for its reviewer of record.
      const file = join(root, 'examples', '04-high-risk-review.json');
      const submitted = await runItv(home, ['submit', file, '--as', 'victor', '--json']);
      expect(submitted.code).toBe(0);
      const { intentId } = JSON.parse(submitted.stdout) as { intentId: string };

      // Act: one terminal watches (piped), another stops it.
      const watching = runItv(home, ['watch', intentId]);
      const stopped = await runItv(home, ['stop', intentId, '--reason', 'the audit moved', '--as', 'victor']);
      const watched = await watching;
      const again = await runItv(home, ['stop', intentId, '--reason', 'once more', '--as', 'victor']);
      const noId = await runItv(home, ['stop']);
      const retried = await runItv(home, ['retry', intentId, '--as', 'victor', '--json']);

      // Assess
      expect([stopped.code, stopped.stderr]).toEqual([2, '']);
      expect(stopped.stdout).toContain(`stop requested for ${intentId}`);
      expect(stopped.stdout).toContain('intent.stopped');
      expect(stopped.stdout).toMatch(/status stopped\n/);
      expect(watched.code).toBe(2);
      // Piped: plain lines, no cursor movement; each step once, then the status it ended in.
      expect(watched.stdout).not.toContain('\u001b[');
      expect(watched.stdout.match(/intent\.stopped/g)).toHaveLength(1);
      // It ends once the conclusion is sealed: the checkpoint after it is the last step it shows.
      expect(watched.stdout).toContain('status stopped\n');
      expect(watched.stdout.match(/^ +\d+ +\S+ +(\S+)$/gm)?.at(-1)).toMatch(/checkpoint\.signed$/);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('is stopped: it is no longer in flight');
      expect(noId.code).toBe(1); // bad input, not an intent that ended without releasing
      expect(noId.stderr).toContain('itv control-plane stop');
      expect(retried.code).toBe(0);
      expect(JSON.parse(retried.stdout)).toMatchObject({
        intentId: `${intentId}:attempt-2`,
        status: 'awaiting-review',
      });
    },
    intentsBudgetMs(3),
  );

  test(
    'a retry rejected again says why, as the submission did: the failed rule and what would pass',
    async () => {
      // Prepare: rachel may not change incident-router; policy rejects her intent.
      const file = join(root, 'examples', '03-policy-reject.json');
      const submitted = await runItv(home, ['submit', file, '--as', 'rachel', '--json']);
      expect(submitted.code).toBe(2);
      const { intentId } = JSON.parse(submitted.stdout) as { intentId: string };

      // Act
      const retried = await runItv(home, ['retry', intentId, '--as', 'rachel']);

      // Assess: the AdmitPolicy line and the status's `why`, as `itv submit` prints them.
      expect(retried.code).toBe(2);
      expect(retried.stdout).toContain(`retrying ${intentId} as ${intentId}:attempt-2`);
      expect(retried.stdout).toMatch(
        /AdmitPolicy +rejected by policy: authority-owner-or-delegate: .*\(would pass: /,
      );
      expect(retried.stdout).toMatch(
        /\nwhy +authority-owner-or-delegate: rachel is not an owner of incident-router/,
      );
    },
    intentsBudgetMs(2),
  );
});
