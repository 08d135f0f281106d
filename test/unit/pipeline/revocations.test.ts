import { InvalidInputError } from '../../../lambdas/core/errors.js';
import { revokeAuthority, revokedAuthority } from '../../../lambdas/core/pipeline/revocations.js';
import { verify } from '../../../lambdas/core/pipeline/verify.js';
import { catalog, catalogWithDelegations, makeIntent, NOW } from '../core/fixtures.js';
import { MemoryStateStore } from '../release/helpers/memory-state-store.js';
import { intentAt, pipelineHarness, runToVerify } from './helpers/pipeline-harness.js';

const later = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);

const delegated = makeIntent((d) => {
  d.authority = {
    requester: 'oscar',
    team: 'procurement',
    role: 'procurement-analyst',
    delegations: [
      {
        from: 'nina',
        role: 'procurement-lead',
        services: ['launch-flags'],
        expiresAt: '2026-12-15T00:00:00Z',
      },
    ],
  };
});

/** The catalog records nina's delegation to oscar for launch-flags until mid-December. */
const recorded = catalogWithDelegations({
  from: 'nina',
  to: 'oscar',
  role: 'procurement-lead',
  services: ['launch-flags'],
  expiresAt: '2026-12-15T00:00:00Z',
});

describe('revokedAuthority', () => {
  test('a revocation takes effect at its instant, not before', async () => {
    // Prepare
    const state = new MemoryStateStore();
    await revokeAuthority(
      { principal: 'alice', reason: 'left', revokedBy: 'hr', effectiveAt: later(5) },
      { state, now: NOW },
    );
    const intent = makeIntent();
    // Act
    const before = await revokedAuthority(intent, catalog, state, later(4));
    const after = await revokedAuthority(intent, catalog, state, later(5));
    // Assess
    expect(before).toBeUndefined();
    expect(after).toMatchObject({ principal: 'alice', reason: 'left', services: [] });
  });

  test('a revocation scoped to other services leaves this one alone', async () => {
    const state = new MemoryStateStore();
    await revokeAuthority(
      {
        principal: 'alice',
        services: ['pricing-engine'],
        reason: 'r',
        revokedBy: 'x',
      },
      { state, now: NOW },
    );
    expect(await revokedAuthority(makeIntent(), catalog, state, NOW)).toBeUndefined();
  });

  test('the delegator losing authority voids the delegation the requester relies on', async () => {
    const state = new MemoryStateStore();
    await revokeAuthority({ principal: 'nina', reason: 'r', revokedBy: 'x' }, { state, now: NOW });
    expect(await revokedAuthority(delegated, recorded, state, NOW)).toMatchObject({ principal: 'nina' });
  });

  test('revoking one delegation voids only that grant', async () => {
    // Prepare
    const state = new MemoryStateStore();
    await revokeAuthority(
      {
        principal: 'oscar',
        delegation: { from: 'nina', expiresAt: '2026-12-15T00:00:00Z' },
        reason: 'reorganisation',
        revokedBy: 'nina',
      },
      { state, now: NOW },
    );
    const renewed = catalogWithDelegations({
      from: 'nina',
      to: 'oscar',
      role: 'procurement-lead',
      services: ['launch-flags'],
      expiresAt: '2027-01-15T00:00:00Z',
    });
    const onlyRenewed = {
      ...renewed,
      delegations: renewed.delegations.filter((d) => d.to !== 'oscar' || d.expiresAt.startsWith('2027')),
    };
    // Act + Assess
    expect(await revokedAuthority(delegated, recorded, state, NOW)).toMatchObject({
      delegation: { from: 'nina' },
    });
    expect(await revokedAuthority(delegated, onlyRenewed, state, NOW)).toBeUndefined();
  });

  test('a revoked delegation leaves authority standing while another live one is relied on', async () => {
    // Prepare: oscar holds two grants from nina for launch-flags; the December one is revoked
    const state = new MemoryStateStore();
    const both = catalogWithDelegations(
      {
        from: 'nina',
        to: 'oscar',
        role: 'procurement-lead',
        services: ['launch-flags'],
        expiresAt: '2026-12-15T00:00:00Z',
      },
      {
        from: 'nina',
        to: 'oscar',
        role: 'procurement-lead',
        services: ['launch-flags'],
        expiresAt: '2027-01-15T00:00:00Z',
      },
    );
    await revokeAuthority(
      {
        principal: 'oscar',
        delegation: { from: 'nina', expiresAt: '2026-12-15T00:00:00Z' },
        reason: 'superseded',
        revokedBy: 'nina',
      },
      { state, now: NOW },
    );
    const citingNone = makeIntent((d) => {
      d.authority = { ...delegated.authority, delegations: [] };
    });
    // Act + Assess: relying on every grant held, the January one stands; citing the revoked one, it is void
    expect(await revokedAuthority(citingNone, both, state, NOW)).toBeUndefined();
    expect(await revokedAuthority(delegated, both, state, NOW)).toMatchObject({ reason: 'superseded' });
  });

  test('a revocation names each missing field', async () => {
    const revoking = revokeAuthority(
      { principal: ' ', reason: '', revokedBy: 'x' },
      { state: new MemoryStateStore(), now: NOW },
    );
    await expect(revoking).rejects.toThrow(InvalidInputError);
    await expect(revoking).rejects.toMatchObject({
      issues: [
        { path: 'principal', message: 'must name a principal' },
        { path: 'reason', message: 'must say why' },
      ],
    });
  });
});

describe('Verify with revoked authority', () => {
  test('fails the authority check, naming who revoked it', async () => {
    // Prepare
    const h = pipelineHarness();
    const verified = await runToVerify(h, intentAt(h));
    await revokeAuthority(
      { principal: 'alice', reason: 'access review', revokedBy: 'security' },
      { state: h.store, now: h.clock.now() },
    );
    const again = { ...verified, declared: { ...verified.declared!, intentId: 'another-intent' } };
    // Act
    const result = await verify(again, h.deps);
    // Assess
    expect(result.passed).toBe(false);
    expect(result.results.find((r) => r.check === 'authority-not-revoked')).toMatchObject({
      passed: false,
      detail: expect.stringContaining('revoked by security'),
    });
  });
});
