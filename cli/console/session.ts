import { createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { sameSecret as same } from '../control-plane/same-secret.js';

/**
 * The session cookie's name on the console at `port`. Browsers send a cookie for 127.0.0.1 to every port of it
 * (RFC 6265 cookies are not isolated by port), so two consoles under one name would overwrite each other's: a
 * login to one logged out of the other. With the port in the name they coexist. For the same reason the cookie
 * is only as private as the other local servers the browser visits: any of them receives it.
 */
export function sessionCookieName(port: number): string {
  return `itv-console-${port}`;
}

/**
 * How long a session lasts: 30 minutes without a page opened or a form sent, and 12 hours from sign-in however
 * busy — the re-authentication limits of NIST SP 800-63B §4.2.3 for AAL2 (OWASP ASVS 4.0.3 V3.3.2, level 2). The
 * console approves and rolls back releases as its user; a browser left signed in is that user to whoever sits at
 * it. The page's own refreshes of its live regions (`x-itv-live`) are not its user and keep nobody signed in.
 */
export const SESSION_IDLE_MS = 30 * 60_000;
export const SESSION_LIFETIME_MS = 12 * 3_600_000;

/** Why a session this console opened no longer serves. */
export type SessionEnd = 'ended idle' | 'ended lifetime';

interface OpenSession {
  signedInAt: number;
  usedAt: number;
  ended?: SessionEnd;
}

/**
 * Who may use a console served on loopback. Anything on the machine can reach 127.0.0.1, and any web page the
 * user opens can make the browser send requests to it, so the console trusts neither: a request must come with
 * a session this console opened (a `SameSite=Strict`, `HttpOnly` cookie named after its port,
 * `sessionCookieName`), name the console itself as its Host (a DNS-rebinding page names its own), and a form
 * that changes anything must carry the form token the console served and come from the console's own origin.
 *
 * A session is opened by the link printed when the console started, once: the first request that presents its
 * secret spends it, and is given a session of its own, a value generated then that the link never carried. The
 * link is then refused, so one left in a shell's history, a screenshot or a browser's history lets nobody in.
 * A session ends as `SESSION_IDLE_MS` and `SESSION_LIFETIME_MS` say; a new one comes from a new link.
 */
export class ConsoleSession {
  /** The secret the sign-in link carries (`?token=`), good for one sign-in. */
  private readonly linkSecret = randomBytes(32).toString('base64url');
  private linkSpent = false;
  /** The session values this console has handed out as cookies, with when each was opened and last used. */
  private readonly sessions = new Map<string, OpenSession>();
  /** What the form token is derived from: a key that leaves this process in no link and no cookie. */
  private readonly formKey = randomBytes(32);

  constructor(
    readonly port: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The URL to open, once: it carries the link's secret; the console then sets a cookie and drops it from the URL. */
  get startUrl(): string {
    return `http://127.0.0.1:${this.port}/?token=${this.linkSecret}`;
  }

  /** The hidden field every form that changes something carries. */
  get formToken(): string {
    return createHmac('sha256', this.formKey).update('itv-console form').digest('base64url');
  }

  /** The session cookie's name: this console's own, by its port (`sessionCookieName`). */
  get cookieName(): string {
    return sessionCookieName(this.port);
  }

  /** A new session: a freshly generated value this console accepts as its cookie from now on. */
  openSession(): string {
    const value = randomBytes(32).toString('base64url');
    const at = this.now();
    this.sessions.set(value, { signedInAt: at, usedAt: at });
    return value;
  }

  /** Spends the sign-in link (it is refused from now on) and opens the session it signs in. */
  signIn(): string {
    this.linkSpent = true;
    return this.openSession();
  }

  /** The `Set-Cookie` value that keeps the session `value`, no longer than the session can last. */
  cookie(value: string): string {
    return `${this.cookieName}=${value}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${SESSION_LIFETIME_MS / 1000}`;
  }

  hostAllowed(request: IncomingMessage): boolean {
    const host = request.headers.host ?? '';
    return host === `127.0.0.1:${this.port}` || host === `localhost:${this.port}`;
  }

  /** The request's own origin is the console's (or the browser sent none, as for a same-origin GET). */
  originAllowed(request: IncomingMessage): boolean {
    const origin = request.headers.origin;
    if (origin === undefined) return request.method === 'GET' || request.method === 'HEAD';
    return origin === `http://127.0.0.1:${this.port}` || origin === `http://localhost:${this.port}`;
  }

  /**
   * What the request presents: the cookie of a session this console opened, serving (`cookie`, which counts as
   * its use unless the request is a live refresh) or ended (`SessionEnd`); the sign-in link's secret (`?token=`),
   * unspent (`link`) or already spent (`spent link`); or nothing this console accepts.
   */
  presented(request: IncomingMessage, url: URL): 'cookie' | SessionEnd | 'link' | 'spent link' | undefined {
    const cookie = cookieOf(request.headers.cookie, this.cookieName);
    let known: OpenSession | undefined;
    // Every session is compared, in constant time, whichever matches.
    for (const [value, session] of this.sessions) if (same(cookie, value)) known = session;
    if (known !== undefined) {
      const at = this.now();
      if (known.ended === undefined && at - known.signedInAt > SESSION_LIFETIME_MS)
        known.ended = 'ended lifetime';
      if (known.ended === undefined && at - known.usedAt > SESSION_IDLE_MS) known.ended = 'ended idle';
      if (known.ended !== undefined) return known.ended;
      if (request.headers['x-itv-live'] === undefined) known.usedAt = at;
      return 'cookie';
    }
    if (!same(url.searchParams.get('token') ?? undefined, this.linkSecret)) return undefined;
    return this.linkSpent ? 'spent link' : 'link';
  }

  formTokenValid(presented: string | undefined): boolean {
    return same(presented, this.formToken);
  }
}

function cookieOf(header: string | undefined, cookieName: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === cookieName) return rest.join('=');
  }
  return undefined;
}
