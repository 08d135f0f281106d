import {
  DelegationExistsError,
  InvalidInputError,
  NotAServiceOwnerError,
} from '../../../lambdas/core/errors.js';
import { grantDelegation, withGrantsTo } from '../../../lambdas/core/pipeline/delegations.js';
import type { Caller } from '../../../lambdas/core/principals/index.js';
import { catalog, NOW } from '../core/fixtures.js';
import { MemoryStateStore } from '../release/helpers/memory-state-store.js';

const grace: Caller = { principal: 'grace', authenticatedAs: { method: 'local', via: 'test' } };
const inDays = (days: number) => new Date(NOW.getTime() + days * 86_400_000).toISOString();
const grant = {
  to: 'ivan',
  role: 'sre',
  services: ['incident-router'],
  expiresAt: inDays(14),
  reason: 'offsite',
};

describe('delegations granted at run time', () => {
  test('an owner grants one from her own authority; the catalog seen for its holder then records it, with who granted it and when', async () => {
    // Prepare
    const state = new MemoryStateStore();
    // Act
    const granted = await grantDelegation(grant, grace, { state, catalog, now: NOW });
    const seen = await withGrantsTo(catalog, 'ivan', state);
    // Assess
    expect(granted).toMatchObject({
      from: 'grace',
      to: 'ivan',
      grantedBy: grace,
      grantedAt: NOW.toISOString(),
    });
    expect(seen.delegations).toContainEqual({
      from: 'grace',
      to: 'ivan',
      role: 'sre',
      services: ['incident-router'],
      expiresAt: grant.expiresAt,
      reason: 'offsite',
      grantedBy: grace,
      grantedAt: NOW.toISOString(),
    });
    expect(await withGrantsTo(catalog, 'heidi', state)).toBe(catalog);
  });

  test('nobody grants what they do not own, and every bad field is named before anything is written', async () => {
    const state = new MemoryStateStore();
    const attempt = grantDelegation(
      { to: 'nobody', role: '', services: ['launch-flags', 'nowhere'], expiresAt: inDays(91), reason: ' ' },
      grace,
      { state, catalog, now: NOW },
    );
    await expect(attempt).rejects.toThrow(InvalidInputError);
    const issues = ((await attempt.catch((e: unknown) => e)) as InvalidInputError).issues.map((i) => i.path);
    expect(issues).toEqual(
      expect.arrayContaining(['role', 'to', 'services[0]', 'services[1]', 'expiresAt', 'reason']),
    );
    expect(await state.list('DELEGATION#nobody')).toEqual([]);
  });

  test('a well-formed grant of a service the caller does not own is refused as access, naming the service', async () => {
    const state = new MemoryStateStore();
    const attempt = grantDelegation({ ...grant, services: ['launch-flags', 'pricing-engine'] }, grace, {
      state,
      catalog,
      now: NOW,
    });
    const refused = await attempt.catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(NotAServiceOwnerError);
    expect((refused as NotAServiceOwnerError).issues.map((i) => i.path)).toEqual([
      'services[0]',
      'services[1]',
    ]);
    expect((refused as Error).message).toMatch(/^grace may not delegate launch-flags, pricing-engine: /);
  });

  test('a blank or overlong reason is one issue, in words, naming reason and the limit', async () => {
    const state = new MemoryStateStore();
    const issuesFor = async (reason: string) =>
      (
        (await grantDelegation({ ...grant, reason }, grace, { state, catalog, now: NOW }).catch(
          (e: unknown) => e,
        )) as InvalidInputError
      ).issues;
    expect(await issuesFor('')).toEqual([{ path: 'reason', message: 'must say why' }]);
    expect(await issuesFor('x'.repeat(501))).toEqual([
      { path: 'reason', message: 'must be at most 500 characters, not 501' },
    ]);
  });

  test('a grantee named by an id in other case is one issue suggesting the id, not also its spelling', async () => {
    const state = new MemoryStateStore();
    const refused = (await grantDelegation({ ...grant, to: 'IVAN' }, grace, {
      state,
      catalog,
      now: NOW,
    }).catch((e: unknown) => e)) as InvalidInputError;
    expect(refused.issues.filter((issue) => issue.path === 'to')).toEqual([
      {
        path: 'to',
        message: '"IVAN" is not a principal in the catalog; did you mean ivan? (ids are case-sensitive)',
      },
    ]);
  });

  test('a service named twice is refused naming the second, and nothing is written', async () => {
    const state = new MemoryStateStore();
    await expect(
      grantDelegation({ ...grant, services: ['incident-router', 'incident-router'] }, grace, {
        state,
        catalog,
        now: NOW,
      }),
    ).rejects.toMatchObject({
      issues: [
        { path: 'services[1]', message: '"incident-router" is named twice (services[0] names it too)' },
      ],
    });
    expect(await state.list('DELEGATION#ivan')).toEqual([]);
  });

  test("a role of another team than the grantor's is refused naming role, with the roles the grantor may lend", async () => {
    // Prepare: grace leads SRE; compliance-engineer is a governance role
    const state = new MemoryStateStore();
    // Act
    const attempt = grantDelegation({ ...grant, role: 'compliance-engineer' }, grace, {
      state,
      catalog,
      now: NOW,
    });
    // Assess
    await expect(attempt).rejects.toMatchObject({
      issues: [
        {
          path: 'role',
          message:
            'grace may lend only a role held in a team of theirs: compliance-engineer is not held in sre (roles: engineer, sre, sre-lead)',
        },
      ],
    });
    expect(await state.list('DELEGATION#ivan')).toEqual([]);
  });

  test('a role no team of the catalog holds is refused naming role, with the roles there are', async () => {
    const state = new MemoryStateStore();
    await expect(
      grantDelegation({ ...grant, role: 'wizard' }, grace, { state, catalog, now: NOW }),
    ).rejects.toMatchObject({
      issues: [
        {
          path: 'role',
          message: expect.stringMatching(
            /^"wizard" is not a role any team of the catalog holds; roles: .*sre/,
          ),
        },
      ],
    });
    expect(await state.list('DELEGATION#ivan')).toEqual([]);
  });

  test('an expiry that is not an instant (a date alone) is refused in words naming expiresAt', async () => {
    const state = new MemoryStateStore();
    await expect(
      grantDelegation({ ...grant, expiresAt: '2026-11-20' }, grace, { state, catalog, now: NOW }),
    ).rejects.toMatchObject({
      issues: [
        {
          path: 'expiresAt',
          message:
            'must be an ISO 8601 instant with a time and an offset, such as 2026-11-20T17:00:00Z, not "2026-11-20"',
        },
      ],
    });
  });

  test('a delegation to oneself, or one already expired, is refused', async () => {
    const state = new MemoryStateStore();
    await expect(
      grantDelegation({ ...grant, to: 'grace' }, grace, { state, catalog, now: NOW }),
    ).rejects.toMatchObject({ issues: [{ path: 'to', message: 'a principal cannot delegate to itself' }] });
    const past = grantDelegation({ ...grant, expiresAt: inDays(-1) }, grace, { state, catalog, now: NOW });
    // The stack's clock is the one it is after (a virtual one may run ahead of the machine's): named with it.
    await expect(past).rejects.toMatchObject({
      issues: [{ path: 'expiresAt', message: `must be after the stack's clock, now ${NOW.toISOString()}` }],
    });
  });

  test('a live delegation keeps its terms: granting it again with others is refused, the same again answers it', async () => {
    // Prepare
    const state = new MemoryStateStore();
    const first = await grantDelegation(grant, grace, { state, catalog, now: NOW });
    const later = new Date(NOW.getTime() + 3_600_000);

    // Act
    const wider = grantDelegation({ ...grant, role: 'engineer', reason: 'more' }, grace, {
      state,
      catalog,
      now: later,
    });
    const same = await grantDelegation(grant, grace, { state, catalog, now: later });

    // Assess: refused naming the delegation and what it grants; the first grant stands, when and why it was made.
    await expect(wider).rejects.toBeInstanceOf(DelegationExistsError);
    await expect(wider).rejects.toThrow(/grace→ivan.*already granted.*sre over incident-router/);
    expect(same).toEqual(first);
    expect((await withGrantsTo(catalog, 'ivan', state)).delegations).toContainEqual(first);
    expect((await state.list('DELEGATION#ivan')).length).toBe(1);
  });
});
