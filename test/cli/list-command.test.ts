import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, runItv } from '../support/run-itv.js';
import { appendsBudgetMs, intentsBudgetMs, setupMs } from '../support/time-budget.js';

/** `itv list` as a user runs it: a client of the home's control plane over `GET /intents`. */
describe('itv list', () => {
  let home: string;
  const commandMs = appendsBudgetMs(40);

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'itv-list-command-'));
    for (const [file, who] of [
      ['01-low-risk-flag.json', 'alice'],
      ['04-high-risk-review.json', 'victor'],
    ] as const) {
      const submitted = await runItv(home, ['submit', join(root, 'examples', file), '--as', who, '--json']);
      expect(submitted.code).toBe(0);
    }
  }, intentsBudgetMs(2));
  afterAll(async () => {
    expect((await runItv(home, ['control-plane', 'stop'])).code).toBe(0);
    rmSync(home, { recursive: true, force: true });
  }, setupMs);

  test(
    'a table newest first; --status in-flight keeps the one waiting for review; --json pages with --cursor',
    async () => {
      const table = await runItv(home, ['list']);
      const inFlight = await runItv(home, ['list', '--status', 'in-flight', '--json']);
      const first = await runItv(home, ['list', '--limit', '1', '--json']);
      const cursor = (JSON.parse(first.stdout) as { nextCursor: string }).nextCursor;
      const second = await runItv(home, ['list', '--limit', '1', '--cursor', cursor, '--json']);
      const all = await runItv(home, ['list', '--limit', '1', '--all', '--json']);
      const tagged = await runItv(home, ['list', '--tag', 'region=NA', '--json']);

      expect(table.code).toBe(0);
      const rows = table.stdout.trim().split('\n');
      expect(rows[0]).toMatch(/intent\s+service\s+team\s+status/);
      expect(table.stdout.indexOf('awaiting-review')).toBeLessThan(table.stdout.indexOf('released'));
      expect(JSON.parse(inFlight.stdout).items.map((i: { status: string }) => i.status)).toEqual([
        'awaiting-review',
      ]);
      const ids = (run: { stdout: string }) =>
        (JSON.parse(run.stdout) as { items: Array<{ intentId: string }> }).items.map((i) => i.intentId);
      expect(ids(all)).toEqual([...ids(first), ...ids(second)]);
      expect(ids(all)).toHaveLength(2);
      expect(JSON.parse(second.stdout).nextCursor).toBeUndefined();
      expect(JSON.parse(tagged.stdout).items.map((i: { service: string }) => i.service)).toEqual([
        'launch-flags',
      ]);
    },
    commandMs,
  );

  test(
    'the next-page hint carries the filters and the limit: run as printed, it lists the next page of the same filter',
    async () => {
      const first = await runItv(home, ['list', '--status', 'released,awaiting-review', '--limit', '1']);
      expect(first.code).toBe(0);
      const hint = /more: itv (list .*) \(or --all\)/.exec(first.stdout)?.[1];
      expect(hint).toMatch(/^list --status released,awaiting-review --limit 1 --cursor \S+$/);
      const next = await runItv(home, hint!.split(' '));
      expect(next.code).toBe(0);
      expect(next.stdout).toMatch(/released/);
      expect(next.stdout).not.toMatch(/awaiting-review/);
      expect(next.stdout).not.toMatch(/more:/);
    },
    commandMs,
  );

  test(
    'a bad filter exits 1 naming it',
    async () => {
      const bad = await runItv(home, ['list', '--since', 'yesterday']);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/^ {2}--since: must be an ISO-8601/m);
      const unknown = await runItv(home, ['list', '--status', 'bogus']);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toMatch(/^ {2}--status: .*in-flight.*released.*not "bogus"/m);
      const notInCatalog = await runItv(home, ['list', '--service', 'no-such-service']);
      expect(notInCatalog.code).toBe(1);
      expect(notInCatalog.stderr).toMatch(
        /^ {2}--service: "no-such-service" is not in the service catalog; known services: .*launch-flags/m,
      );
      expect(notInCatalog.stdout).not.toMatch(/no intents match/);
    },
    commandMs,
  );
});
