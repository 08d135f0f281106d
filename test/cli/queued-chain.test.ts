import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, runItv } from '../support/run-itv.js';
import { intentsBudgetMs, setupMs } from '../support/time-budget.js';

const example = (name: string) => join(root, 'examples', name);
const idOf = (stdout: string) => (JSON.parse(stdout) as { intentId: string }).intentId;

/**
 * A chain of queues: a change's fail-fast gate waits for CI's check result, holding its lane; a second is queued
 * behind it, and a third is queued behind the second. Nothing moves until the check is reported, so `itv submit`
 * of the third stops where `itv submit` of the second does, and it and `itv status` name the check at the end of
 * the chain and who reports it. (A change waiting for its reviewer holds no lane, so it heads no chain.)
 */
describe('an intent queued behind one itself queued behind one waiting for CI', () => {
  let home: string;
  let holder: string;
  let middle: string;
  let last: Awaited<ReturnType<typeof runItv>>;

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'itv-queued-chain-'));
    // victor's HIPAA change without its attached check result: its gate waits for CI to report it.
    const { testResults: _attached, ...withoutResults } = JSON.parse(
      readFileSync(example('04-high-risk-review.json'), 'utf8'),
    );
    const held = join(home, 'held.json');
    writeFileSync(held, JSON.stringify(withoutResults));
    const first = await runItv(home, ['submit', held, '--as', 'victor', '--json']);
    expect(first.code).toBe(0);
    holder = idOf(first.stdout);
    const second = await runItv(home, [
      'submit',
      example('10-schema-update-flag.json'),
      '--as',
      'alice',
      '--json',
    ]);
    expect(second.code).toBe(0);
    middle = idOf(second.stdout);
    // Should it follow on until the chain clears (CI's report away), it is stopped, and the test says so.
    const following = AbortSignal.timeout(intentsBudgetMs(1));
    last = await runItv(home, ['submit', example('12-finance-close.json'), '--as', 'quinn'], {
      signal: following,
    });
  }, intentsBudgetMs(4));
  afterAll(async () => {
    expect((await runItv(home, ['control-plane', 'stop'])).code).toBe(0);
    rmSync(home, { recursive: true, force: true });
  }, setupMs);

  const checkCommand = () =>
    `  itv check report ${holder} hipaa-audit-controls --status passed|failed --as victor`;

  test('itv submit stops with exit 0 and names each intent on the chain and the check that frees it', () => {
    expect(last.code).toBe(0);
    expect(last.stdout).toContain('status   admission.queued');
    expect(last.stdout).toContain(`behind ${middle} (admission.queued`);
    expect(last.stdout).toContain(`${middle} is queued for lane`);
    expect(last.stdout).toContain(`behind ${holder} (awaiting-checks`);
    expect(last.stdout).toContain(checkCommand());
  });

  test(
    'itv status of it names the chain down to the check, as itv submit did',
    async () => {
      const id = /^(\S+) is queued for lane/m.exec(last.stdout)?.[1] ?? '';
      const run = await runItv(home, ['status', id]);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`${id} is queued for lane`);
      expect(run.stdout).toContain(`${middle} is queued for lane`);
      expect(run.stdout).toMatch(
        new RegExp(
          `${holder} waits until \\S+Z for CI's result of hipaa-audit-controls; CI, its requester \\(victor\\) or an owner of patient-records reports it:\n`,
        ),
      );
      expect(run.stdout).toContain(checkCommand());
    },
    setupMs,
  );
});
