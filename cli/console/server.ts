import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { EvidenceIntegrityError } from '../../lambdas/core/errors.js';
import { auditExport } from '../../lambdas/core/evidence/export-audit.js';
import { pemToSpki } from '../../lambdas/core/evidence/pem.js';
import { ustarArchive } from '../../lambdas/core/evidence/ustar.js';
import { verifyBundle } from '../../lambdas/core/evidence/verify-bundle.js';
import { type IntentPage, statusFilterName } from '../../lambdas/core/pipeline/intent-list.js';
import type { LedgerEntry } from '../../lambdas/ports/ledger-store.js';
import { ApiAnswerError } from '../api/api-get.js';
import { downloadRecordedBundle } from '../api/bundle-download.js';
import { auditLedgerBundles, downloadLedger } from '../api/ledger-download.js';
import { nextAttempt } from '../api/next-attempt.js';
import { listenLocally } from '../port-option.js';
import { requestTarget } from '../request-target.js';
import { consoleAssets } from './assets.js';
import { answerProblem, type ConsoleAnswer, type ConsoleApi } from './console-api.js';
import { html, type Markup } from './html.js';
import { type ConsoleView, page } from './page.js';
import { decodedSegment, malformedSegment, pageParameters, unreadQuery } from './page-address.js';
import { ConsoleSession, SESSION_IDLE_MS, SESSION_LIFETIME_MS } from './session.js';
import { valuePage } from './value-page.js';
import { evidenceView } from './views/evidence-view.js';
import { type Flash, type IntentWithEntries, intentView } from './views/intent-view.js';
import { intentFilters, intentsView } from './views/intents-view.js';
import { lanesView } from './views/lanes-view.js';
import {
  type LedgerVerdict,
  ledgerPageSize,
  ledgerView,
  type StoredCheckpoint,
} from './views/ledger-view.js';
import { intentHref, notice } from './views/parts.js';

export interface RunningConsole {
  url: string;
  port: number;
  session: ConsoleSession;
  close(): Promise<void>;
}

const securityHeaders = {
  'content-security-policy':
    "default-src 'none'; style-src 'self' 'unsafe-inline'; script-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  // Not no-referrer: under it Chromium sends `Origin: null` with a form, which the origin check refuses.
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
};

const maxFormBytes = 16 * 1024;

/** The answer of an action, and the word the page's title leads with (`Approved · <title> · itv`). */
type StoredFlash = Flash & { headline: string };

/**
 * `itv console`'s web server, on 127.0.0.1 only. Every page is rendered here from the API's answers (the
 * same routes the CLI sends, as the same caller), so the browser fetches nothing but this server's pages and
 * its two assets, and every action is a form the API judges.
 */
export async function startConsole(options: {
  api: ConsoleApi;
  port?: number;
  /** The clock sessions are timed by (tests move it). */
  now?: () => number;
}): Promise<RunningConsole> {
  const server = createServer();
  const port = await listenLocally(server, options.port ?? 0, 'itv console');
  const session = new ConsoleSession(port, options.now);
  const console_ = new ConsoleRoutes(options.api, session);
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    console_.handle(request, response).catch((error: unknown) => {
      const text = error instanceof Error ? error.message : String(error);
      if (!response.headersSent) {
        response.writeHead(500, { 'content-type': 'text/html; charset=utf-8', ...securityHeaders });
      }
      response.end(page({ title: 'Error', body: notice('bad', `the console failed: ${text}`) }));
    });
  });
  return {
    url: session.startUrl,
    port,
    session,
    close: () => closeServer(server),
  };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

class ConsoleRoutes {
  private readonly flashes = new Map<string, StoredFlash>();
  private readonly verdicts = new Map<string, LedgerVerdict>();

  constructor(
    private readonly api: ConsoleApi,
    private readonly session: ConsoleSession,
  ) {}

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = requestTarget(request.url, `http://127.0.0.1:${this.session.port}`);
    if (url === undefined) {
      return send(
        response,
        400,
        'text/plain; charset=utf-8',
        'the request target must be a path beginning with /\n',
      );
    }
    if (!this.session.hostAllowed(request)) {
      return send(
        response,
        421,
        'text/plain; charset=utf-8',
        'this console answers only to 127.0.0.1 or localhost\n',
      );
    }
    const asset = consoleAssets[url.pathname];
    if (asset && request.method === 'GET') return send(response, 200, asset.type, asset.body);
    const presented = this.session.presented(request, url);
    if (!presented) {
      // Someone not signed in is shown no views and nobody the console acts as.
      return send(
        response,
        401,
        'text/html; charset=utf-8',
        page({
          title: 'Sign in',
          navigation: false,
          body: html`<h1>Open the console's own link</h1>
<p>This console serves only the browser that opened the link <code>itv console</code> printed (it carries a
secret). Run <code>itv console</code> again to get a new one.</p>`,
        }),
      );
    }
    if (presented === 'ended idle' || presented === 'ended lifetime') {
      const why =
        presented === 'ended idle'
          ? `${SESSION_IDLE_MS / 60_000} minutes passed without a page opened or a form sent from it`
          : `it was signed in ${SESSION_LIFETIME_MS / 3_600_000} hours ago`;
      return send(
        response,
        401,
        'text/html; charset=utf-8',
        page({
          title: 'Session ended',
          navigation: false,
          body: html`<h1>Your console session has ended</h1>
<p>This browser's session ended because ${why}. A session lasts ${SESSION_IDLE_MS / 60_000} minutes without use
and ${SESSION_LIFETIME_MS / 3_600_000} hours in all, so that a browser left signed in does not act as you for
whoever sits at it. To sign in again, run <code>itv console</code> again and open the link it prints.</p>`,
        }),
      );
    }
    if (presented === 'spent link') {
      // The link signs in one browser, once: later it is a credential left in some history, not the user.
      return send(
        response,
        410,
        'text/html; charset=utf-8',
        page({
          title: 'Link already used',
          navigation: false,
          body: html`<h1>This link was already used</h1>
<p>The link <code>itv console</code> prints signs in one browser, once, and then no more, so that a copy left in
a shell's or a browser's history or in a screenshot opens nothing. The browser it signed in keeps its session
until it ends (${SESSION_IDLE_MS / 60_000} minutes without use, ${SESSION_LIFETIME_MS / 3_600_000} hours in all) or the console stops. To sign in again, run <code>itv console</code> again: it prints a new link, for a console
of its own beside this one (stop this one with Ctrl-C first if the new one is to take its port).</p>`,
        }),
      );
    }
    if (presented === 'link' || (request.method === 'GET' && url.searchParams.has('token'))) {
      url.searchParams.delete('token');
      response.writeHead(303, {
        // Always a path of this console: `//host/…` (or `/\host`, which URLs read as `//host`) would send the
        // browser on to another site, from a link that looks like the console's own.
        location: `/${url.pathname.replace(/^\/+/, '')}${url.search}`,
        // The link is spent here; the browser keeps a session value of its own, which the link never carried.
        ...(presented === 'link' ? { 'set-cookie': this.session.cookie(this.session.signIn()) } : {}),
        ...securityHeaders,
      });
      return void response.end();
    }
    if (request.method === 'POST') return this.post(request, response, url);
    if (request.method !== 'GET') {
      response.writeHead(405, { allow: 'GET, POST', ...securityHeaders });
      return void response.end();
    }
    return this.get(response, url);
  }

  private async get(response: ServerResponse, url: URL): Promise<void> {
    const path = url.pathname;
    const intent = /^\/intents\/([^/]+)(\/evidence|\/evidence\.tar)?$/.exec(path);
    const reads = this.reads(path, intent?.[2]);
    const unread = reads && unreadQuery(url.searchParams, reads);
    if (unread) return this.badRequest(response, unread);
    if (path === '/') return this.intents(response, url.searchParams);
    if (path === '/lanes') return this.lanes(response);
    if (path === '/ledger') return this.ledger(response, url.searchParams);
    if (path === '/value') {
      const rendered = await valuePage(this.api, url.searchParams, this.api.actingAs);
      return send(response, rendered.status, 'text/html; charset=utf-8', rendered.html);
    }
    if (intent) {
      const id = decodedSegment(intent[1]!);
      if (id === undefined) return this.badRequest(response, malformedSegment('the intent id'));
      if (intent[2] === '/evidence') return this.evidence(response, id);
      if (intent[2] === '/evidence.tar') return this.archive(response, id);
      return this.intent(response, id, url.searchParams.get('flash'));
    }
    return this.page(
      response,
      404,
      'Not found',
      undefined,
      html`<h1>Not found</h1><p><a href="/">Intents</a></p>`,
    );
  }

  /** The query parameters the page at `path` reads; undefined for an address that is no page. */
  private reads(path: string, intentPart: string | undefined): readonly string[] | undefined {
    if (path === '/') return pageParameters.intents;
    if (path === '/lanes' || path === '/ledger' || path === '/value') {
      return pageParameters[path.slice(1) as 'lanes' | 'ledger' | 'value'];
    }
    if (intentPart === undefined) return /^\/intents\/[^/]+$/.test(path) ? pageParameters.intent : undefined;
    return pageParameters.evidence;
  }

  private badRequest(response: ServerResponse, why: string): void {
    this.page(response, 400, 'Bad request', undefined, html`<h1>Bad request</h1>${notice('bad', why)}`);
  }

  private async post(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    if (!this.session.originAllowed(request)) {
      return send(response, 403, 'text/plain; charset=utf-8', 'a form of another origin is not accepted\n');
    }
    const form = await readForm(request);
    if (!form || !this.session.formTokenValid(form.get('form') ?? undefined)) {
      return send(response, 403, 'text/plain; charset=utf-8', 'the form is not one this console served\n');
    }
    const review = /^\/intents\/([^/]+)\/review$/.exec(url.pathname);
    if (review) {
      const id = decodedSegment(review[1]!);
      if (id === undefined) return this.badRequest(response, malformedSegment('the intent id'));
      const reason = form.get('reason')?.trim();
      // The page asks for a reason before it rejects; a form posted without the page is held to the same.
      if (form.get('decision') === 'reject' && !reason) {
        return this.redirect(response, `/intents/${encodeURIComponent(id)}`, {
          kind: 'bad',
          text: 'The review was not sent: a rejection needs a reason, recorded with it for the requester to act on.',
          headline: 'Review not sent',
        });
      }
      const answer = await this.api.post(`/intents/${encodeURIComponent(id)}/review`, {
        decision: form.get('decision'),
        ...(reason ? { reason } : {}),
      });
      const ok = answer.status >= 200 && answer.status < 300;
      const text = ok
        ? `${form.get('decision') === 'approve' ? 'Approved' : 'Rejected'}: recorded as ${this.api.as?.named ?? 'your AWS identity'}.`
        : `The review was refused (${answer.status}): ${answerProblem(answer)}`;
      return this.redirect(response, `/intents/${encodeURIComponent(id)}`, {
        kind: ok ? 'ok' : 'bad',
        text,
        headline: ok ? (form.get('decision') === 'approve' ? 'Approved' : 'Rejected') : 'Review refused',
      });
    }
    const control = /^\/intents\/([^/]+)\/(stop|retry)$/.exec(url.pathname);
    if (control) {
      const id = decodedSegment(control[1]!);
      if (id === undefined) return this.badRequest(response, malformedSegment('the intent id'));
      const stop = control[2] === 'stop';
      const reason = form.get('reason')?.trim() ?? '';
      const answer = await this.api.post(
        `/intents/${encodeURIComponent(id)}/${control[2]}`,
        stop ? { reason } : {},
      );
      const ok = answer.status >= 200 && answer.status < 300;
      const text = ok
        ? `${stop ? 'Stop requested' : 'Retried'}: recorded as ${this.api.as?.named ?? 'your AWS identity'}.`
        : `The ${control[2]} was refused (${answer.status}): ${answerProblem(answer)}`;
      // A retry runs as the next attempt, under its own id: the notice links it.
      const attempt = (answer.body as { intentId?: unknown } | undefined)?.intentId;
      return this.redirect(response, `/intents/${encodeURIComponent(id)}`, {
        kind: ok ? 'ok' : 'bad',
        text,
        headline: ok ? (stop ? 'Stop requested' : 'Retried') : `${stop ? 'Stop' : 'Retry'} refused`,
        ...(ok && !stop && typeof attempt === 'string' ? { attempt } : {}),
      });
    }
    if (url.pathname === '/ledger/verify') {
      const verdict = await this.verifyLedger(form.get('bundles') === '1');
      const key = randomBytes(9).toString('base64url');
      this.verdicts.set(key, verdict);
      if (this.verdicts.size > 20) this.verdicts.delete(this.verdicts.keys().next().value as string);
      response.writeHead(303, { location: `/ledger?verdict=${key}`, ...securityHeaders });
      return void response.end();
    }
    return this.page(response, 404, 'Not found', undefined, html`<h1>Not found</h1>`);
  }

  private redirect(response: ServerResponse, to: string, flash: StoredFlash): void {
    const key = randomBytes(9).toString('base64url');
    this.flashes.set(key, flash);
    if (this.flashes.size > 100) this.flashes.delete(this.flashes.keys().next().value as string);
    response.writeHead(303, { location: `${to}?flash=${key}`, ...securityHeaders });
    response.end();
  }

  private async intents(response: ServerResponse, query: URLSearchParams): Promise<void> {
    const params = new URLSearchParams();
    for (const name of intentFilters) {
      const value = query.get(name)?.trim();
      if (value) params.set(name, value);
    }
    // The limit, like every value, is the API's to judge: one it refuses is shown with its refusal.
    params.set('limit', query.get('limit')?.trim() || '50');
    const answer = await this.api.get<IntentPage>(`/intents?${params}`);
    const ok = answer.status === 200;
    return this.page(
      response,
      ok ? 200 : answer.status,
      'Intents',
      'intents',
      intentsView(ok ? answer.body : undefined, query, ok ? undefined : answerProblem(answer)),
    );
  }

  private async intent(response: ServerResponse, id: string, flashKey: string | null): Promise<void> {
    const answer = await this.api.get<IntentWithEntries>(
      `/intents/${encodeURIComponent(id)}?include=entries,metrics`,
    );
    if (answer.status !== 200) return this.noIntent(response, id, answer);
    const flash = flashKey ? this.flashes.get(flashKey) : undefined;
    const retriedAs = await nextAttempt(answer.body, (path) => this.api.get(path));
    const title = answer.body.title ?? id;
    return this.page(
      response,
      200,
      flash ? `${flash.headline} · ${title}` : title,
      'intents',
      intentView(answer.body, {
        formToken: this.session.formToken,
        ...(flash ? { flash } : {}),
        ...(retriedAs ? { retriedAs } : {}),
        ...(this.api.principal !== undefined ? { actingPrincipal: this.api.principal } : {}),
        ...(this.api.catalog !== undefined ? { catalog: this.api.catalog } : {}),
        ...(await this.publicKey()),
      }),
    );
  }

  /** An intent the API did not answer: one it does not know is named as such, not "refused". */
  private noIntent(response: ServerResponse, id: string, answer: ConsoleAnswer<unknown>): void {
    if (answer.status === 404) {
      this.page(
        response,
        404,
        `No such intent: ${id}`,
        'intents',
        html`<h1>No such intent</h1>
<p>The ledger holds no intent <code>${id}</code>. <a href="/">Find it among the intents</a>.</p>`,
      );
      return;
    }
    this.page(
      response,
      answer.status,
      `Intent ${id}`,
      'intents',
      html`<h1>Intent ${id}</h1>${notice('bad', answerProblem(answer))}`,
    );
  }

  private async publicKey(): Promise<{ publicKeySpkiDer?: Uint8Array }> {
    const answer = await this.api.get<{ publicKeyPem?: string }>('/ledger/checkpoints');
    const pem = answer.status === 200 ? answer.body.publicKeyPem : undefined;
    return pem ? { publicKeySpkiDer: pemToSpki(pem) } : {};
  }

  private async lanes(response: ServerResponse): Promise<void> {
    const answer = await this.api.get<IntentPage>('/intents?status=in-flight&limit=200');
    if (answer.status !== 200) {
      return this.page(
        response,
        answer.status,
        'Lanes',
        'lanes',
        html`<h1>Lanes</h1>${notice('bad', answerProblem(answer))}`,
      );
    }
    const ids = answer.body.items.map((item) => item.intentId);
    const intents: IntentWithEntries[] = [];
    for (let i = 0; i < ids.length; i += 8) {
      const batch = await Promise.all(
        ids
          .slice(i, i + 8)
          .map((id) => this.api.get<IntentWithEntries>(`/intents/${encodeURIComponent(id)}?include=entries`)),
      );
      intents.push(...batch.filter((a) => a.status === 200).map((a) => a.body));
    }
    return this.page(
      response,
      200,
      'Lanes',
      'lanes',
      lanesView(intents, answer.body.nextCursor !== undefined),
    );
  }

  private async ledger(response: ServerResponse, query: URLSearchParams): Promise<void> {
    const after = query.get('after')?.trim();
    const path = after
      ? `/ledger?after=${encodeURIComponent(after)}&limit=${ledgerPageSize}`
      : `/ledger?limit=${ledgerPageSize}`;
    const answer = await this.api.text(path);
    if (answer.status !== 200) {
      const problem = answerProblem({ status: answer.status, body: parsedProblem(answer.text) });
      return this.page(
        response,
        answer.status,
        'Ledger',
        'ledger',
        html`<h1>Ledger</h1>${notice('bad', problem.slice(0, 500))}`,
      );
    }
    const entries = answer.text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { entry: LedgerEntry; hash: string });
    const next = /after=(\d+)/.exec(answer.header('link') ?? '')?.[1];
    const checkpoints = await this.api.get<{ checkpoints?: StoredCheckpoint[] }>('/ledger/checkpoints');
    const verdictKey = query.get('verdict');
    const verdict = verdictKey ? this.verdicts.get(verdictKey) : undefined;
    return this.page(
      response,
      200,
      'Ledger',
      'ledger',
      ledgerView(
        {
          entries,
          ...(after ? { after: Number(after) } : {}),
          ...(next !== undefined ? { nextAfter: Number(next) } : {}),
          checkpoints: checkpoints.body.checkpoints ?? [],
        },
        this.session.formToken,
        verdict,
      ),
    );
  }

  private async verifyLedger(withBundles: boolean): Promise<LedgerVerdict> {
    const download = await downloadLedger(this.api.text);
    const key = pemToSpki(download.publicKeyPem);
    const audit = auditExport(download.lines, key, { checkpoints: download.checkpoints });
    if (!withBundles || !audit.ok) return { audit };
    return { audit, bundles: await auditLedgerBundles(download, this.api.text, key) };
  }

  private async evidence(response: ServerResponse, id: string): Promise<void> {
    const files = await this.bundle(id);
    if (!(files instanceof Map)) {
      return this.page(response, files.status, `Evidence of ${id}`, 'intents', files.body);
    }
    const key = await this.publicKey();
    return this.page(
      response,
      200,
      `Evidence of ${id}`,
      'intents',
      // The console runs beside the stack: its key is pinned, never the one the bundle carries.
      evidenceView(id, files, verifyBundle(files, key), key.publicKeySpkiDer !== undefined),
    );
  }

  private async archive(response: ServerResponse, id: string): Promise<void> {
    const files = await this.bundle(id);
    if (!(files instanceof Map)) {
      return this.page(response, files.status, `Evidence of ${id}`, 'intents', files.body);
    }
    const folder = `itv-evidence-${id}`;
    response.writeHead(200, {
      'content-type': 'application/x-tar',
      'content-disposition': `attachment; filename="${folder}.tar"`,
      ...securityHeaders,
    });
    response.end(ustarArchive(files, new Date(), folder));
  }

  private async bundle(id: string): Promise<Map<string, Uint8Array> | { status: number; body: Markup }> {
    try {
      return await downloadRecordedBundle(this.api.text, id);
    } catch (error) {
      // Not the bundle the ledger recorded for the intent: refused as the API refuses it.
      if (error instanceof EvidenceIntegrityError) return { status: 409, body: notice('bad', error.message) };
      if (!(error instanceof ApiAnswerError)) throw error;
      if (error.answer.status === 404) return { status: 404, body: await this.noBundle(id, error.answer) };
      return { status: error.answer.status, body: notice('bad', answerProblem(error.answer)) };
    }
  }

  /** No bundle for the intent: not yet, while it is in flight (a bundle is sealed when it concludes), or no intent. */
  private async noBundle(id: string, answer: ConsoleAnswer<unknown>): Promise<Markup> {
    const intent = await this.api.get<IntentWithEntries>(`/intents/${encodeURIComponent(id)}`);
    if (intent.status === 404) {
      return html`<h1>No such intent</h1>
<p>The ledger holds no intent <code>${id}</code>. <a href="/">Find it among the intents</a>.</p>`;
    }
    if (intent.status === 200 && intent.body.outcome === null) {
      return html`<p><a href="${intentHref(id)}">← Intent ${id}</a></p>
<h1>No evidence bundle yet</h1>
<p>The evidence bundle of ${intent.body.title ?? id} is sealed when the intent concludes; it is ${statusFilterName(intent.body.status)} now.</p>`;
    }
    return html`<h1>Evidence of ${id}</h1>${notice('bad', answerProblem(answer))}`;
  }

  private page(
    response: ServerResponse,
    status: number,
    title: string,
    view: ConsoleView | undefined,
    body: Markup,
  ): void {
    send(
      response,
      status,
      'text/html; charset=utf-8',
      page({ title, body, ...(view ? { view } : {}), target: this.api.actingAs }),
    );
  }
}

function send(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, { 'content-type': type, ...securityHeaders });
  response.end(body);
}

/** An error answer's problem+json body, or its text as the detail when it is not JSON. */
function parsedProblem(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { detail: text };
  }
}

/** A urlencoded form body, bounded; undefined when it is too large or of another type. */
async function readForm(request: IncomingMessage): Promise<URLSearchParams | undefined> {
  if (!(request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded'))
    return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxFormBytes) return undefined;
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}
