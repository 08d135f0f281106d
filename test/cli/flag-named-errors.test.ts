import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runItv } from '../support/run-itv.js';
import { appendsBudgetMs, setupMs } from '../support/time-budget.js';

/**
 * A command that sends its flags to the API as fields (`--until` as `expiresAt`, `--service` as `services`)
 * names the flag the user typed when the API refuses one, never the field it became: each command that maps
 * flags to fields, refused on each of them.
 */
describe('API refusals of what a command sent name its flags', () => {
  let home: string;
  const commandMs = appendsBudgetMs(40);
  const tooLong = 'x'.repeat(2001);

  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'itv-flag-errors-'));
  });
  afterAll(async () => {
    expect((await runItv(home, ['control-plane', 'stop'])).code).toBe(0);
    rmSync(home, { recursive: true, force: true });
  }, setupMs);

  const cases: Array<[string, string[], RegExp[]]> = [
    [
      'delegate',
      [
        'delegate',
        '--to',
        'bob',
        '--service',
        'launch-flags',
        '--service',
        'no-such-service',
        '--role',
        'engineer',
        '--until',
        'tomorrow',
        '--reason',
        'on call',
        '--as',
        'alice',
      ],
      [/^ {2}--until: /m, /^ {2}--service: "no-such-service" is not in the service catalog/m],
    ],
    [
      'delegate revoke',
      ['delegate', 'revoke', 'bob~alice~2026-12-01T00:00:00.000Z', '--reason', tooLong, '--as', 'alice'],
      [/^ {2}--reason: must say why, in at most 500 characters/m],
    ],
    [
      'list',
      ['list', '--service', 'no-such-service', '--since', 'yesterday', '--tag', 'region'],
      [
        /^ {2}--service: "no-such-service" is not in the service catalog/m,
        /^ {2}--since: must be an ISO-8601/m,
        /^ {2}--tag: must be key=value pairs/m,
      ],
    ],
    [
      'list --limit',
      ['list', '--limit', 'abc'],
      [/^ {2}--limit: must be a whole number from 1 to 200, not "abc"$/m],
    ],
    [
      'value report',
      ['value', 'report', '--by', 'nonsense', '--curve-by', 'nothing', '--until', 'later'],
      [
        /^ {2}--by: unknown dimension "nonsense"/m,
        /^ {2}--curve-by: unknown dimension "nothing"/m,
        /^ {2}--until: /m,
      ],
    ],
    [
      'check report',
      [
        'check',
        'report',
        'some-intent',
        'unit-tests',
        '--status',
        'passed',
        '--url',
        'ftp://ci',
        '--as',
        'alice',
      ],
      [/^ {2}--url: /m],
    ],
    [
      'check report --detail',
      [
        'check',
        'report',
        'some-intent',
        'unit-tests',
        '--status',
        'passed',
        '--detail',
        tooLong,
        '--as',
        'alice',
      ],
      [/^ {2}--detail: must be at most 2000 characters, not 2001$/m],
    ],
    [
      'stop',
      ['stop', 'some-intent', '--reason', tooLong, '--as', 'alice'],
      [/^ {2}--reason: must be at most 500 characters, not 2001$/m],
    ],
    [
      'review',
      ['review', 'some-intent', '--approve', '--reason', tooLong, '--as', 'victor'],
      [/^ {2}--reason: must be at most 2000 characters, not 2001$/m],
    ],
    [
      'release decide',
      ['release', 'decide', 'some-intent', '--hold', '--reason', tooLong, '--as', 'alice'],
      [/^ {2}--reason: must be at most 2000 characters, not 2001$/m],
    ],
  ];

  test.each(cases)(
    '%s: exit 1, each refused flag named as typed',
    async (_, args, flags) => {
      // Act
      const run = await runItv(home, args);
      // Assess
      expect(run.code).toBe(1);
      for (const flag of flags) expect(run.stderr).toMatch(flag);
      expect(run.stderr).not.toContain('Too big');
      expect(run.stderr).not.toMatch(
        /^ {2}(expiresAt|services\[\d+\]|curveBy|by|since|until|service|tag|reason|url|detail):/m,
      );
    },
    commandMs,
  );
});
