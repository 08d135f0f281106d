import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bearerCaller, issueToken } from '../../../cli/runtime/local-tokens.js';
import { stateKeys } from '../../../lambdas/core/state-keys.js';
import { type LocalApiServer, startLocalApi } from '../../support/local-api-server.js';
import { intentsBudgetMs, setupMs } from '../../support/time-budget.js';

const example = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../../examples/${name}`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  > & { authority: Record<string, unknown> };

/** A Wednesday afternoon outside every freeze. */
const start = new Date('2026-11-04T15:00:00Z');
const inAWeek = '2026-11-11T15:00:00.000Z';

/**
 * `POST /delegations` and `DELETE /delegations/{id}` on the local API: the grantor is the authenticated
 * caller (a bearer token here, the IAM caller on AWS), never a field of the request, and only the grantor
 * revokes; bad input is refused before anything is written.
 */
describe('POST /delegations, DELETE /delegations/{id}', () => {
  let home: string;
  let api: LocalApiServer;
  const tokens: Record<string, string> = {};
  const call = async (method: string, path: string, who: string | undefined, body?: unknown) => {
    const response = await fetch(`${api.base}${path}`, {
      method,
      headers: {
        ...(who ? { authorization: `Bearer ${tokens[who] ?? who}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return {
      status: response.status,
      location: response.headers.get('location'),
      body: (await response.json()) as Record<string, unknown>,
    };
  };
  const grantsTo = async (principal: string) => api.stack.deps.state.list(stateKeys.delegation(principal).pk);
  const revocationsOf = async (principal: string) =>
    api.stack.deps.state.list(stateKeys.revocation(principal).pk);
  const grant = {
    to: 'bob',
    services: ['launch-flags'],
    role: 'engineer',
    expiresAt: inAWeek,
    reason: 'on call',
  };

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'itv-delegation-routes-'));
    for (const principal of ['alice', 'bob', 'grace']) tokens[principal] = issueToken(home, principal);
    api = await startLocalApi(home, bearerCaller(home), start);
  }, setupMs);
  afterAll(async () => {
    await api?.close();
    rmSync(home, { recursive: true, force: true });
  }, setupMs);

  test('a grant naming a grantor or a bad expiry is a 400, and one of a service the caller does not own a 403, naming the field; nothing is written', async () => {
    // Act
    const naming = await call('POST', '/delegations', 'bob', { ...grant, to: 'carol', from: 'alice' });
    const notOwned = await call('POST', '/delegations', 'alice', { ...grant, services: ['incident-router'] });
    const badExpiry = await call('POST', '/delegations', 'alice', { ...grant, expiresAt: 'next week' });
    const noServices = await call('POST', '/delegations', 'alice', { ...grant, services: [] });

    // Assess
    expect([naming.status, naming.body.issues]).toEqual([
      400,
      [{ path: 'from', message: 'the grantor is the authenticated caller, never a field of the request' }],
    ]);
    expect([notOwned.status, notOwned.body.error]).toEqual([403, 'NotAServiceOwnerError']);
    expect(notOwned.body.issues).toEqual([
      expect.objectContaining({
        path: 'services[0]',
        message: expect.stringMatching(/alice does not own incident-router/),
      }),
    ]);
    expect(badExpiry.status).toBe(400);
    expect(JSON.stringify(badExpiry.body.issues)).toContain('expiresAt');
    expect(noServices.status).toBe(400);
    expect(JSON.stringify(noServices.body.issues)).toContain('services');
    expect(await grantsTo('bob')).toEqual([]);
    expect(await grantsTo('carol')).toEqual([]);
  });

  test('a name every object inherits is no principal and no service: a token for constructor is 401, a grant to it or over __proto__ is 400 naming the field', async () => {
    // Prepare: a token the local runtime would issue for a name it took for a principal.
    const constructorToken = issueToken(home, 'constructor');

    // Act
    const asConstructor = await call('POST', '/delegations', constructorToken, grant);
    const toConstructor = await call('POST', '/delegations', 'alice', { ...grant, to: 'constructor' });
    const overInherited = await Promise.all(
      ['constructor', '__proto__', 'toString'].map((service) =>
        call('POST', '/delegations', 'alice', { ...grant, services: [service] }),
      ),
    );

    // Assess
    expect(asConstructor.status).toBe(401);
    expect([toConstructor.status, JSON.stringify(toConstructor.body.issues)]).toEqual([
      400,
      expect.stringContaining('"path":"to"'),
    ]);
    for (const refused of overInherited) {
      expect([refused.status, JSON.stringify(refused.body.issues)]).toEqual([
        400,
        expect.stringContaining('"path":"services[0]"'),
      ]);
    }
    expect(await grantsTo('constructor')).toEqual([]);
    expect(await grantsTo('bob')).toEqual([]);
  });

  test('no token and a token nobody issued are both 401 with the scheme to use, before anything is written', async () => {
    const none = await call('POST', '/delegations', undefined, grant);
    const forged = await call('POST', '/delegations', 'itv_not-a-token-anybody-issued', grant);
    expect(none.status).toBe(401);
    expect(forged.status).toBe(401);
    expect(forged.body).toMatchObject({ error: 'UnknownCallerError', status: 401 });
    expect(await grantsTo('bob')).toEqual([]);
  });

  test(
    'the owner grants (201, Location); only the grantor revokes (403 otherwise, 404 for an id nobody granted); revoking twice records once; the revocation stops a change relying on it',
    async () => {
      // Act: alice, who owns launch-flags, lets bob act for her.
      const granted = await call('POST', '/delegations', 'alice', grant);

      // Assess
      const id = `bob~alice~${inAWeek}`;
      expect(granted.status).toBe(201);
      expect(granted.location).toBe(`/delegations/${encodeURIComponent(id)}`);
      expect(granted.body).toMatchObject({
        id,
        from: 'alice',
        to: 'bob',
        services: ['launch-flags'],
        grantedBy: { principal: 'alice', authenticatedAs: { method: 'local' } },
      });
      expect(await grantsTo('bob')).toHaveLength(1);

      // Act: revocations refused, then the grantor's.
      const path = (delegation: string, reason = 'rotation ended') =>
        `/delegations/${encodeURIComponent(delegation)}?reason=${encodeURIComponent(reason)}`;
      const byGrantee = await call('DELETE', path(id), 'bob');
      const byOther = await call('DELETE', path(id), 'grace');
      const unknown = await call('DELETE', path(`bob~grace~${inAWeek}`), 'grace');
      const malformed = await call('DELETE', path('bob-alice'), 'alice');
      const noReason = await call('DELETE', `/delegations/${encodeURIComponent(id)}`, 'alice');
      expect(await revocationsOf('bob')).toEqual([]);
      // bob submits alice's change while the grant stands, as it lets him.
      const live = { ...example('01-low-risk-flag.json'), id: 'delegation-live-1' };
      const submittedLive = await call('POST', '/intents', 'bob', live);
      await api.executions.idle();
      const revoked = await call('DELETE', path(id), 'alice');
      const again = await call('DELETE', path(id), 'alice');

      // Assess
      expect([byGrantee.status, byGrantee.body.error]).toEqual([403, 'NotTheGrantorError']);
      expect([byOther.status, byOther.body.error]).toEqual([403, 'NotTheGrantorError']);
      expect(unknown.status).toBe(404);
      expect([malformed.status, malformed.body.issues]).toEqual([
        400,
        [expect.objectContaining({ path: 'path.id' })],
      ]);
      expect([noReason.status, noReason.body.issues]).toEqual([
        400,
        [expect.objectContaining({ path: 'query.reason' })],
      ]);
      expect(revoked.status).toBe(200);
      expect(revoked.body).toMatchObject({
        alreadyRevoked: false,
        revocation: {
          principal: 'bob',
          delegation: { from: 'alice', expiresAt: inAWeek },
          revokedBy: 'alice',
        },
      });
      expect(again.body).toMatchObject({ alreadyRevoked: true });
      expect(await revocationsOf('bob')).toHaveLength(1);

      // Act: bob submits another of alice's changes once the grant is revoked: the door refuses it.
      const intent = { ...example('01-low-risk-flag.json'), id: 'delegation-revoked-1' };
      const submitted = await call('POST', '/intents', 'bob', intent);
      await api.executions.idle();
      const status = await call('GET', '/intents/delegation-revoked-1', 'alice');

      // Assess: the change made under the live grant records it in its declaration, who granted it and when, as
      // the ledger's own record of the grant (the state table's item is not hash-chained).
      expect(submittedLive.status).toBe(202);
      const declared = (await api.stack.deps.ledger.forIntent(api.stack.deps.ledgerName, 'delegation-live-1'))
        .map((stored) => stored.entry)
        .find((entry) => entry.type === 'intent.declared');
      expect(declared?.payload.binding).toMatchObject({
        basis: 'delegation',
        onBehalfOf: 'alice',
        delegation: {
          from: 'alice',
          to: 'bob',
          expiresAt: inAWeek,
          grantedAt: start.toISOString(),
          grantedBy: { principal: 'alice', authenticatedAs: { method: 'local' } },
        },
      });
      // The revoked grant binds nothing: refused like no grant at all, naming the revocation, nothing recorded.
      expect([submitted.status, submitted.body.error]).toEqual([403, 'ImpersonationError']);
      expect(String(submitted.body.message)).toMatch(
        /^authority\.requester: you are bob, and your delegation from alice for launch-flags was revoked: .*revoked by alice/,
      );
      expect(status.status).toBe(404);
      expect(
        await api.stack.deps.ledger.forIntent(api.stack.deps.ledgerName, 'delegation-revoked-1'),
      ).toEqual([]);

      // Act: the same delegation granted again (it stays revoked: 201 would say it took effect), then one that
      // lasts until another instant, which is a new delegation.
      const regranted = await call('POST', '/delegations', 'alice', grant);
      const anew = await call('POST', '/delegations', 'alice', {
        ...grant,
        expiresAt: '2026-11-12T15:00:00.000Z',
      });

      // Assess
      expect([regranted.status, regranted.body.error, regranted.body.issues]).toEqual([
        409,
        'DelegationRevokedError',
        [
          {
            path: 'state',
            message: `the delegation ${id} was revoked by alice: it stays revoked; grant one with another expiresAt`,
          },
        ],
      ]);
      expect(anew.status).toBe(201);
      expect(
        (await grantsTo('bob')).map((item) => (item.data as { expiresAt: string }).expiresAt).sort(),
      ).toEqual([inAWeek, '2026-11-12T15:00:00.000Z']);

      // Act: the live one granted again as it is, and with another role (which would widen it in place).
      const repeated = await call('POST', '/delegations', 'alice', {
        ...grant,
        expiresAt: '2026-11-12T15:00:00.000Z',
      });
      const widened = await call('POST', '/delegations', 'alice', {
        ...grant,
        role: 'product-manager',
        expiresAt: '2026-11-12T15:00:00.000Z',
      });

      // Assess: the repeat answers the grant as made; the other terms are 409, the grant unchanged.
      expect(repeated.status).toBe(201);
      expect(repeated.body).toEqual(anew.body);
      expect([widened.status, widened.body.error]).toEqual([409, 'DelegationExistsError']);
      expect(String(widened.body.detail ?? widened.body.message)).toMatch(
        /already granted \(engineer over launch-flags/,
      );
      const kept = (await grantsTo('bob')).find(
        (item) => (item.data as { expiresAt: string }).expiresAt === '2026-11-12T15:00:00.000Z',
      );
      expect(kept?.data).toMatchObject({ role: 'engineer' });
    },
    intentsBudgetMs(1),
  );

  test('GET /delegations lists grants by a principal on either side with their status and id; a bad filter is a 400 naming it', async () => {
    // Prepare: alice lets carol act for her until the week's end, and takes it back.
    const until = '2026-11-10T15:00:00.000Z';
    const granted = await call('POST', '/delegations', 'alice', { ...grant, to: 'carol', expiresAt: until });
    const id = `carol~alice~${until}`;
    const live = await call('GET', '/delegations?principal=carol', 'bob');
    await call('DELETE', `/delegations/${encodeURIComponent(id)}?reason=done`, 'alice');

    // Act
    const revoked = await call('GET', '/delegations?principal=carol%40example.com&status=revoked', 'grace');
    const byAlice = await call('GET', '/delegations?principal=alice', 'grace');
    const bad = await call('GET', '/delegations?principal=nobody&status=pending', 'grace');
    const unread = await call('GET', '/delegations?to=carol', 'grace');
    const anonymous = await call('GET', '/delegations', undefined);

    // Assess
    expect(granted.status).toBe(201);
    expect([live.status, live.body.delegations]).toEqual([
      200,
      [expect.objectContaining({ id, from: 'alice', to: 'carol', source: 'granted', status: 'live' })],
    ]);
    expect(revoked.body.delegations).toEqual([
      expect.objectContaining({
        id,
        status: 'revoked',
        revocation: expect.objectContaining({ revokedBy: 'alice', reason: 'done' }),
      }),
    ]);
    const fromAlice = byAlice.body.delegations as Array<{ from: string; to: string }>;
    expect(fromAlice.map((d) => d.to)).toEqual(expect.arrayContaining(['bob', 'carol', 'ci-growth']));
    expect(fromAlice.every((d) => d.from === 'alice' || d.to === 'alice')).toBe(true);
    expect([bad.status, (bad.body.issues as Array<{ path: string }>).map((issue) => issue.path)]).toEqual([
      400,
      ['query.principal', 'query.status'],
    ]);
    expect([unread.status, unread.body.issues]).toEqual([
      400,
      [expect.objectContaining({ path: 'query.to' })],
    ]);
    expect(anonymous.status).toBe(401);
  });

  test('the Location a grant answers is GET-able: the delegation as the list shows it; an id nobody granted is 404', async () => {
    // Prepare
    const granted = await call('POST', '/delegations', 'alice', {
      ...grant,
      to: 'grace',
      expiresAt: '2026-11-12T15:00:00.000Z',
    });

    // Act
    const followed = await call('GET', granted.location ?? '', 'bob');
    const unknown = await call('GET', '/delegations/grace~alice~2030-01-01T00:00:00.000Z', 'bob');
    const malformed = await call('GET', '/delegations/nope', 'bob');
    const anonymous = await call('GET', granted.location ?? '', undefined);

    // Assess
    expect(granted.status).toBe(201);
    expect([followed.status, followed.body]).toEqual([
      200,
      expect.objectContaining({
        id: granted.body.id,
        from: 'alice',
        to: 'grace',
        source: 'granted',
        status: 'live',
      }),
    ]);
    expect([unknown.status, unknown.body.issues]).toEqual([
      404,
      [expect.objectContaining({ path: 'path.id' })],
    ]);
    expect([malformed.status, malformed.body.issues]).toEqual([
      400,
      [expect.objectContaining({ path: 'path.id' })],
    ]);
    expect(anonymous.status).toBe(401);
  });
});
