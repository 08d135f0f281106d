import { readFileSync } from 'node:fs';
import { bindSubmission } from '../../../lambdas/api/submission.js';
import { ImpersonationError } from '../../../lambdas/core/errors.js';
import { grantDelegation } from '../../../lambdas/core/pipeline/delegations.js';
import { revokeAuthority } from '../../../lambdas/core/pipeline/revocations.js';
import type { Caller } from '../../../lambdas/core/principals/index.js';
import { catalog, NOW } from '../core/fixtures.js';
import { MemoryStateStore } from '../release/helpers/memory-state-store.js';

const example = JSON.parse(
  readFileSync(new URL('../../../examples/01-low-risk-flag.json', import.meta.url), 'utf8'),
) as { authority: Record<string, unknown> };
const as = (principal: string): Caller => ({ principal, authenticatedAs: { method: 'local', via: 'test' } });
const later = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);

/**
 * Only a live delegation binds a change to the person it is made for: one revoked (itself, or its grantor's whole
 * authority) is refused at the door like none at all, naming the revocation, before anything is recorded — not
 * admitted as bound to it and left to policy to reject.
 */
describe('a revoked delegation does not bind at the door', () => {
  const grantThen = async (
    revoke: (state: MemoryStateStore, granted: { expiresAt: string }) => Promise<unknown>,
  ) => {
    const state = new MemoryStateStore();
    const granted = await grantDelegation(
      {
        to: 'bob',
        role: 'engineer',
        services: ['launch-flags'],
        expiresAt: later(60 * 24).toISOString(),
        reason: 'cover',
      },
      as('alice'),
      { state, catalog, now: NOW },
    );
    await revoke(state, granted);
    return state;
  };
  const onBehalf = { ...example, authority: { ...example.authority, requester: 'alice' } };

  test('the delegation itself revoked: 403 naming the field and the revocation', async () => {
    // Prepare
    // The revocation names the delegation by its grantor and expiry, as `itv delegate revoke` records it.
    const state = await grantThen((state, granted) =>
      revokeAuthority(
        {
          principal: 'bob',
          services: ['launch-flags'],
          delegation: { from: 'alice', expiresAt: granted.expiresAt },
          reason: 'done',
          revokedBy: 'alice',
        },
        { state, now: later(1) },
      ),
    );

    // Act
    const bound = bindSubmission(onBehalf, as('bob'), { catalog, state } as never, later(2));

    // Assess
    await expect(bound).rejects.toBeInstanceOf(ImpersonationError);
    await expect(bound).rejects.toMatchObject({
      field: 'authority.requester',
      message: `authority.requester: you are bob, and your delegation from alice for launch-flags was revoked: delegation from alice to bob over launch-flags revoked by alice from ${later(1).toISOString()}: done`,
    });
  });

  test("the grantor's whole authority revoked: the delegation from them binds nothing either", async () => {
    // Prepare
    const state = await grantThen((state) =>
      revokeAuthority(
        { principal: 'alice', reason: 'left the team', revokedBy: 'hr' },
        { state, now: later(1) },
      ),
    );

    // Act
    const bound = bindSubmission(onBehalf, as('bob'), { catalog, state } as never, later(2));

    // Assess
    await expect(bound).rejects.toMatchObject({
      field: 'authority.requester',
      message: expect.stringContaining(
        'your delegation from alice for launch-flags was revoked: authority of alice over every service revoked by hr',
      ),
    });
  });

  test('before the revocation takes effect the delegation still binds', async () => {
    // Prepare
    const state = await grantThen((state) =>
      revokeAuthority(
        { principal: 'alice', reason: 'leaving', revokedBy: 'hr', effectiveAt: later(10) },
        { state, now: later(1) },
      ),
    );

    // Act
    const { binding } = await bindSubmission(onBehalf, as('bob'), { catalog, state } as never, later(2));

    // Assess
    expect(binding).toMatchObject({ basis: 'delegation', onBehalfOf: 'alice' });
  });
});
