import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localApi } from '../../../cli/control-plane/api.js';
import { LocalExecutions } from '../../../cli/runtime/local-executions.js';
import { bearerCaller, issueToken } from '../../../cli/runtime/local-tokens.js';
import { type Session, withSession } from '../../../cli/session.js';
import { intentsBudgetMs } from '../../support/time-budget.js';

const example = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../../examples/${name}`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  > & { authority: Record<string, unknown> };

/** Before nina's recorded delegation to oscar expires (2099-12-31), on a Wednesday outside every freeze. */
const beforeExpiry = new Date('2026-11-04T15:00:00Z');

/**
 * The API Gateway routes over local HTTP, answered by the same handler functions the Lambdas run, with a
 * bearer token `itv token` issued in the place of SigV4: the caller is who the token was issued to.
 */
describe('itv serve', () => {
  let home: string;
  const tokens: Record<string, string> = {};
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'itv-serve-'));
    for (const principal of ['alice', 'rachel', 'oscar', 'xavier', 'victor']) {
      tokens[principal] = issueToken(home, principal);
    }
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  async function withApi(
    work: (call: Caller, executions: LocalExecutions, session: Session) => Promise<void>,
    clockStart = beforeExpiry,
  ) {
    await withSession({ home, inMemory: true, clockStart }, async (session: Session) => {
      const executions = new LocalExecutions(
        session.pipeline,
        session.stack.deps.ledger,
        session.stack.deps.ledgerName,
      );
      const server: Server = createServer(
        (req, res) =>
          void localApi(session.stack, executions, { authenticate: bearerCaller(home) })(req, res),
      );
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const call: Caller = async (path, who, body) => {
        const headers: Record<string, string> = who ? { authorization: `Bearer ${tokens[who] ?? who}` } : {};
        const response = await fetch(`${base}${path}`, {
          method: body === undefined ? 'GET' : 'POST',
          headers,
          ...(body === undefined
            ? {}
            : { body: JSON.stringify(body), headers: { ...headers, 'content-type': 'application/json' } }),
        });
        return { status: response.status, body: (await response.json()) as Record<string, unknown> };
      };
      try {
        await work(call, executions, session);
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await executions.idle();
      }
    });
  }
  type Caller = (
    path: string,
    who: string | undefined,
    body?: unknown,
  ) => Promise<{ status: number; body: Record<string, unknown> }>;

  test('tokens are kept as digests only, in a file only the owner can read', () => {
    const file = readFileSync(join(home, 'tokens.json'), 'utf8');
    expect(file).not.toContain(tokens.alice);
    expect(file).toContain('"alice"');
    expect(statSync(join(home, 'tokens.json')).mode & 0o777).toBe(0o600);
  });

  test(
    'submit, duplicate, status, bad input, review',
    async () => {
      await withApi(async (call, executions) => {
        // Act: a low-risk intent, submitted by its requester
        const low = { ...example('01-low-risk-flag.json'), id: 'api-low-1' };
        const first = await call('/intents', 'alice', low);
        const again = await call('/intents', 'alice', low);
        await executions.idle();
        const status = await call('/intents/api-low-1', 'alice');

        // Assess
        expect(first.status).toBe(202);
        expect(again.status).toBe(200);
        expect(again.body).toMatchObject({ duplicate: true });
        expect(status.body).toMatchObject({ intentId: 'api-low-1', status: 'released' });

        // Bad input names the field
        const bad = await call('/intents', 'alice', { ...low, timestamp: 'soon' });
        expect(bad.status).toBe(400);
        expect(JSON.stringify(bad.body)).toContain('timestamp');
        expect((await call('/intents/nope', 'alice')).status).toBe(404);

        // A high-risk intent waits for review; the caller is the reviewer of record
        const high = { ...example('04-high-risk-review.json'), id: 'api-high-1' };
        expect((await call('/intents', 'victor', high)).status).toBe(202);
        await executions.idle();
        expect((await call('/intents/api-high-1', 'alice')).body).toMatchObject({
          status: 'awaiting-review',
        });
        const approve = (who: string) => call('/intents/api-high-1/review', who, { decision: 'approve' });
        expect((await approve('alice')).status).toBe(403);
        expect((await approve('victor')).status).toBe(403); // the requester
        const approved = await approve('xavier');
        expect(approved.status).toBe(200);
        expect(approved.body).toMatchObject({
          review: {
            reviewer: 'xavier',
            authenticatedAs: { method: 'local', via: 'itv serve bearer token' },
          },
        });
        await executions.idle();
        expect((await call('/intents/api-high-1', 'alice')).body).toMatchObject({ status: 'released' });
        expect((await approve('xavier')).status).toBe(409);
      });
    },
    intentsBudgetMs(4),
  );

  test(
    'no token, or one nobody issued, is refused before anything is recorded',
    async () => {
      await withApi(async (call, _executions, session) => {
        const intent = { ...example('01-low-risk-flag.json'), id: 'api-anonymous-1' };
        const none = await call('/intents', undefined, intent);
        const forged = await call('/intents', 'itv_not-a-token-anybody-issued', intent);
        expect(none.status).toBe(401);
        expect(JSON.stringify(none.body)).toContain('authorization');
        expect(forged.status).toBe(401);
        expect(await session.stack.deps.ledger.forIntent('main', 'api-anonymous-1')).toEqual([]);
      });
    },
    intentsBudgetMs(2),
  );

  test(
    'naming the service owner as requester is refused (403); the intent is never recorded',
    async () => {
      await withApi(async (call, _executions, session) => {
        // rachel (support) edits the sample to name grace, who owns the incident router
        const sample = example('03-policy-reject.json');
        const forged = {
          ...sample,
          id: 'api-forged-1',
          authority: { ...sample.authority, requester: 'grace' },
        };
        const byEmail = {
          ...forged,
          id: 'api-forged-2',
          authority: { ...sample.authority, requester: 'grace@example.com' },
        };
        const viaOnBehalf = {
          ...forged,
          id: 'api-forged-3',
          authority: { ...sample.authority, requester: 'rachel', onBehalfOf: 'grace' },
        };
        for (const intent of [forged, byEmail, viaOnBehalf]) {
          const answer = await call('/intents', 'rachel', intent);
          expect(answer.status).toBe(403);
          expect(answer.body).toMatchObject({ error: 'ImpersonationError' });
          expect(String(answer.body.message)).toMatch(/you are rachel, not grace/);
          expect(await session.stack.deps.ledger.forIntent('main', intent.id)).toEqual([]);
        }
      });
    },
    intentsBudgetMs(3),
  );

  test(
    'an intent without a requester takes the caller; one naming the caller by e-mail is the caller',
    async () => {
      await withApi(async (call, executions, session) => {
        const sample = example('01-low-risk-flag.json');
        const { requester: _left, ...noRequester } = sample.authority;
        const anonymous = { ...sample, id: 'api-self-1', authority: noRequester };
        const byEmail = {
          ...sample,
          id: 'api-self-2',
          authority: { ...sample.authority, requester: 'alice@example.com' },
        };
        expect((await call('/intents', 'alice', anonymous)).status).toBe(202);
        expect((await call('/intents', 'alice', byEmail)).status).toBe(202);
        await executions.idle();
        for (const id of ['api-self-1', 'api-self-2']) {
          const entries = await session.stack.deps.ledger.forIntent('main', id);
          const declared = entries.find((s) => s.entry.type === 'intent.declared')?.entry.payload;
          expect(declared).toMatchObject({
            authority: { requester: 'alice' },
            submittedBy: { principal: 'alice', authenticatedAs: { method: 'local' } },
            binding: { basis: 'self' },
          });
        }
      });
    },
    intentsBudgetMs(2),
  );

  test(
    'a recorded delegation lets its holder act for its grantor, on its services only',
    async () => {
      await withApi(async (call, executions, session) => {
        const sample = example('09-procurement-delegated.json');
        // oscar names nina, who delegated the procurement service to him (catalog/delegations.ts)
        const forNina = {
          ...sample,
          id: 'api-delegated-1',
          authority: { ...sample.authority, requester: 'nina', delegations: [] },
        };
        // the same delegation does not cover launch-flags
        const lowRisk = example('01-low-risk-flag.json');
        const elsewhere = {
          ...lowRisk,
          id: 'api-delegated-2',
          authority: { ...lowRisk.authority, requester: 'nina' },
        };
        // a delegation the intent asserts but the catalog does not record
        const invented = {
          ...sample,
          id: 'api-delegated-3',
          authority: {
            ...sample.authority,
            delegations: [
              {
                from: 'nina',
                role: 'procurement-lead',
                services: ['procurement'],
                expiresAt: '2030-01-01T00:00:00Z',
              },
            ],
          },
        };
        const accepted = await call('/intents', 'oscar', forNina);
        const outside = await call('/intents', 'oscar', elsewhere);
        const made = await call('/intents', 'oscar', invented);
        await executions.idle();

        expect(accepted.status).toBe(202);
        const entries = await session.stack.deps.ledger.forIntent('main', 'api-delegated-1');
        expect(entries.find((s) => s.entry.type === 'intent.declared')?.entry.payload).toMatchObject({
          authority: { requester: 'oscar', onBehalfOf: 'nina' },
          binding: { basis: 'delegation', onBehalfOf: 'nina', delegation: { from: 'nina', to: 'oscar' } },
        });
        expect(outside.status).toBe(403);
        expect(String(outside.body.message)).toMatch(/no delegation from nina to oscar for launch-flags/);
        expect(made.status).toBe(403);
        expect(made.body).toMatchObject({ field: 'authority.delegations[0]' });
      });
    },
    intentsBudgetMs(3),
  );

  test(
    'a delegation stops working when it expires',
    async () => {
      await withApi(async (call, _executions, session) => {
        const sample = example('09-procurement-delegated.json');
        const forNina = {
          ...sample,
          id: 'api-expired-1',
          authority: { ...sample.authority, requester: 'nina' },
        };
        const answer = await call('/intents', 'oscar', forNina);
        expect(answer.status).toBe(403);
        expect(String(answer.body.message)).toMatch(
          /delegation from nina for procurement expired at 2099-12-31/,
        );
        expect(await session.stack.deps.ledger.forIntent('main', 'api-expired-1')).toEqual([]);
      }, new Date('2100-01-06T15:00:00Z'));
    },
    intentsBudgetMs(1),
  );
});
