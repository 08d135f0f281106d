import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalog } from '../../catalog/index.js';
import {
  bearerCaller,
  issueToken,
  revokeToken,
  untrustedTokensFile,
} from '../../cli/runtime/local-tokens.js';
import { UnknownCallerError } from '../../lambdas/core/errors.js';
import { runItv } from '../support/run-itv.js';
import { intentsBudgetMs } from '../support/time-budget.js';

const catalog = loadCatalog();
const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } }) as never;

/**
 * An `itv serve` bearer token is a credential that lasts: it expires (30 days unless `--days` says otherwise),
 * and `itv token PRINCIPAL --revoke` withdraws it at once, without issuing another that would be live too.
 */
describe('itv serve bearer tokens: expiry and revocation', () => {
  let home: string;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'itv-token-lifetime-'));
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  test('a token past its expiry is refused, saying when it expired and how to get another', () => {
    // Prepare: one issued two days ago for one day, one issued now.
    const expired = issueToken(home, 'bob', 1, new Date(Date.now() - 2 * 86_400_000));
    const live = issueToken(home, 'alice');

    // Act
    const authenticate = bearerCaller(home);
    const refused = (() => {
      try {
        return authenticate(bearer(expired), catalog);
      } catch (error) {
        return error;
      }
    })();

    // Assess
    expect((refused as Error).name).toBe('UnknownCallerError');
    expect((refused as Error).message).toMatch(
      /^the bearer token expired at \S+Z: `itv token bob` issues a new one$/,
    );
    expect(authenticate(bearer(live), catalog).principal).toBe('alice');
    const stored = JSON.parse(readFileSync(join(home, 'tokens.json'), 'utf8'));
    expect(stored.tokens.alice[0].expiresAt).toBe(
      new Date(Date.parse(stored.tokens.alice[0].issuedAt) + 30 * 86_400_000).toISOString(),
    );
  });

  test('a revoked token is refused from then on; revoking again says there was none', () => {
    // Prepare
    const token = issueToken(home, 'bob');

    // Act
    const first = revokeToken(home, 'bob');
    const second = revokeToken(home, 'bob');

    // Assess
    expect([first, second]).toEqual([1, 0]);
    expect(() => bearerCaller(home)(bearer(token), catalog)).toThrow(/or it was revoked/);
  });

  test('a token an earlier itv issued (its digest alone, no expiry) is still honoured until reissued or revoked', () => {
    // Prepare
    const token = 'itv_earlier-token-0123456789';
    const sha256 = createHash('sha256').update(token).digest('hex');
    writeFileSync(join(home, 'tokens.json'), JSON.stringify({ version: 1, tokens: { bob: sha256 } }));

    // Act
    const caller = bearerCaller(home)(bearer(token), catalog);
    revokeToken(home, 'bob');

    // Assess
    expect(caller.principal).toBe('bob');
    expect(() => bearerCaller(home)(bearer(token), catalog)).toThrow(/or it was revoked/);
  });

  test('a tokens file its group or any user may write is trusted for no token, and itv token refuses it', async () => {
    // Prepare: a token issued as itv issues it, then the file left writable by others, as a planted one would be.
    const token = issueToken(home, 'bob');
    chmodSync(join(home, 'tokens.json'), 0o666);

    // Act
    const refused = (() => {
      try {
        bearerCaller(home)(bearer(token), catalog);
        return undefined;
      } catch (error) {
        return error as Error;
      }
    })();
    const listed = await runItv(home, ['token', 'bob', '--list']);

    // Assess
    expect(refused).toBeInstanceOf(UnknownCallerError);
    expect(refused?.message).toMatch(
      /tokens\.json may be written by any user \(mode 0666\).*honours no token/,
    );
    expect(listed.code).toBe(1);
    expect(listed.stderr).toMatch(/tokens\.json may be written by any user/);
  });

  test(
    'itv token says when the token expires, revokes with --revoke, and refuses a lifetime it cannot give',
    async () => {
      // Act
      const issued = await runItv(home, ['token', 'bob', '--days', '7', '--json']);
      const issuedAsText = await runItv(home, ['token', 'alice', '--days', '7']);
      const revoked = await runItv(home, ['token', 'bob', '--revoke']);
      const again = await runItv(home, ['token', 'bob', '--revoke', '--json']);
      const zero = await runItv(home, ['token', 'bob', '--days', '0']);
      const both = await runItv(home, ['token', 'bob', '--revoke', '--days', '3']);

      // Assess
      const { expiresAt, id } = JSON.parse(issued.stdout) as { expiresAt: string; id: string };
      expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(6.9 * 86_400_000);
      // Under --json the answer says when it expires, and stderr is for errors; as text the banner says it.
      expect(issued.stderr).toBe('');
      expect(issuedAsText.stderr).toMatch(
        /^bearer token \w+ for alice .*; expires \d{4}-\d\d-\d\dT[\d:.]+Z;/,
      );
      expect([revoked.code, revoked.stdout]).toEqual([
        0,
        `revoked bob's bearer token ${id}: itv serve refuses it from now on\n`,
      ]);
      expect([again.code, again.stdout]).toEqual([
        0,
        '{"principal":"bob","revoked":false,"count":0,"ids":[]}\n',
      ]);
      expect([zero.code, zero.stdout]).toEqual([1, '']);
      expect(zero.stderr).toMatch(/--days: must be a whole number from 1 to 366 \(got "0"\)/);
      expect([both.code, both.stdout]).toEqual([1, '']);
      expect(both.stderr).toMatch(/--days: is for a token being issued/);
    },
    intentsBudgetMs(1),
  );
});

describe('which tokens files are trusted', () => {
  test('one its user owns that only its user may write; not one another user owns, nor one others may write', () => {
    expect(untrustedTokensFile('t.json', 0o100600, 501, 501)).toBeUndefined();
    // Digests only: readable by others gives nothing away.
    expect(untrustedTokensFile('t.json', 0o100644, 501, 501)).toBeUndefined();
    expect(untrustedTokensFile('t.json', 0o100600, 502, 501)).toMatch(
      /belongs to user 502, not to you \(user 501\): another user put it there/,
    );
    expect(untrustedTokensFile('t.json', 0o100620, 501, 501)).toMatch(
      /may be written by its group \(mode 0620\)/,
    );
    expect(untrustedTokensFile('t.json', 0o100602, 501, 501)).toMatch(
      /may be written by any user \(mode 0602\)/,
    );
    // Where the platform has no user ids (Windows), the mode alone.
    expect(untrustedTokensFile('t.json', 0o100600, 0, undefined)).toBeUndefined();
  });
});
