import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, runItv } from '../support/run-itv.js';
import { setupMs } from '../support/time-budget.js';

/**
 * `--as` names a principal in any characters a person types: the name reaches the control plane as typed (it
 * travels percent-encoded in its header), so one no catalog principal holds is refused naming `--as` and the
 * name, where a non-Latin-1 one crashed the CLI and a Latin-1 one came back garbled.
 */
describe('--as with characters outside ASCII', () => {
  let home: string;
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'itv-as-names-'));
  });
  afterAll(async () => {
    expect((await runItv(home, ['control-plane', 'stop'])).code).toBe(0);
    rmSync(home, { recursive: true, force: true });
  }, setupMs);

  const intentFile = join(root, 'examples', '01-low-risk-flag.json');

  test.each([
    ['ąlice', '"ąlice"'],
    ['älice', '"älice"'],
    ['alice\r\nx', '"alice\\r\\nx"'],
  ])(
    'validate, stop and delegate refuse --as %j as no principal, naming it as typed',
    async (name, shown) => {
      const runs = [
        await runItv(home, ['validate', intentFile, '--as', name]),
        await runItv(home, ['stop', 'no-such-intent', '--reason', 'why', '--as', name]),
        await runItv(home, [
          'delegate',
          '--to',
          'bob',
          '--service',
          'pricing-engine',
          '--role',
          'sre',
          '--until',
          '2099-01-01',
          '--reason',
          'cover',
          '--as',
          name,
        ]),
      ];
      for (const run of runs) {
        expect(run.code).toBe(1);
        expect(run.stderr).toContain(`--as: ${shown} is not a principal in the catalog`);
        expect(run.stderr).not.toMatch(/TypeError|ERR_INVALID_CHAR|Ã|\n\s+at /);
      }
    },
    setupMs * 2,
  );

  test(
    'an id typed in other case is refused, as ids are case-sensitive, suggesting the id; an e-mail in any case acts',
    async () => {
      const upper = await runItv(home, ['validate', intentFile, '--as', 'ALICE']);
      const email = await runItv(home, ['validate', intentFile, '--as', 'ALICE@EXAMPLE.COM']);
      expect(upper.code).toBe(1);
      expect(upper.stderr).toContain(
        '--as: "ALICE" is not a principal in the catalog; did you mean alice? (ids are case-sensitive)',
      );
      expect(email.code).toBe(0);
    },
    setupMs,
  );

  test(
    'a principal named in plain ASCII still acts',
    async () => {
      const run = await runItv(home, ['validate', intentFile, '--as', 'alice']);
      expect(run.code).toBe(0);
    },
    setupMs,
  );
});
