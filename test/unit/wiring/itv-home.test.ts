import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { InvalidInputError } from '../../../lambdas/core/errors.js';
import { itvHome } from '../../../lambdas/wiring/local/itv-home.js';

/** What `itvHome` throws for `env`, as the field and message the CLI prints. */
function refusal(env: NodeJS.ProcessEnv) {
  try {
    itvHome(env);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return (error as InvalidInputError).issues;
  }
}

describe('the home for local state', () => {
  test('is ITV_HOME, else .itv under the working folder', () => {
    expect(itvHome({ ITV_HOME: '/tmp/some-home' })).toBe('/tmp/some-home');
    expect(itvHome({})).toBe(resolve('.itv'));
  });

  test.each(['', '   '])('an ITV_HOME set to %j is refused, never taken for the working folder', (value) => {
    expect(refusal({ ITV_HOME: value })).toEqual([
      {
        path: 'ITV_HOME',
        message:
          'is set but empty: point it at a folder for the home (a signing key, the ledger and evidence go there), or unset it to use .itv under the working folder',
      },
    ]);
  });

  test('a home that is a file is refused naming the variable', () => {
    const folder = mkdtempSync(join(tmpdir(), 'itv-home-test-'));
    try {
      const file = join(folder, 'file');
      writeFileSync(file, '');
      expect(refusal({ ITV_HOME: file })).toEqual([
        { path: 'ITV_HOME', message: `${file} is a file, not a folder` },
      ]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
