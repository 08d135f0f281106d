import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalog } from '../../catalog/index.js';
import { bearerCaller, issueToken, revokeToken } from '../../cli/runtime/local-tokens.js';
import { runItv } from '../support/run-itv.js';
import { setupMs } from '../support/time-budget.js';

const catalog = loadCatalog();
const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } }) as never;
/** The principal a token authenticates as, or the error that refused it. */
const callerOf = (home: string, token: string): string => {
  try {
    return bearerCaller(home)(bearer(token), catalog).principal;
  } catch (error) {
    return (error as Error).name;
  }
};

/**
 * CI jobs run `itv token` for one principal each for themselves: every token issued stays live, with its own
 * expiry, until it expires or is revoked, and one may be revoked without the others.
 */
describe('several bearer tokens for one principal', () => {
  let home: string;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'itv-tokens-per-job-'));
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  test('each token issued for a principal stays live; revoking all says how many', () => {
    // Act
    const tokens = [issueToken(home, 'ci-sre'), issueToken(home, 'ci-sre'), issueToken(home, 'ci-sre')];

    // Assess
    expect(tokens.map((token) => callerOf(home, token))).toEqual(['ci-sre', 'ci-sre', 'ci-sre']);
    const file = readFileSync(join(home, 'tokens.json'), 'utf8');
    for (const token of tokens) expect(file).not.toContain(token);
    expect(JSON.parse(file).version).toBe(3);
    expect(statSync(join(home, 'tokens.json')).mode & 0o777).toBe(0o600);
    expect(revokeToken(home, 'ci-sre')).toBe(3);
    expect(tokens.map((token) => callerOf(home, token))).toEqual([
      'UnknownCallerError',
      'UnknownCallerError',
      'UnknownCallerError',
    ]);
  });

  test('a version-2 file (one token a principal) is read, honoured and kept beside a new token', () => {
    // Prepare
    const earlier = 'itv_version-2-token-0123456789';
    const sha256 = createHash('sha256').update(earlier).digest('hex');
    const issuedAt = new Date().toISOString();
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    writeFileSync(
      join(home, 'tokens.json'),
      JSON.stringify({ version: 2, tokens: { 'ci-sre': { sha256, issuedAt, expiresAt } } }),
    );

    // Act
    const added = issueToken(home, 'ci-sre');

    // Assess
    expect([callerOf(home, earlier), callerOf(home, added)]).toEqual(['ci-sre', 'ci-sre']);
    expect(JSON.parse(readFileSync(join(home, 'tokens.json'), 'utf8')).version).toBe(3);
  });

  test('tokens long expired are pruned when the file is next written', () => {
    // Prepare: one that expired 30 days ago, one that expired a day ago.
    const longAgo = 'itv_long-expired-token-0123456789';
    const day = 86_400_000;
    writeFileSync(
      join(home, 'tokens.json'),
      JSON.stringify({
        version: 3,
        tokens: {
          'ci-sre': [
            {
              id: 'aaaa0001',
              sha256: createHash('sha256').update(longAgo).digest('hex'),
              issuedAt: new Date(Date.now() - 31 * day).toISOString(),
              expiresAt: new Date(Date.now() - 30 * day).toISOString(),
            },
          ],
        },
      }),
    );
    expect(() => bearerCaller(home)(bearer(longAgo), catalog)).toThrow(/expired at/);
    const lately = issueToken(home, 'ci-sre', 1, new Date(Date.now() - 2 * day));

    // Act
    issueToken(home, 'ci-sre');

    // Assess: the recent one is kept, so that a request sending it is told it expired.
    const stored = JSON.parse(readFileSync(join(home, 'tokens.json'), 'utf8'));
    expect(stored.tokens['ci-sre']).toHaveLength(2);
    expect(callerOf(home, longAgo)).toBe('UnknownCallerError');
    expect(() => bearerCaller(home)(bearer(lately), catalog)).toThrow(/expired at/);
  });

  test(
    'itv token run three times at once: three live tokens, listed by id and revoked one by one',
    async () => {
      // Act
      const issued = await Promise.all(
        ['job-1', 'job-2', 'job-3'].map((label) =>
          runItv(home, ['token', 'ci-sre', '--label', label, '--json']),
        ),
      );
      const listed = await runItv(home, ['token', 'ci-sre', '--list', '--json']);
      const one = JSON.parse(issued[0]!.stdout) as { id: string; token: string; label: string };
      const revokedOne = await runItv(home, ['token', 'ci-sre', '--revoke', '--id', one.id]);
      const listedText = await runItv(home, ['token', 'ci-sre', '--list']);
      const revokedRest = await runItv(home, ['token', 'ci-sre', '--revoke']);

      // Assess
      const tokens = issued.map((run) => {
        // Under --json, stdout is the answer and stderr is for errors only: no "shown once" banner.
        expect([run.code, run.stderr]).toEqual([0, '']);
        return JSON.parse(run.stdout) as { id: string; token: string; label: string };
      });
      expect(tokens.map((token) => token.label)).toEqual(['job-1', 'job-2', 'job-3']);
      expect(new Set(tokens.map((token) => token.id)).size).toBe(3);
      expect(listed.code).toBe(0);
      const list = JSON.parse(listed.stdout) as { principal: string; tokens: Array<Record<string, string>> };
      expect(list.tokens.map((token) => token.id).sort()).toEqual(tokens.map((token) => token.id).sort());
      expect(list.tokens.map((token) => Object.keys(token).sort())).toEqual(
        tokens.map(() => ['expiresAt', 'id', 'issuedAt', 'label']),
      );
      expect(listed.stdout).not.toMatch(/itv_|sha256/);
      expect([revokedOne.code, revokedOne.stdout]).toEqual([
        0,
        `revoked ci-sre's bearer token ${one.id} (job-1): itv serve refuses it from now on\n`,
      ]);
      expect(listedText.stdout).not.toContain(one.id);
      expect(listedText.stdout).toContain(tokens[1]!.id);
      expect(listedText.stdout).toContain('job-3');
      expect([revokedRest.code, revokedRest.stdout]).toEqual([
        0,
        "revoked ci-sre's 2 bearer tokens: itv serve refuses them from now on\n",
      ]);
    },
    setupMs * 2,
  );
});
