import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const SESSION_COOKIE = 'itv-console';

/**
 * Who may use a console served on loopback. Anything on the machine can reach 127.0.0.1, and any web page the
 * user opens can make the browser send requests to it, so the console trusts neither: a request must come with
 * the session secret printed when it started (in the URL once, then a `SameSite=Strict` cookie), name the
 * console itself as its Host (a DNS-rebinding page names its own), and a form that changes anything must
 * carry the form token derived from the secret and come from the console's own origin.
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

  cookie(): string {
    return `${SESSION_COOKIE}=${this.secret}; HttpOnly; SameSite=Strict; Path=/`;
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
    if (same(cookieOf(request.headers.cookie), this.secret)) return 'cookie';
    if (same(url.searchParams.get('token') ?? undefined, this.secret)) return 'url';
    return undefined;
  }

  formTokenValid(presented: string | undefined): boolean {
    return same(presented, this.formToken);
  }
}

function cookieOf(header: string | undefined): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === SESSION_COOKIE) return rest.join('=');
  }
  return undefined;
}

function same(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const a = Buffer.from(presented, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
