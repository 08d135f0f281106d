import { ImpersonationError } from '../../../lambdas/core/errors.js';
import {
  bindRequester,
  type Caller,
  findPrincipal,
  notAPrincipal,
} from '../../../lambdas/core/principals/index.js';
import { catalog, catalogWithDelegations, NOW, rawIntent } from '../core/fixtures.js';

const as = (principal: string): Caller => ({
  principal,
  authenticatedAs: {
    method: 'aws-iam',
    arn: `arn:aws:sts::123456789012:assumed-role/ItvEngineers/${principal}@example.com`,
  },
});

/** A launch-flags intent (owned by alice) whose authority is replaced by `authority`. */
const intentWith = (authority: Record<string, unknown>) => ({ ...rawIntent(), authority });
const base = { team: 'growth', role: 'engineer' };

/** The refusal `run` throws: an ImpersonationError, with its field and message. */
function refusal(run: () => unknown): { field: string; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof ImpersonationError) return { field: error.field, message: error.message };
    throw error;
  }
  throw new Error('expected an ImpersonationError, but the request was bound');
}

describe('bindRequester: the requester is the authenticated caller', () => {
  test('an intent without a requester takes the caller', () => {
    const { intent, binding } = bindRequester(intentWith(base), as('bob'), catalog, NOW);
    expect(intent).toMatchObject({ authority: { requester: 'bob', team: 'growth' } });
    expect(binding).toEqual({ basis: 'self' });
  });

  test('the caller named by id or by e-mail, in any case, is the caller (by id)', () => {
    for (const requester of ['bob', 'bob@example.com', 'Bob@Example.com']) {
      const { intent } = bindRequester(intentWith({ ...base, requester }), as('bob'), catalog, NOW);
      expect(intent).toMatchObject({ authority: { requester: 'bob' } });
    }
  });

  test('naming somebody else is refused, naming the field, the caller and the other', () => {
    expect(
      refusal(() => bindRequester(intentWith({ ...base, requester: 'alice' }), as('bob'), catalog, NOW)),
    ).toEqual({
      field: 'authority.requester',
      message:
        'authority.requester: you are bob, not alice, and the catalog records no delegation from alice to bob for launch-flags',
    });
    expect(
      refusal(() =>
        bindRequester(intentWith({ ...base, onBehalfOf: 'alice@example.com' }), as('bob'), catalog, NOW),
      ).field,
    ).toBe('authority.onBehalfOf');
  });

  test('a name that is no principal is refused, not passed on', () => {
    const refused = refusal(() =>
      bindRequester(intentWith({ ...base, requester: 'mallory@example.com' }), as('bob'), catalog, NOW),
    );
    expect(refused.message).toMatch(
      /"mallory@example.com" is not a principal in the catalog, and you are bob/,
    );
  });

  test('requester and onBehalfOf naming two other people are refused', () => {
    const both = intentWith({ ...base, requester: 'alice', onBehalfOf: 'carol' });
    expect(refusal(() => bindRequester(both, as('bob'), catalog, NOW)).message).toMatch(
      /names alice and authority.onBehalfOf carol, but you are bob/,
    );
  });

  test('a recorded, live delegation lets the caller act for its grantor, recorded as onBehalfOf', () => {
    const recorded = catalogWithDelegations({
      from: 'alice',
      to: 'bob',
      role: 'engineering-manager',
      services: ['launch-flags'],
      expiresAt: '2026-11-30T00:00:00Z',
    });
    const { intent, binding } = bindRequester(
      intentWith({ ...base, requester: 'alice' }),
      as('bob'),
      recorded,
      NOW,
    );
    expect(intent).toMatchObject({ authority: { requester: 'bob', onBehalfOf: 'alice' } });
    expect(binding).toMatchObject({
      basis: 'delegation',
      onBehalfOf: 'alice',
      delegation: { from: 'alice', to: 'bob' },
    });
  });

  test('a delegation grants exactly its services, to exactly its holder, until it expires', () => {
    const recorded = catalogWithDelegations({
      from: 'alice',
      to: 'bob',
      role: 'engineer',
      services: ['customer-onboarding'],
      expiresAt: '2026-11-30T00:00:00Z',
    });
    const forAlice = intentWith({ ...base, requester: 'alice' });
    // launch-flags is not among its services
    expect(refusal(() => bindRequester(forAlice, as('bob'), recorded, NOW)).message).toMatch(
      /no delegation from alice to bob for launch-flags/,
    );
    // carol does not hold it
    expect(refusal(() => bindRequester(forAlice, as('carol'), recorded, NOW)).field).toBe(
      'authority.requester',
    );
    // after its expiry, bob's own delegation for customer-onboarding is refused, saying it expired
    const onboarding = { ...forAlice, change: { ...forAlice.change, service: 'customer-onboarding' } };
    expect(bindRequester(onboarding, as('bob'), recorded, NOW).binding.basis).toBe('delegation');
    expect(
      refusal(() => bindRequester(onboarding, as('bob'), recorded, new Date('2026-11-30T00:00:00Z'))).message,
    ).toMatch(/your delegation from alice for customer-onboarding expired at 2026-11-30T00:00:00Z/);
  });

  test("the team and role an intent claims are the caller's, a delegate's delegated role, or the role of whom it acts for", () => {
    // mike is an engineer in people; ci-growth holds alice's delegation over launch-flags as engineer.
    const hiring = (authority: Record<string, unknown>) => ({
      ...rawIntent(),
      change: { ...rawIntent().change, service: 'hiring-portal' },
      authority,
    });
    expect(
      refusal(() =>
        bindRequester(hiring({ team: 'sre', role: 'engineering-manager' }), as('mike'), catalog, NOW),
      ),
    ).toEqual({
      field: 'authority.team',
      message:
        'authority.team: you are mike, a member of people (engineer), not of sre, and hold no live delegation from its members for hiring-portal; claim a team you act for',
    });
    expect(
      refusal(() =>
        bindRequester(hiring({ team: 'people', role: 'engineering-manager' }), as('mike'), catalog, NOW),
      ),
    ).toEqual({
      field: 'authority.role',
      message:
        'authority.role: you are mike, engineer in team people, not engineering-manager; claim the role you hold',
    });
    expect(
      bindRequester(hiring({ team: 'people', role: 'engineer' }), as('mike'), catalog, NOW).intent,
    ).toMatchObject({
      authority: { requester: 'mike', team: 'people', role: 'engineer' },
    });
    // CI in the role delegated to it, or making alice's change in hers; not in a role nobody gave it.
    expect(
      bindRequester(intentWith({ team: 'growth', role: 'engineer' }), as('ci-growth'), catalog, NOW).intent,
    ).toMatchObject({
      authority: { requester: 'ci-growth' },
    });
    expect(
      bindRequester(
        intentWith({ requester: 'alice', team: 'growth', role: 'engineering-manager' }),
        as('ci-growth'),
        catalog,
        NOW,
      ).intent,
    ).toMatchObject({
      authority: { requester: 'ci-growth', onBehalfOf: 'alice', role: 'engineering-manager' },
    });
    expect(
      refusal(() =>
        bindRequester(
          intentWith({ team: 'growth', role: 'engineering-manager' }),
          as('ci-growth'),
          catalog,
          NOW,
        ),
      ).message,
    ).toBe(
      'authority.role: you are ci-growth, engineer (delegated by alice) in team growth, not engineering-manager; claim the role you hold',
    );
  });

  test('a team and role taken through a delegation are recorded: cited in the authority, kept in the binding', () => {
    // Prepare: ci-growth is no member of growth; alice's delegation makes it an engineer there
    const fromAlice = {
      from: 'alice',
      role: 'engineer',
      services: ['launch-flags', 'customer-onboarding'],
      expiresAt: '2099-12-31T00:00:00Z',
    };

    // Act
    const { intent, binding } = bindRequester(intentWith(base), as('ci-growth'), catalog, NOW);
    const again = bindRequester(intent, as('ci-growth'), catalog, NOW);

    // Assess
    expect(intent).toMatchObject({ authority: { requester: 'ci-growth', delegations: [fromAlice] } });
    expect(binding).toEqual({
      basis: 'self',
      standing: [expect.objectContaining({ ...fromAlice, to: 'ci-growth' })],
    });
    // Binding is a fixed point: the entry point's bound intent binds to itself in the pipeline.
    expect(again.intent).toEqual(intent);
    expect(again.binding).toEqual(binding);
  });

  test('a member in the role it claims relies on nobody: nothing is added', () => {
    const { intent, binding } = bindRequester(intentWith(base), as('bob'), catalog, NOW);
    expect((intent as { authority: Record<string, unknown> }).authority).not.toHaveProperty('delegations');
    expect(binding).toEqual({ basis: 'self' });
  });

  test('a role refusal names each holding once, however many live grants carry it', () => {
    const twice = catalogWithDelegations({
      from: 'alice',
      to: 'ci-growth',
      role: 'engineer',
      services: ['launch-flags'],
      expiresAt: '2099-06-30T00:00:00Z',
    });
    expect(
      refusal(() =>
        bindRequester(
          intentWith({ team: 'growth', role: 'engineering-manager' }),
          as('ci-growth'),
          twice,
          NOW,
        ),
      ).message,
    ).toBe(
      'authority.role: you are ci-growth, engineer (delegated by alice) in team growth, not engineering-manager; claim the role you hold',
    );
  });

  test('a delegation the intent cites must be one the catalog records to the caller', () => {
    const cited = {
      from: 'nina@example.com',
      role: 'procurement-lead',
      services: ['procurement'],
      expiresAt: '2099-12-31T00:00:00Z',
    };
    const intent = intentWith({ team: 'procurement', role: 'procurement-analyst', delegations: [cited] });
    // oscar holds it (catalog/delegations.ts); the cited `from` comes back as a principal id
    expect(bindRequester(intent, as('oscar'), catalog, NOW).intent).toMatchObject({
      authority: { requester: 'oscar', delegations: [{ ...cited, from: 'nina' }] },
    });
    // bob does not, and a longer expiry or another service than recorded is not the recorded one
    expect(refusal(() => bindRequester(intent, as('bob'), catalog, NOW)).field).toBe(
      'authority.delegations[0]',
    );
    for (const changed of [
      { expiresAt: '2100-12-31T00:00:00Z' },
      { services: ['procurement', 'ledger-close'] },
    ]) {
      const stretched = intentWith({ ...base, delegations: [{ ...cited, ...changed }] });
      expect(refusal(() => bindRequester(stretched, as('oscar'), catalog, NOW)).message).toMatch(
        /delegations are recorded in the catalog, not created by an intent/,
      );
    }
  });

  test('a body without an authority object is left for completeness to name', () => {
    expect(bindRequester({ title: 'x' }, as('bob'), catalog, NOW).intent).toEqual({ title: 'x' });
    expect(bindRequester('not json', as('bob'), catalog, NOW).intent).toBe('not json');
  });
});

describe('findPrincipal', () => {
  test('finds a principal by id or e-mail; an ARN or a stranger is nobody', () => {
    expect(findPrincipal(catalog, 'xavier')).toBe('xavier');
    expect(findPrincipal(catalog, 'XAVIER@example.com')).toBe('xavier');
    expect(findPrincipal(catalog, 'arn:aws:iam::123456789012:user/xavier')).toBeUndefined();
    expect(findPrincipal(catalog, 'mallory')).toBeUndefined();
  });

  test('an id is matched case-sensitively: one differing only in case is nobody, and the refusal suggests the id', () => {
    expect(findPrincipal(catalog, 'XAVIER')).toBeUndefined();
    expect(notAPrincipal(catalog, 'XAVIER')).toBe(
      '"XAVIER" is not a principal in the catalog; did you mean xavier? (ids are case-sensitive)',
    );
    expect(notAPrincipal(catalog, 'mallory')).toBe('"mallory" is not a principal in the catalog');
  });

  test('an intent naming a requester by an id in other case is refused suggesting the id', () => {
    const refused = refusal(() =>
      bindRequester(intentWith({ ...base, requester: 'ALICE' }), as('bob'), catalog, NOW),
    );
    expect(refused.message).toMatch(/"ALICE" is not a principal in the catalog; did you mean alice\?/);
  });
});
