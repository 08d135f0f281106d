import { SeparationOfDutiesError } from '../../../lambdas/core/errors.js';
import { type IntentInput, intentSchema } from '../../../lambdas/core/intent.js';
import { delegationsSeenBy, grantDelegation } from '../../../lambdas/core/pipeline/delegations.js';
import { recordReview, requestReview } from '../../../lambdas/core/pipeline/review.js';
import { revokeAuthority, revokedAuthority } from '../../../lambdas/core/pipeline/revocations.js';
import { bindRequester, type Caller } from '../../../lambdas/core/principals/index.js';
import { catalog, catalogWithDelegations, NOW } from '../core/fixtures.js';
import { type Harness, intentAt, pipelineHarness, runToVerify } from './helpers/pipeline-harness.js';

const as = (principal: string): Caller => ({
  principal,
  authenticatedAs: { method: 'local', via: 'test' },
  matched: `principals.${principal}`,
});
const ciGrowth = as('ci-growth');

/** alice's standing delegation to ci-growth (catalog/delegations.ts). */
const fromAlice = {
  from: 'alice',
  role: 'engineer',
  services: ['launch-flags', 'customer-onboarding'],
  expiresAt: '2099-12-31T00:00:00Z',
};

/** A launch-flags intent as CI submits it: no requester, growth's team and role taken through a delegation. */
const submittedByCi = (h: Harness, role = 'engineer') =>
  intentAt(h, (d) => {
    d.authority = { team: 'growth', role } as IntentInput['authority'];
  });

/** Binds `raw` to ci-growth as an entry point does (grants and revocations seen), then runs it to Verify. */
async function declaredByCi(h: Harness, raw: IntentInput) {
  const now = h.clock.now();
  const { catalog: seen, voided } = await delegationsSeenBy(
    h.deps.catalog,
    'ci-growth',
    'launch-flags',
    h.deps.state,
    now,
  );
  const bound = bindRequester(raw, ciGrowth, seen, now, voided);
  const state = await runToVerify(h, bound.intent as IntentInput, { caller: ciGrowth });
  const intentId = state.declared!.intentId;
  await requestReview(intentId, 'token-1', state, h.deps);
  return { state, intentId, binding: bound.binding };
}

/**
 * A caller that holds its team and role only through somebody's delegation acts on that person's authority (a
 * CI principal has none of its own): the binding and the intent record the delegation, and its grantor may no
 * more approve the change than the person a change is made on behalf of.
 */
describe('the grantor of the delegation a change relies on cannot approve it', () => {
  test('the declaration records the delegation its team and role were taken through', async () => {
    // Prepare
    const h = pipelineHarness();

    // Act
    const { intentId } = await declaredByCi(h, submittedByCi(h));

    // Assess
    const [declared] = await h.ledger.forIntent('test', intentId);
    expect(declared?.entry.payload).toMatchObject({
      authority: { requester: 'ci-growth', delegations: [fromAlice] },
      binding: { basis: 'self', standing: [{ ...fromAlice, to: 'ci-growth' }] },
    });
  });

  test('the grantor is not a reviewer of record, and an approval by them is refused', async () => {
    // Prepare
    const h = pipelineHarness();
    const { intentId } = await declaredByCi(h, submittedByCi(h));

    // Act
    const approval = recordReview({ intentId, decision: 'approved', reviewer: as('alice') }, h.deps);

    // Assess
    const requested = (await h.ledger.forIntent('test', intentId)).find(
      (stored) => stored.entry.type === 'review.requested',
    );
    expect(requested?.entry.payload).toMatchObject({ requester: 'ci-growth', reviewers: expect.any(Array) });
    expect((requested?.entry.payload as { reviewers?: string[] } | undefined)?.reviewers).not.toContain(
      'alice',
    );
    await expect(approval).rejects.toThrow(SeparationOfDutiesError);
    await expect(approval).rejects.toThrow(
      /ci-growth requested this change under a delegation from alice, who therefore cannot review it \(separation of duties\)/,
    );
  });

  test('a delegation granted at run time binds its grantor the same way, and the binding says who granted it', async () => {
    // Prepare: alice grants ci-growth her own role over launch-flags (POST /delegations)
    const h = pipelineHarness();
    await grantDelegation(
      {
        to: 'ci-growth',
        role: 'engineering-manager',
        services: ['launch-flags'],
        expiresAt: '2026-11-20T00:00:00Z',
        reason: 'release train',
      },
      as('alice'),
      { state: h.deps.state, catalog, now: NOW },
    );

    // Act
    const { intentId, binding } = await declaredByCi(h, submittedByCi(h, 'engineering-manager'));
    const approval = recordReview({ intentId, decision: 'approved', reviewer: as('alice') }, h.deps);

    // Assess
    expect(binding.standing).toEqual([
      expect.objectContaining({ from: 'alice', role: 'engineering-manager', grantedBy: as('alice') }),
    ]);
    await expect(approval).rejects.toThrow(SeparationOfDutiesError);
  });

  test("a revocation of the delegation relied on voids the change's authority, whatever other delegation it holds", async () => {
    // Prepare: ci-growth also holds dana's delegation over launch-flags, which gives it no standing in growth
    const both = catalogWithDelegations({
      from: 'dana',
      to: 'ci-growth',
      role: 'engineering-manager',
      services: ['launch-flags'],
      expiresAt: '2099-12-31T00:00:00Z',
    });
    const h = pipelineHarness();
    const raw = submittedByCi(h);
    const intent = intentSchema.parse(bindRequester(raw, ciGrowth, both, NOW).intent);
    await revokeAuthority(
      {
        principal: 'ci-growth',
        services: ['launch-flags'],
        delegation: { from: 'alice', expiresAt: fromAlice.expiresAt },
        reason: 'CI credentials leaked',
        revokedBy: 'alice',
      },
      { state: h.deps.state, now: NOW },
    );

    // Act
    const revoked = await revokedAuthority(intent, both, h.deps.state, NOW);

    // Assess
    expect(revoked).toMatchObject({ principal: 'ci-growth', delegation: { from: 'alice' } });
  });
});
