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
 * Who may use a console served on loopback. Anything on the machine can reach 127.0.0.1, and any web page the
 * user opens can make the browser send requests to it, so the console trusts neither: a request must come with
 * the session secret printed when it started (in the URL once, then a `SameSite=Strict` cookie named after its
 * port, `sessionCookieName`), name the console itself as its Host (a DNS-rebinding page names its own), and a
 * form that changes anything must carry the form token derived from the secret and come from the console's own
 * origin.
 */
export class ConsoleSession {
  readonly secret: string;
  constructor(
    readonly port: number,
    secret?: string,
  ) {
    this.secret = secret ?? randomBytes(32).toString('base64url');
  }

  /** The URL to open: it carries the secret once; the console then sets the cookie and drops it from the URL. */
  get startUrl(): string {
    return `http://127.0.0.1:${this.port}/?token=${this.secret}`;
  }

  /** The hidden field every form that changes something carries. */
  get formToken(): string {
    return createHmac('sha256', this.secret).update('itv-console form').digest('base64url');
  }

  /** The session cookie's name: this console's own, by its port (`sessionCookieName`). */
  get cookieName(): string {
    return sessionCookieName(this.port);
  }

  cookie(): string {
    return `${this.cookieName}=${this.secret}; HttpOnly; SameSite=Strict; Path=/`;
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

  /** The secret the request presents: its cookie, or `?token=` on the URL it was opened with. */
  presented(request: IncomingMessage, url: URL): 'cookie' | 'url' | undefined {
    if (same(cookieOf(request.headers.cookie, this.cookieName), this.secret)) return 'cookie';
    if (same(url.searchParams.get('token') ?? undefined, this.secret)) return 'url';
    return undefined;
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
