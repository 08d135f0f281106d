import { InvalidInputError } from '../../../lambdas/core/errors.js';
import { grantDelegation } from '../../../lambdas/core/pipeline/delegations.js';
import { delegationFilter, listDelegations } from '../../../lambdas/core/pipeline/list-delegations.js';
import { revokeGrantedDelegation } from '../../../lambdas/core/pipeline/revoke-delegation.js';
import type { Caller } from '../../../lambdas/core/principals/index.js';
import { catalog, catalogWithDelegations, NOW } from '../core/fixtures.js';
import { MemoryStateStore } from '../release/helpers/memory-state-store.js';

const as = (principal: string): Caller => ({ principal, authenticatedAs: { method: 'local', via: 'test' } });
const inDays = (days: number) => new Date(NOW.getTime() + days * 86_400_000).toISOString();
const later = (days: number) => new Date(NOW.getTime() + days * 86_400_000);

describe('the list of delegations', () => {
  test("lists the catalog's standing delegations and those granted at run time, a granted one with its id and grantor", async () => {
    // Prepare
    const state = new MemoryStateStore();
    const granted = await grantDelegation(
      { to: 'ivan', role: 'sre', services: ['incident-router'], expiresAt: inDays(14), reason: 'offsite' },
      as('grace'),
      { state, catalog, now: NOW },
    );
    // Act
    const listed = await listDelegations({}, { catalog, state, now: NOW });
    // Assess
    expect(listed).toHaveLength(catalog.delegations.length + 1);
    expect(listed.filter((d) => d.source === 'catalog')).toHaveLength(catalog.delegations.length);
    expect(listed.find((d) => d.source === 'granted')).toEqual({
      from: 'grace',
      to: 'ivan',
      role: 'sre',
      services: ['incident-router'],
      expiresAt: granted.expiresAt,
      reason: 'offsite',
      source: 'granted',
      status: 'live',
      id: `ivan~grace~${granted.expiresAt}`,
      grantedBy: as('grace'),
      grantedAt: NOW.toISOString(),
    });
    const expiries = listed.map((d) => d.expiresAt);
    expect(expiries).toEqual([...expiries].sort().reverse());
  });

  test('a revoked delegation is listed as revoked, with who revoked it, when and why; an expired one as expired', async () => {
    // Prepare
    const state = new MemoryStateStore();
    const granted = await grantDelegation(
      { to: 'ivan', role: 'sre', services: ['incident-router'], expiresAt: inDays(2), reason: 'offsite' },
      as('grace'),
      { state, catalog, now: NOW },
    );
    const id = `ivan~grace~${granted.expiresAt}`;
    // Act
    const before = await listDelegations({ principal: 'ivan' }, { catalog, state, now: NOW });
    await revokeGrantedDelegation(id, 'back early', as('grace'), { state, now: later(1) });
    const revoked = await listDelegations({ principal: 'ivan' }, { catalog, state, now: later(1) });
    const afterExpiry = await listDelegations({ principal: 'ivan' }, { catalog, state, now: later(3) });
    // Assess
    expect(before.map((d) => [d.id, d.status])).toEqual([[id, 'live']]);
    expect(revoked.map((d) => [d.id, d.status, d.revocation])).toEqual([
      [
        id,
        'revoked',
        {
          revokedBy: 'grace',
          reason: 'back early',
          effectiveAt: later(1).toISOString(),
          recordedAt: later(1).toISOString(),
        },
      ],
    ]);
    // Revoked stays revoked after its expiry: what happened to it is the revocation.
    expect(afterExpiry.map((d) => d.status)).toEqual(['revoked']);
    const other = await grantDelegation(
      { to: 'ivan', role: 'sre', services: ['incident-router'], expiresAt: inDays(3), reason: 'cover' },
      as('grace'),
      { state, catalog, now: NOW },
    );
    const both = await listDelegations({ principal: 'ivan' }, { catalog, state, now: later(4) });
    expect(both.map((d) => [d.expiresAt, d.status])).toEqual([
      [other.expiresAt, 'expired'],
      [granted.expiresAt, 'revoked'],
    ]);
  });

  test('filters by a principal on either side, and by status', async () => {
    // Prepare
    const state = new MemoryStateStore();
    await grantDelegation(
      { to: 'ivan', role: 'sre', services: ['incident-router'], expiresAt: inDays(14), reason: 'offsite' },
      as('grace'),
      { state, catalog, now: NOW },
    );
    const lapsed = {
      from: 'grace',
      to: 'heidi',
      role: 'sre',
      services: ['incident-router'],
      expiresAt: inDays(-1),
    };
    const deps = { catalog: catalogWithDelegations(lapsed), state, now: NOW };
    // Act
    const byGrantor = await listDelegations({ principal: 'grace' }, deps);
    const byGrantee = await listDelegations({ principal: 'ivan' }, deps);
    const expired = await listDelegations({ status: 'expired' }, deps);
    // Assess
    expect(byGrantor.length).toBeGreaterThan(0);
    expect(byGrantor.every((d) => d.from === 'grace' || d.to === 'grace')).toBe(true);
    expect(byGrantee.map((d) => `${d.from}->${d.to}`)).toEqual(['grace->ivan']);
    expect(expired).toEqual([{ ...lapsed, source: 'catalog', status: 'expired' }]);
  });

  test('a principal the catalog lacks or an unknown status is bad input naming the parameter; an e-mail finds its principal', () => {
    expect(delegationFilter({ principal: 'ivan@example.com', status: 'live' }, catalog)).toEqual({
      principal: 'ivan',
      status: 'live',
    });
    let error: unknown;
    try {
      delegationFilter({ principal: 'nobody', status: 'pending' }, catalog);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).issues).toEqual([
      { path: 'principal', message: expect.stringMatching(/^"nobody" is not a principal in the catalog/) },
      { path: 'status', message: '"pending" is not a delegation status; one of live, expired, revoked' },
    ]);
  });
});
