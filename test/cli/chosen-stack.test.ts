import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeContexts } from '../../cli/remote/contexts.js';
import { root, runItv } from '../support/run-itv.js';
import { setupMs } from '../support/time-budget.js';

/**
 * Every command that talks to a stack talks to the one chosen (`--context`, ITV_CONTEXT, `itv context use`):
 * none answers from the local home instead. Here the chosen stack is a deployed one nobody listens for, so a
 * command that honours the choice fails reaching it, and the local home is never opened.
 */
describe('the stack a command talks to', () => {
  let home: string;
  let config: string;
  let env: NodeJS.ProcessEnv;
  const example = join(root, 'examples', '01-low-risk-flag.json');
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'itv-chosen-stack-'));
    config = mkdtempSync(join(tmpdir(), 'itv-chosen-config-'));
    env = {
      ITV_CONFIG_DIR: config,
      AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEEXAMPLE00',
      AWS_SECRET_ACCESS_KEY: 'not-a-secret',
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    writeContexts(
      { current: 'local', contexts: { nowhere: { endpoint: 'http://127.0.0.1:1/v1', region: 'eu-west-1' } } },
      env,
    );
  });
  afterAll(() => {
    rmSync(home, { recursive: true, force: true });
    rmSync(config, { recursive: true, force: true });
  });

  test.each([
    ['list', ['list']],
    ['validate', ['validate', example]],
  ])(
    'itv %s goes to the chosen stack, not the local home',
    async (_name, args) => {
      // Act
      const byFlag = await runItv(home, ['--context', 'nowhere', ...args], { env });
      const byVariable = await runItv(home, args, { env: { ...env, ITV_CONTEXT: 'nowhere' } });
      const unknown = await runItv(home, ['--context', 'typo', ...args], { env });

      // Assess: unreachable, said so; an unknown context refused; the local home never started.
      for (const run of [byFlag, byVariable]) {
        expect(run.code).toBe(1);
        expect(run.stderr).toMatch(/127\.0\.0\.1:1/);
      }
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('no context named typo');
      expect(existsSync(join(home, 'control-plane.json'))).toBe(false);
      expect(existsSync(join(home, 'dynamodb'))).toBe(false);
    },
    setupMs,
  );
});
