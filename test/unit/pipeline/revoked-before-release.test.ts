import { readFileSync } from 'node:fs';
import { AuthorityRevokedError } from '../../../lambdas/core/errors.js';
import type { IntentInput } from '../../../lambdas/core/intent.js';
import { delegationId } from '../../../lambdas/core/pipeline/delegation-id.js';
import { grantDelegation } from '../../../lambdas/core/pipeline/delegations.js';
import { recordReview, requestReview } from '../../../lambdas/core/pipeline/review.js';
import { revokeGrantedDelegation } from '../../../lambdas/core/pipeline/revoke-delegation.js';
import { startRelease } from '../../../lambdas/core/pipeline/start-release.js';
import type { Caller } from '../../../lambdas/core/principals/index.js';
import { catalog } from '../core/fixtures.js';
import { type Harness, ledgerTypes, pipelineHarness, runToVerify } from './helpers/pipeline-harness.js';

const onboarding = JSON.parse(
  readFileSync(new URL('../../../examples/05-slo-regression.json', import.meta.url), 'utf8'),
) as IntentInput;

const local = (principal: string): Caller => ({
  principal,
  authenticatedAs: { method: 'local', via: 'test' },
});

const grant = {
  to: 'victor',
  role: 'engineering-manager',
  services: ['customer-onboarding'],
  expiresAt: '2026-11-20T00:00:00.000Z',
  reason: 'covering the migration while alice is away',
};

/** victor's irreversible change to customer-onboarding, made with the role alice lent him. */
function migration(h: Harness, edit: (authority: IntentInput['authority']) => void = () => {}): IntentInput {
  const intent = structuredClone(onboarding);
  intent.timestamp = h.clock.now().toISOString();
  intent.constraints = { ...intent.constraints, reversibility: 'irreversible', onRegression: 'freeze' };
  intent.change = { ...intent.change, kind: 'migration' };
  intent.authority = {
    requester: 'victor',
    team: 'growth',
    role: 'engineering-manager',
    onBehalfOf: 'alice',
  };
  edit(intent.authority);
  return intent;
}

/**
 * A revoked delegation binds nothing from the moment the revocation takes effect: an intent that relied on it and
 * was already waiting for its review is not released once reviewed, and nothing is deployed.
 */
describe('authority revoked while the intent waits for its review', () => {
  const parkedOnDelegation = async (edit?: (authority: IntentInput['authority']) => void) => {
    const h = pipelineHarness();
    await grantDelegation(grant, local('alice'), { state: h.store, catalog, now: h.clock.now() });
    const state = await runToVerify(h, migration(h, edit));
    expect(state.verification).toMatchObject({ passed: true, requiresReview: true });
    const intentId = state.declared!.intentId;
    await requestReview(intentId, 'token-1', state, h.deps);
    return { h, state, intentId };
  };

  test.each([
    [
      'citing the delegation',
      (authority: IntentInput['authority']) => {
        authority.delegations = [
          { from: 'alice', role: grant.role, services: grant.services, expiresAt: grant.expiresAt },
        ];
      },
    ],
    ['borrowing team and role through it', undefined],
  ])('an approval after the revocation starts no release (%s)', async (_, edit) => {
    // Prepare
    const { h, state, intentId } = await parkedOnDelegation(edit);
    await revokeGrantedDelegation(
      delegationId({ ...grant, from: 'alice' }),
      'engagement ended',
      local('alice'),
      {
        state: h.store,
        now: h.clock.now(),
      },
    );
    await recordReview({ intentId, decision: 'approved', reviewer: local('bob') }, h.deps);

    // Act
    const started = startRelease(state, h.deps);

    // Assess
    await expect(started).rejects.toThrow(AuthorityRevokedError);
    await expect(started).rejects.toThrow(
      /delegation from alice to victor over customer-onboarding revoked by alice/,
    );
    expect(await ledgerTypes(h, intentId)).not.toContain('release.started');
  });
});
