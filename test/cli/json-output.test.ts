import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, runItv } from '../support/run-itv.js';
import { intentsBudgetMs, setupMs } from '../support/time-budget.js';

/** What a CI script reads from `--json`: a resubmission said as one, errors as one problem object, an unknown id at once. */
describe('itv with --json, as a CI script reads it', () => {
  let home: string;
  const example = () =>
    JSON.parse(readFileSync(join(root, 'examples', '01-low-risk-flag.json'), 'utf8')) as Record<
      string,
      Record<string, unknown>
    >;
  const write = (name: string, intent: unknown) => {
    const file = join(home, name);
    writeFileSync(file, JSON.stringify(intent));
    return file;
  };
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'itv-json-'));
  });
  afterAll(async () => {
    expect((await runItv(home, ['control-plane', 'stop'])).code).toBe(0);
    rmSync(home, { recursive: true, force: true });
  }, setupMs);

  test(
    'itv submit --json says whether the intent was a duplicate of one already submitted',
    async () => {
      const file = join(root, 'examples', '01-low-risk-flag.json');
      const first = await runItv(home, ['submit', file, '--as', 'alice', '--json']);
      const again = await runItv(home, ['submit', file, '--as', 'alice', '--json']);
      expect([first.code, JSON.parse(first.stdout)]).toEqual([
        0,
        expect.objectContaining({ duplicate: false }),
      ]);
      expect([again.code, JSON.parse(again.stdout)]).toEqual([
        0,
        expect.objectContaining({ duplicate: true }),
      ]);
    },
    intentsBudgetMs(2),
  );

  test(
    'an error under --json is one problem object on stderr, naming the field and the reason; the exit code is kept',
    async () => {
      const intent = example();
      intent.constraints!.notbefore = '2026-12-24T10:00:00Z';
      const file = write('typo.json', intent);
      for (const command of ['validate', 'submit']) {
        const run = await runItv(home, [command, file, '--as', 'ci-growth', '--json']);
        expect([command, run.code, run.stdout]).toEqual([command, 1, '']);
        expect(JSON.parse(run.stderr)).toMatchObject({
          type: 'urn:itv:problem:invalid-input-error',
          title: 'Bad Request',
          status: 400,
          detail: 'the intent is incomplete or malformed',
          issues: [{ path: 'constraints.notbefore', message: expect.stringMatching(/is not a field/) }],
        });
      }
      // An error of the command line itself, before any request: the same shape.
      const missing = await runItv(home, [
        'submit',
        join(home, 'no-such-file.json'),
        '--as',
        'alice',
        '--json',
      ]);
      expect(missing.code).toBe(1);
      const unknownOption = await runItv(home, ['submit', file, '--as', 'alice', '--json', '--bogus']);
      expect([unknownOption.code, JSON.parse(unknownOption.stderr)]).toEqual([
        1,
        expect.objectContaining({
          type: 'urn:itv:problem:usage-error',
          detail: expect.stringMatching(/--bogus/),
        }),
      ]);
      const status = await runItv(home, ['status', 'no-such-intent', '--json']);
      expect([status.code, JSON.parse(status.stderr)]).toEqual([
        1,
        expect.objectContaining({
          type: 'urn:itv:problem:not-found',
          detail: expect.stringMatching(/no-such-intent/),
        }),
      ]);
      expect(JSON.parse(missing.stderr)).toMatchObject({
        type: expect.stringMatching(/^urn:itv:problem:/),
        detail: expect.any(String),
      });
    },
    intentsBudgetMs(2),
  );

  test(
    'itv watch of an id no intent has fails at once naming it',
    async () => {
      const started = Date.now();
      const run = await runItv(home, ['watch', 'no-such-intent']);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/no intent no-such-intent/);
      expect(Date.now() - started).toBeLessThan(15_000);
    },
    intentsBudgetMs(1),
  );
});
