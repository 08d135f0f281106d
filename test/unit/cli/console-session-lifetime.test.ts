import type { IncomingMessage } from 'node:http';
import { ConsoleSession, SESSION_IDLE_MS, SESSION_LIFETIME_MS } from '../../../cli/console/session.js';

/*
 * A console session ends 30 minutes after the last page its user opened or form they sent, and 12 hours after
 * sign-in however busy (OWASP ASVS 4.0.3 V3.3.2, level 2). The page's own live refreshes (`x-itv-live`) keep
 * nobody signed in: a tab left open is not a user.
 */

const PORT = 4321;
const url = new URL(`http://127.0.0.1:${PORT}/`);

function requestWith(cookie: string | undefined, live = false): IncomingMessage {
  const headers: Record<string, string> = {};
  if (cookie !== undefined) headers.cookie = `itv-console-${PORT}=${cookie}`;
  if (live) headers['x-itv-live'] = '1';
  return { method: 'GET', headers } as unknown as IncomingMessage;
}

describe('console session lifetime', () => {
  let now: number;
  let session: ConsoleSession;
  let value: string;
  beforeEach(() => {
    now = Date.UTC(2026, 11, 1, 9);
    session = new ConsoleSession(PORT, () => now);
    value = session.signIn();
  });

  test('the limits are 30 minutes idle and 12 hours in all', () => {
    expect([SESSION_IDLE_MS, SESSION_LIFETIME_MS]).toEqual([30 * 60_000, 12 * 3_600_000]);
  });

  test('a session used within the idle limit serves, and each use starts the idle time again', () => {
    const served: Array<string | undefined> = [];
    for (let minute = 0; minute < 4; minute++) {
      now += SESSION_IDLE_MS - 1;
      served.push(session.presented(requestWith(value), url));
    }
    expect(served).toEqual(['cookie', 'cookie', 'cookie', 'cookie']);
  });

  test('a session idle past the limit has ended, and says so on every later request', () => {
    now += SESSION_IDLE_MS + 1;
    expect(session.presented(requestWith(value), url)).toBe('ended idle');
    now += 1;
    expect(session.presented(requestWith(value), url)).toBe('ended idle');
  });

  test("the page's own refreshes do not keep a session alive", () => {
    for (let i = 0; i < 4; i++) {
      now += SESSION_IDLE_MS / 4;
      session.presented(requestWith(value, true), url);
    }
    now += 1;
    expect(session.presented(requestWith(value), url)).toBe('ended idle');
  });

  test('a session ends 12 hours after sign-in however busy', () => {
    const answers = new Set<string | undefined>();
    while (now < Date.UTC(2026, 11, 1, 9) + SESSION_LIFETIME_MS - 60_000) {
      now += 60_000;
      answers.add(session.presented(requestWith(value), url));
    }
    now += 60_001;
    expect([...answers]).toEqual(['cookie']);
    expect(session.presented(requestWith(value), url)).toBe('ended lifetime');
  });

  test('one session ending leaves the others serving', () => {
    now += SESSION_IDLE_MS - 10;
    const other = session.openSession();
    now += 20;
    expect(session.presented(requestWith(value), url)).toBe('ended idle');
    expect(session.presented(requestWith(other), url)).toBe('cookie');
  });

  test('the cookie asks the browser to forget it when the session can last no longer', () => {
    expect(session.cookie(value)).toBe(
      `itv-console-${PORT}=${value}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${SESSION_LIFETIME_MS / 1000}`,
    );
  });

  test('an unknown cookie is nobody, not an ended session', () => {
    expect(session.presented(requestWith('x'.repeat(43)), url)).toBeUndefined();
  });
});
