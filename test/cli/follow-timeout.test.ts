import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, runItv } from '../support/run-itv.js';
import { intentsBudgetMs, setupMs } from '../support/time-budget.js';

/**
 * `--timeout` on the commands that wait for an outcome (`itv watch`, `itv submit --wait`, `itv review`): when it
 * is reached the command prints where the intent stands and exits 4, leaving the intent as it is. The intents
 * here wait for a person, or release on the wall clock over minutes, so none concludes within a one-second limit.
 */
describe('itv watch, submit --wait and review with --timeout', () => {
  let home: string;
  /** The change the first test leaves waiting for its reviewer, which the second approves. */
  let parked: string | undefined;
  // On the wall clock, a release bakes in real time: minutes, far past the one-second limits below.
  const env = { ITV_CLOCK: 'wall' };
  // A command that ignored --timeout would follow its intent for minutes or forever: it is ended here.
  const limit = () => AbortSignal.timeout(setupMs);
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'itv-follow-timeout-'));
  });
  afterAll(async () => {
    expect((await runItv(home, ['control-plane', 'stop'], { env })).code).toBe(0);
    rmSync(home, { recursive: true, force: true });
  }, setupMs);

  const file = join(root, 'examples', '04-high-risk-review.json');
  const statusOf = async (id: string) =>
    JSON.parse((await runItv(home, ['status', id, '--json'], { env })).stdout) as Record<string, unknown>;

  test(
    'watch and submit --wait of a change waiting for its reviewer: exit 4 with its status, the intent untouched',
    async () => {
      // Prepare: victor's HIPAA change parks for its reviewer of record.
      const submitted = await runItv(home, ['submit', file, '--as', 'victor', '--json'], { env });
      expect(submitted.code).toBe(0);
      const { intentId } = JSON.parse(submitted.stdout) as { intentId: string };
      parked = intentId;

      // Act
      const watchedJson = await runItv(home, ['watch', intentId, '--timeout', '1s', '--json'], {
        env,
        signal: limit(),
      });
      const watchedText = await runItv(home, ['watch', intentId, '--timeout', '1'], { env, signal: limit() });
      const waited = await runItv(
        home,
        ['submit', file, '--as', 'victor', '--wait', '--timeout', '1s', '--json'],
        {
          env,
          signal: limit(),
        },
      );
      const after = await statusOf(intentId);

      // Assess
      expect([watchedJson.code, watchedJson.stderr]).toEqual([4, '']);
      const status = JSON.parse(watchedJson.stdout) as Record<string, unknown>;
      expect(status).toMatchObject({ intentId, status: 'awaiting-review', outcome: null });
      expect(Object.keys(status).sort()).toEqual(Object.keys(after).sort());
      expect(watchedText.code).toBe(4);
      expect(watchedText.stdout).toMatch(
        new RegExp(
          `${intentId} is still awaiting-review after --timeout 1: left as it is; \`itv watch ${intentId}\` follows it on\\n$`,
        ),
      );
      expect(waited.code).toBe(4);
      // The same change submitted again: the status printed at the limit says so, as the settled answer would.
      expect(JSON.parse(waited.stdout)).toMatchObject({
        intentId,
        status: 'awaiting-review',
        duplicate: true,
      });
      expect(after).toMatchObject({ intentId, status: 'awaiting-review', outcome: null });
    },
    intentsBudgetMs(1),
  );

  test(
    'review --approve of a change releasing on the wall clock: exit 4 once the limit is reached, still releasing',
    async () => {
      // Prepare: the change the test before left waiting for its reviewer.
      expect(parked).toBeDefined();

      // Act
      const reviewed = await runItv(
        home,
        ['review', parked!, '--approve', '--as', 'xavier', '--timeout', '2s', '--json'],
        { env, signal: limit() },
      );

      // Assess: the review is recorded; the release goes on without the command.
      expect(reviewed.code).toBe(4);
      const status = JSON.parse(reviewed.stdout) as { status: string; outcome: unknown };
      expect(status.outcome).toBeNull();
      expect(status.status).not.toBe('awaiting-review');
    },
    intentsBudgetMs(1),
  );

  test.each([
    ['0', 'watch'],
    ['10x', 'watch'],
    ['-5', 'submit'],
    ['1.5h', 'review'],
  ])(
    '--timeout %s is refused naming the option (itv %s)',
    async (value, command) => {
      const args =
        command === 'watch'
          ? ['watch', 'some-intent', `--timeout=${value}`]
          : command === 'submit'
            ? ['submit', file, '--as', 'victor', '--wait', `--timeout=${value}`]
            : ['review', 'some-intent', '--approve', '--as', 'xavier', `--timeout=${value}`];
      const run = await runItv(home, args, { env, signal: limit() });
      expect([run.code, run.stdout]).toEqual([1, '']);
      expect(run.stderr).toMatch(/--timeout: must be a whole number of seconds/);
    },
    setupMs,
  );
});
