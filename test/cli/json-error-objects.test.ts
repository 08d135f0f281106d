import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runItv } from '../support/run-itv.js';
import { intentsBudgetMs, setupMs } from '../support/time-budget.js';

/** Under `--json` every refusal is one RFC 9457 problem object on stderr, stdout empty: these were plain text. */
describe('refusals under --json', () => {
  let home: string;
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'itv-json-errors-'));
  });
  afterAll(async () => {
    await runItv(home, ['control-plane', 'stop']);
    rmSync(home, { recursive: true, force: true });
  }, setupMs);

  test.each([
    [['review', 'int-nope', '--json'], 'NotFound', /^no intent int-nope on /],
    [['token', 'nobody', '--json'], 'InvalidInputError', /principals of the catalog/],
  ])(
    'itv %j: exit 1, one problem object naming what went wrong',
    async (args, error, detail) => {
      const answer = await runItv(home, args);
      expect(answer.code).toBe(1);
      expect(answer.stdout).toBe('');
      const problem = JSON.parse(answer.stderr) as { error: string; detail: string; issues?: unknown[] };
      expect(problem).toMatchObject({ error, detail: expect.stringMatching(detail) });
    },
    intentsBudgetMs(1),
  );

  test('an unknown intent under --json is the problem the API answered: its status 404 and the field it names', async () => {
    const answer = await runItv(home, ['status', 'int-nope', '--json']);
    expect(answer.code).toBe(1);
    expect(JSON.parse(answer.stderr)).toMatchObject({
      status: 404,
      error: 'NotFound',
      issues: [{ path: 'path.id', message: expect.stringMatching(/^no intent int-nope on /) }],
    });
  });

  test('the unknown principal of itv token is named by the argument', async () => {
    const answer = await runItv(home, ['token', 'nobody', '--json']);
    expect(JSON.parse(answer.stderr).issues).toEqual([
      { path: 'principal', message: expect.stringMatching(/^"nobody" is not a principal in the catalog/) },
    ]);
  });
});
