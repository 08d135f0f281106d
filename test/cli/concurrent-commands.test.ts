import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, runItv } from '../support/run-itv.js';
import { intentsBudgetMs, setupMs } from '../support/time-budget.js';

const example = JSON.parse(readFileSync(join(root, 'examples', '01-low-risk-flag.json'), 'utf8')) as {
  title: string;
};

describe('many itv commands at once on one ITV_HOME', () => {
  let home: string;

  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'itv-concurrent-'));
  });

  afterEach(async () => {
    // The control plane the commands started is stopped, and gives the home up.
    const stopped = await runItv(home, ['control-plane', 'stop']);
    expect(stopped.code).toBe(0);
    expect(existsSync(join(home, 'owner.lock'))).toBe(false);
    rmSync(home, { recursive: true, force: true });
  }, setupMs);

  test(
    'ten submissions of one intent: all exit 0 with its status, and it runs once',
    async () => {
      const file = join(root, 'examples', '01-low-risk-flag.json');
      const runs = await Promise.all(
        Array.from({ length: 10 }, () => runItv(home, ['submit', file, '--as', 'alice', '--json'])),
      );
      for (const run of runs) {
        expect([run.code, run.stderr]).toEqual([0, '']);
        expect(JSON.parse(run.stdout)).toMatchObject({ status: 'released' });
      }
      const ids = new Set(runs.map((run) => (JSON.parse(run.stdout) as { intentId: string }).intentId));
      expect(ids.size).toBe(1);
      const verify = await runItv(home, ['ledger', 'verify', '--json']);
      expect(verify.code).toBe(0);
      // One execution: its 16 entries, each step once.
      const steps = (JSON.parse(runs[0]?.stdout ?? '{}') as { steps: Array<{ type: string }> }).steps;
      expect(steps.filter((s) => s.type === 'intent.declared')).toHaveLength(1);
      expect(steps.filter((s) => s.type === 'checkpoint.signed')).toHaveLength(1);
      expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, size: steps.length });
    },
    intentsBudgetMs(10),
  );

  test(
    'eight different intents at once: each exits with its own released status, one execution each',
    async () => {
      const files = Array.from({ length: 8 }, (_, i) => {
        const file = join(home, `intent-${i}.json`);
        writeFileSync(file, JSON.stringify({ ...example, title: `${example.title} #${i}` }));
        return file;
      });
      const runs = await Promise.all(
        files.map((file) => runItv(home, ['submit', file, '--as', 'alice', '--json'])),
      );
      const statuses = runs.map((run) => {
        expect([run.code, run.stderr]).toEqual([0, '']);
        return JSON.parse(run.stdout) as { intentId: string; status: string; steps: Array<{ type: string }> };
      });
      expect(new Set(statuses.map((s) => s.intentId)).size).toBe(8);
      for (const status of statuses) {
        expect(status.status).toBe('released');
        expect(status.steps.filter((s) => s.type === 'intent.declared')).toHaveLength(1);
        expect(status.steps.filter((s) => s.type === 'intent.concluded')).toHaveLength(1);
      }
      const verify = await runItv(home, ['ledger', 'verify', '--json']);
      expect([verify.code, (JSON.parse(verify.stdout) as { ok: boolean }).ok]).toEqual([0, true]);
    },
    intentsBudgetMs(8),
  );

  test(
    'one terminal submits, another reviews: both see the same control plane and the review releases it',
    async () => {
      const file = join(root, 'examples', '04-high-risk-review.json');
      const submitted = await runItv(home, ['submit', file, '--as', 'victor', '--json']);
      expect(submitted.code).toBe(0);
      const { intentId, status } = JSON.parse(submitted.stdout) as { intentId: string; status: string };
      expect(status).toBe('awaiting-review');
      const [waiting, reviewed] = await Promise.all([
        runItv(home, ['submit', file, '--as', 'victor', '--wait', '--json']),
        runItv(home, ['review', intentId, '--approve', '--as', 'xavier', '--json']),
      ]);
      expect([reviewed.code, reviewed.stderr]).toEqual([0, '']);
      expect(JSON.parse(reviewed.stdout)).toMatchObject({ intentId, status: 'released' });
      expect(JSON.parse(waiting.stdout)).toMatchObject({ intentId, status: 'released' });
      const again = await runItv(home, ['review', intentId, '--approve', '--as', 'xavier']);
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/itv: \w+: /);
    },
    intentsBudgetMs(2),
  );
});

describe('bad input through the CLI', () => {
  test(
    'an incomplete intent is refused with each field named, exit 1, and nothing is recorded',
    async () => {
      const home = mkdtempSync(join(tmpdir(), 'itv-bad-input-'));
      try {
        const file = join(home, 'empty.json');
        writeFileSync(file, '{}');
        const run = await runItv(home, ['submit', file, '--as', 'alice']);
        expect(run.code).toBe(1);
        expect(run.stderr).toContain('itv: InvalidInputError: the intent is incomplete');
        expect(run.stderr).toContain('  title: is required');
        const verify = await runItv(home, ['ledger', 'verify', '--json']);
        // An empty ledger has no checkpoint to vouch for it: unanchored (exit 3), so not ok, yet nothing was written.
        expect(JSON.parse(verify.stdout)).toMatchObject({ verdict: 'unanchored', ok: false, size: 0 });
      } finally {
        await runItv(home, ['control-plane', 'stop']);
        rmSync(home, { recursive: true, force: true });
      }
    },
    intentsBudgetMs(1),
  );
});
