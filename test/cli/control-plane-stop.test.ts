import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAlive } from '../../cli/control-plane/home-owner.js';
import { controlPlaneGet, controlPlanePid, root, runItv } from '../support/run-itv.js';
import { intentsBudgetMs, setupMs } from '../support/time-budget.js';

const until = async (what: string, done: () => Promise<boolean> | boolean, limitMs = 60_000) => {
  for (const start = Date.now(); Date.now() - start < limitMs; ) {
    if (await done()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what}: not within ${limitMs / 1000} s`);
};

/**
 * A control plane holding executions that wait in process — one whose gate waits for CI's check result, holding
 * its lane, and an intent queued for that lane behind it — stops when asked, or when idle, as a crash would end
 * them: the next start resumes them from the journal, and nothing is lost or written twice.
 */
describe('stopping a control plane with an intent queued behind one waiting for CI', () => {
  let home: string;
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'itv-stop-queued-'));
  });
  afterAll(async () => {
    expect((await runItv(home, ['control-plane', 'stop'])).code).toBe(0);
    rmSync(home, { recursive: true, force: true });
  }, setupMs);

  const statusOf = async (id: string, env?: NodeJS.ProcessEnv) =>
    JSON.parse((await runItv(home, ['status', id, '--json'], { env })).stdout || '{}') as {
      status?: string;
    };

  test(
    'stop ends the parks at once; an idle one stops too; the next start resumes them, the queued one admitted once the check ahead is reported',
    async () => {
      // Prepare: victor's HIPAA change, its check left to CI, waits for that result holding its lane; a second one
      // (its own review to come) queues behind it; the terminal that submitted the second is closed (Ctrl-C) while
      // it waits.
      const example = JSON.parse(readFileSync(join(root, 'examples', '04-high-risk-review.json'), 'utf8'));
      const { testResults: _attached, ...withoutResults } = example;
      const first = join(home, 'first.json');
      const second = join(home, 'second.json');
      writeFileSync(first, JSON.stringify({ ...withoutResults, id: 'stop-first' }));
      writeFileSync(second, JSON.stringify({ ...example, id: 'stop-second', title: 'Retention, second' }));
      expect((await runItv(home, ['submit', first, '--as', 'victor'])).code).toBe(0);
      const terminal = new AbortController();
      const following = runItv(home, ['submit', second, '--as', 'victor'], { signal: terminal.signal });
      await until(
        'the second intent queued',
        async () => (await statusOf('stop-second')).status === 'admission.queued',
      );
      terminal.abort();
      await following;
      const pid = controlPlanePid(home);
      // The health route shows who holds the virtual clock: both executions wait outside time, the queued one
      // for its lane and the other for CI's report (a park's deadline does not move the virtual clock).
      const health = await controlPlaneGet<{ running: number; clock?: unknown }>(home, '/local/health');

      // Act: stop as asked; then a command starts a control plane that stops by itself once idle.
      const stopped = await runItv(home, ['control-plane', 'stop']);
      const whileStopped = existsSync(join(home, 'control-plane.json'));
      // The home is free once the command says so; the process itself exits a moment later.
      await until('the stopped control plane exited', () => pid !== undefined && !isAlive(pid), 10_000);
      const restarted = await statusOf('stop-second', { ITV_IDLE_SECONDS: '1' });
      const secondPid = controlPlanePid(home);
      await until('the idle control plane stopped', () => secondPid !== undefined && !isAlive(secondPid));
      // The first's check is reported: it goes on to wait for its reviewer, giving its lane up to the second.
      const reported = await runItv(home, [
        'check',
        'report',
        'stop-first',
        'hipaa-audit-controls',
        '--status',
        'passed',
        '--as',
        'victor',
      ]);
      await until(
        'the second intent admitted',
        async () => (await statusOf('stop-second')).status === 'awaiting-review',
      );
      const exported = await runItv(home, ['ledger', 'export']);
      // The second intent waits for its review: its newest entries trail the newest checkpoint or not, as the
      // first intent's SignCheckpoint ran before or after them. What must hold is the chain and every checkpoint;
      // --accept-tail accepts the tail once a checkpoint has verified (with none, nothing vouches for any entry).
      const verified = await runItv(home, ['ledger', 'verify', '--accept-tail', '--json']);

      // Assess
      expect([stopped.code, stopped.stderr]).toEqual([0, '']);
      expect(stopped.stdout).toContain('stopped the control plane');
      // It says which intents it left in flight, for the next start.
      expect(stopped.stdout).toMatch(
        /; left in flight, resumed at its next start: stop-first, stop-second\n$/,
      );
      expect(whileStopped).toBe(false);
      expect([health.running, health.clock]).toEqual([2, { members: 2, sleeping: 0, outside: 2 }]);
      expect(restarted.status).toBe('admission.queued');
      expect(reported.code).toBe(0);
      expect((await statusOf('stop-first')).status).toBe('awaiting-review');
      const entries = exported.stdout
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { entry: { intentId: string; type: string } })
        .map(({ entry }) => entry);
      const ofSecond = entries.filter((entry) => entry.intentId === 'stop-second').map((entry) => entry.type);
      expect(ofSecond.filter((type) => type === 'admission.queued')).toHaveLength(1);
      expect(ofSecond.filter((type) => type === 'admission.admitted')).toHaveLength(1);
      expect(ofSecond.at(-1)).toBe('review.requested');
      const audit = JSON.parse(verified.stdout) as { verdict: string; checkpoints: number };
      expect(audit.verdict).not.toBe('tampered');
      expect(verified.code).toBe(audit.checkpoints > 0 ? 0 : 3);
      const log = readFileSync(join(home, 'control-plane.log'), 'utf8');
      // Each start says which clock it runs on: ITV_CLOCK is read then.
      expect(log).toMatch(
        /control plane for \S+ on http:\S+ \(pid \d+\), on the virtual clock \(ITV_CLOCK=wall for real time\)/,
      );
      expect(log).toMatch(
        /stopping as asked; 2 executions waiting in process end here, to resume at the next start/,
      );
      expect(log).toMatch(/idle for 1 s; stopping; 2 executions waiting in process/);
    },
    intentsBudgetMs(4),
  );
});
