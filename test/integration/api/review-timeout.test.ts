import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiscreteEventScheduler } from '../../../cli/runtime/event-scheduler.js';
import { bearerCaller, issueToken } from '../../../cli/runtime/local-tokens.js';
import { type LocalApiServer, startLocalApi } from '../../support/local-api-server.js';
import { rawIntent } from '../../unit/core/fixtures.js';

/** A Wednesday outside every freeze, in launch-flags' business hours (10:00 in Los Angeles). */
const NOW = new Date('2026-11-04T18:00:00Z');
const DAY = 86_400_000;

/**
 * On AWS the AwaitReview Task times out after a week (TimeoutSeconds) and the intent fails. Locally a parked review
 * wait runs nothing, so the runtime keeps that deadline: when the virtual clock passes it (here another change
 * scheduled nine days out moves it), the wait ends as the Task's timeout ends it, and a review that comes after is
 * refused.
 */
describe('a review nobody gives times out after a week on the local runtime too', () => {
  let home: string;
  let api: LocalApiServer;
  const tokens: Record<string, string> = {};
  // Each test on a stack of its own, its clock at NOW.
  beforeEach(async () => {
    home = mkdtempSync(join(tmpdir(), 'itv-review-timeout-'));
    for (const who of ['victor', 'xavier', 'bob']) tokens[who] = issueToken(home, who);
    api = await startLocalApi(
      home,
      bearerCaller(home),
      NOW,
      (stack) => new DiscreteEventScheduler(stack.clock),
    );
  });
  afterEach(async () => {
    await api.close();
    rmSync(home, { recursive: true, force: true });
  });

  const post = async (path: string, who: string, body?: unknown) => {
    const response = await fetch(`${api.base}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens[who]}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const entries = async (id: string) =>
    (await api.stack.deps.ledger.forIntent('main', id)).map((s) => s.entry);
  const types = async (id: string) => (await entries(id)).map((entry) => entry.type);
  const until = async (condition: () => Promise<boolean>) => {
    for (let i = 0; i < 600 && !(await condition()); i++) await new Promise((r) => setTimeout(r, 50));
  };

  test('the wait fails at its deadline with States.Timeout, and a late approval is refused', async () => {
    // Prepare: victor's change needs xavier's review, and waits for it.
    const review = JSON.parse(
      readFileSync(new URL('../../../examples/04-high-risk-review.json', import.meta.url), 'utf8'),
    );
    const waiting = await post('/intents', 'victor', {
      ...review,
      id: 'never-reviewed',
      timestamp: NOW.toISOString(),
    });
    expect(waiting.status).toBe(202);
    await until(async () => (await types('never-reviewed')).includes('review.requested'));
    const requested = (await entries('never-reviewed')).find((e) => e.type === 'review.requested');
    expect(requested?.payload).toMatchObject({ expiresAt: new Date(NOW.getTime() + 7 * DAY).toISOString() });

    // Act: bob's change, due in nine days, moves the clock past the review's deadline.
    const later = rawIntent();
    later.authority = { requester: 'bob', team: 'growth', role: 'engineer' };
    later.timestamp = NOW.toISOString();
    later.constraints = { ...later.constraints, notBefore: new Date(NOW.getTime() + 9 * DAY).toISOString() };
    expect((await post('/intents', 'bob', { ...later, id: 'due-later' })).status).toBe(202);
    await until(async () => (await types('never-reviewed')).includes('checkpoint.signed'));
    const late = await post('/intents/never-reviewed/review', 'xavier', {
      decision: 'approve',
      reason: 'late',
    });

    // Assess
    const failed = (await entries('never-reviewed')).find((e) => e.type === 'stage.failed');
    expect(failed?.payload).toMatchObject({
      error: 'States.Timeout',
      cause: expect.stringContaining('nobody reviewed it by 2026-11-11T18:00:00.000Z'),
    });
    expect(await types('never-reviewed')).not.toContain('review.approved');
    expect(late.status).toBe(409);
    await until(async () => (await types('due-later')).includes('checkpoint.signed'));
  });

  test('a held release nobody decides on concludes held once the clock passes its three days, without a decision being tried', async () => {
    // Prepare: bob's irreversible change regresses from 20 % and is held for its owners.
    const held = rawIntent();
    held.authority = { requester: 'bob', team: 'growth', role: 'engineer' };
    held.title = 'Held and left undecided';
    held.timestamp = NOW.toISOString();
    held.constraints = {
      ...held.constraints,
      reversibility: 'irreversible',
      onRegression: 'freeze',
      checks: [],
    };
    held.simulation = { fault: { metric: 'errorRate', value: 0.2, atPercent: 20 } };
    expect((await post('/intents', 'bob', { ...held, id: 'held-undecided' })).status).toBe(202);
    await until(async () => (await types('held-undecided')).includes('release.decision-requested'));

    // Act: a change due in four days moves the clock past the decision's deadline.
    const later = rawIntent();
    later.authority = { requester: 'bob', team: 'growth', role: 'engineer' };
    later.title = 'Due after the hold expired';
    later.timestamp = NOW.toISOString();
    later.constraints = { ...later.constraints, notBefore: new Date(NOW.getTime() + 13 * DAY).toISOString() };
    expect((await post('/intents', 'bob', { ...later, id: 'due-after-hold' })).status).toBe(202);
    await until(async () => (await types('held-undecided')).includes('checkpoint.signed'));

    // Assess
    const kinds = await types('held-undecided');
    expect(kinds).toContain('release.decision-timed-out');
    const concluded = (await entries('held-undecided')).find((e) => e.type === 'intent.concluded');
    expect(concluded?.payload).toMatchObject({ outcome: 'held' });
    await until(async () => (await types('due-after-hold')).includes('checkpoint.signed'));
  });
});
