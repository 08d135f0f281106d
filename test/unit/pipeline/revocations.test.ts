import { InvalidInputError } from '../../../lambdas/core/errors.js';
import { revokeAuthority, revokedAuthority } from '../../../lambdas/core/pipeline/revocations.js';
import { verify } from '../../../lambdas/core/pipeline/verify.js';
import { makeIntent, NOW } from '../core/fixtures.js';
import { MemoryStateStore } from '../release/helpers/memory-state-store.js';
import { intentAt, pipelineHarness, runToVerify } from './helpers/pipeline-harness.js';

const later = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);

const delegated = makeIntent((d) => {
  d.authority = {
    requester: 'oscar@example.com',
    team: 'procurement',
    role: 'procurement-analyst',
    delegations: [
      {
        from: 'nina@example.com',
        role: 'procurement-lead',
        services: ['launch-flags'],
        expiresAt: '2026-12-15T00:00:00Z',
      },
    ],
  };
});

describe('revokedAuthority', () => {
  test('a revocation takes effect at its instant, not before', async () => {
    // Prepare
    const state = new MemoryStateStore();
    await revokeAuthority(
      { principal: 'alice@example.com', reason: 'left', revokedBy: 'hr@example.com', effectiveAt: later(5) },
      { state, now: NOW },
    );
    const intent = makeIntent();
    // Act
    const before = await revokedAuthority(intent, state, later(4));
    const after = await revokedAuthority(intent, state, later(5));
    // Assess
    expect(before).toBeUndefined();
    expect(after).toMatchObject({ principal: 'alice@example.com', reason: 'left', services: [] });
  });

  test('a revocation scoped to other services leaves this one alone', async () => {
    const state = new MemoryStateStore();
    await revokeAuthority(
      {
        principal: 'alice@example.com',
        services: ['pricing-engine'],
        reason: 'r',
        revokedBy: 'x@example.com',
      },
      { state, now: NOW },
    );
    expect(await revokedAuthority(makeIntent(), state, NOW)).toBeUndefined();
  });

  test('the delegator losing authority voids the delegation the requester relies on', async () => {
    const state = new MemoryStateStore();
    await revokeAuthority(
      { principal: 'nina@example.com', reason: 'r', revokedBy: 'x@example.com' },
      { state, now: NOW },
    );
    expect(await revokedAuthority(delegated, state, NOW)).toMatchObject({ principal: 'nina@example.com' });
  });

  test('revoking one delegation voids only that grant', async () => {
    // Prepare
    const state = new MemoryStateStore();
    await revokeAuthority(
      {
        principal: 'oscar@example.com',
        delegation: { from: 'nina@example.com', expiresAt: '2026-12-15T00:00:00Z' },
        reason: 'reorganisation',
        revokedBy: 'nina@example.com',
      },
      { state, now: NOW },
    );
    const renewed = makeIntent((d) => {
      d.authority = {
        ...delegated.authority,
        delegations: [{ ...delegated.authority.delegations[0]!, expiresAt: '2027-01-15T00:00:00Z' }],
      };
    });
    // Act + Assess
    expect(await revokedAuthority(delegated, state, NOW)).toMatchObject({
      delegation: { from: 'nina@example.com' },
    });
    expect(await revokedAuthority(renewed, state, NOW)).toBeUndefined();
  });

  test('a revocation names each missing field', async () => {
    const revoking = revokeAuthority(
      { principal: ' ', reason: '', revokedBy: 'x@example.com' },
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
      { principal: 'alice@example.com', reason: 'access review', revokedBy: 'security@example.com' },
      { state: h.store, now: h.clock.now() },
    );
    const again = { ...verified, declared: { ...verified.declared!, intentId: 'another-intent' } };
    // Act
    const result = await verify(again, h.deps);
    // Assess
    expect(result.passed).toBe(false);
    expect(result.results.find((r) => r.check === 'authority-not-revoked')).toMatchObject({
      passed: false,
      detail: expect.stringContaining('revoked by security@example.com'),
    });
  });
});
