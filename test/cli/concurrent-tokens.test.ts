import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueToken, tokenPrincipal } from '../../cli/runtime/local-tokens.js';
import { root } from '../support/run-itv.js';
import { setupMs } from '../support/time-budget.js';

/**
 * A process issuing `count` tokens on `home` for principals named `<prefix>-<n>`, each as soon as `go` exists:
 * every process starts issuing at the same moment, however long each took to load. Prints the tokens as JSON.
 */
function issuer(home: string, prefix: string, count: number, go: string) {
  const script = `
    import { existsSync } from 'node:fs';
    import { issueToken } from ${JSON.stringify(join(root, 'cli/runtime/local-tokens.ts'))};
    process.stderr.write('ready\\n');
    while (!existsSync(${JSON.stringify(go)})) await new Promise((resolve) => setTimeout(resolve, 5));
    const issued = {};
    for (let n = 0; n < ${count}; n++) issued[${JSON.stringify(prefix)} + '-' + n] = issueToken(${JSON.stringify(home)}, ${JSON.stringify(prefix)} + '-' + n);
    process.stdout.write(JSON.stringify(issued));
  `;
  const child = spawn(process.execPath, ['--import', 'tsx/esm', '--input-type=module', '-e', script], {
    cwd: root,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  const ready = new Promise<void>((resolve) =>
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      if (stderr.includes('ready')) resolve();
    }),
  );
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once('exit', (code) => resolve({ code, stdout, stderr })),
  );
  return { ready, done };
}

describe('itv token run many times at once on one ITV_HOME', () => {
  let home: string;
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'itv-tokens-'));
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  test(
    'every token issued is stored: each one printed names its principal',
    async () => {
      // Prepare: four processes, loaded and waiting for the word.
      const go = join(home, 'go');
      const issuers = ['a', 'b', 'c', 'd'].map((prefix) => issuer(home, prefix, 40, go));
      await Promise.all(issuers.map(({ ready }) => ready));

      // Act: all issue at once.
      writeFileSync(go, '');
      const runs = await Promise.all(issuers.map(({ done }) => done));

      // Assess
      const issued: Record<string, string> = {};
      for (const run of runs) {
        expect([run.code, run.stderr]).toEqual([0, 'ready\n']);
        Object.assign(issued, JSON.parse(run.stdout) as Record<string, string>);
      }
      expect(Object.keys(issued)).toHaveLength(160);
      const lost = Object.entries(issued).filter(
        ([principal, token]) => tokenPrincipal(home, token) !== principal,
      );
      expect(lost.map(([principal]) => principal)).toEqual([]);
      expect(existsSync(join(home, 'tokens.lock'))).toBe(false);
    },
    setupMs * 2,
  );

  test(
    'a tokens.lock left by a process that has died is taken over',
    async () => {
      // Prepare: a lock whose holder has exited.
      const dead = spawn(process.execPath, ['-e', '']);
      const pid = dead.pid;
      await new Promise((resolve) => dead.once('exit', resolve));
      writeFileSync(join(home, 'tokens.lock'), JSON.stringify({ pid, at: Date.now() }));
      // Act
      const token = issueToken(home, 'after-a-crash');
      // Assess
      expect(tokenPrincipal(home, token)).toBe('after-a-crash');
      expect(existsSync(join(home, 'tokens.lock'))).toBe(false);
    },
    setupMs,
  );
});
