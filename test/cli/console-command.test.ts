import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { itvBin, itvEnv, root, runItv } from '../support/run-itv.js';
import { setupMs } from '../support/time-budget.js';

/** `itv console` acts as somebody of the catalog, as every command that acts does: nobody else is served. */
describe('itv console', () => {
  let home: string;
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'itv-console-command-'));
  });
  afterAll(async () => {
    await runItv(home, ['control-plane', 'stop']);
    rmSync(home, { recursive: true, force: true });
  }, setupMs);

  test(
    'as a principal the catalog does not hold: refused naming --as, before anything is served',
    async () => {
      // Should it serve, it is stopped after a while, and the test says so.
      const run = await runItv(home, ['console', '--as', 'nobody'], { signal: AbortSignal.timeout(15_000) });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('--as: "nobody" is not a principal in the catalog');
      expect(run.stdout).not.toContain('open http');
    },
    setupMs,
  );

  test(
    'the link of itv console --json signs in one browser, once: its cookie is no copy of the link, and the link then is refused',
    async () => {
      // Prepare: the console, started as a user starts it, asked for its link as JSON.
      const console_ = spawn(process.execPath, [itvBin, 'console', '--as', 'xavier', '--json'], {
        cwd: root,
        env: itvEnv(home),
      });
      try {
        const { url } = await new Promise<{ url: string }>((resolve, reject) => {
          let out = '';
          console_.stdout.on('data', (chunk) => {
            out += chunk;
            if (out.includes('\n')) resolve(JSON.parse(out) as { url: string });
          });
          console_.once('exit', (code) => reject(new Error(`itv console exited with ${code}`)));
        });

        // Act: the link opened by a browser, then once more, as from its history.
        const first = await fetch(url, { redirect: 'manual' });
        const again = await fetch(url, { redirect: 'manual' });
        const cookie = first.headers.get('set-cookie')?.split(';')[0] ?? '';
        const signedIn = await fetch(new URL('/', url), { headers: { cookie } });

        // Assess
        const secret = new URL(url).searchParams.get('token') ?? '';
        expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
        expect([first.status, first.headers.get('location')]).toEqual([303, '/']);
        expect(cookie).not.toContain(secret);
        expect(signedIn.status).toBe(200);
        expect([again.status, again.headers.get('set-cookie')]).toEqual([410, null]);
        expect(await again.text()).toContain('This link was already used');
      } finally {
        console_.kill('SIGTERM');
      }
    },
    2 * setupMs,
  );
});
