import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localApi } from '../../cli/control-plane/api.js';
import { LocalExecutions } from '../../cli/runtime/local-executions.js';
import { bearerCaller, issueToken } from '../../cli/runtime/local-tokens.js';
import { type Session, withSession } from '../../cli/session.js';
import { releaseDecisionTimeoutSeconds } from '../../lambdas/core/pipeline/release-decision.js';
import { intentsBudgetMs } from '../support/time-budget.js';
import { launchFlagsBusinessHours } from '../unit/pipeline/helpers/pipeline-harness.js';

type Call = (
  path: string,
  who: string | undefined,
  body?: unknown,
) => Promise<{ status: number; body: Record<string, unknown> }>;

/**
 * A held release decided over the API, end to end on the local runtime: the real ASL, the same handlers the
 * Lambdas run, the AppConfig simulator and its synthetic telemetry. An irreversible change to launch-flags
 * whose injected fault shows from 20 % exposure is held at the first step that reaches it; alice, the
 * service's owner, decides.
 */
describe('a frozen release waits for its owner, who decides over the API', () => {
  let home: string;
  const tokens: Record<string, string> = {};
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'itv-decide-'));
    // alice owns launch-flags; judy owns other services only.
    for (const principal of ['alice', 'judy']) tokens[principal] = issueToken(home, principal);
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  async function withApi(work: (call: Call, executions: LocalExecutions, session: Session) => Promise<void>) {
    await withSession({ home, inMemory: true, clockStart: launchFlagsBusinessHours }, async (session) => {
      const executions = new LocalExecutions(
        session.pipeline,
        session.stack.deps.ledger,
        session.stack.deps.ledgerName,
      );
      const server: Server = createServer(
        (req, res) =>
          void localApi(session.stack, executions, { authenticate: bearerCaller(home) })(req, res),
      );
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const call: Call = async (path, who, body) => {
        const headers: Record<string, string> = who ? { authorization: `Bearer ${tokens[who] ?? who}` } : {};
        const response = await fetch(`${base}${path}`, {
          method: body === undefined ? 'GET' : 'POST',
          headers,
          ...(body === undefined
            ? {}
            : { body: JSON.stringify(body), headers: { ...headers, 'content-type': 'application/json' } }),
        });
        return { status: response.status, body: (await response.json()) as Record<string, unknown> };
      };
      try {
        await work(call, executions, session);
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await executions.idle();
      }
    });
  }

  /** The irreversible launch-flags change, regressing from 20 % exposure. */
  function irreversibleChange(id: string) {
    const intent = JSON.parse(
      readFileSync(new URL('../../examples/01-low-risk-flag.json', import.meta.url), 'utf8'),
    ) as Record<string, unknown>;
    return {
      ...intent,
      id,
      timestamp: launchFlagsBusinessHours.toISOString(),
      constraints: { reversibility: 'irreversible', onRegression: 'freeze', checks: ['checkout-e2e'] },
      simulation: { fault: { metric: 'errorRate', value: 0.2, atPercent: 20 } },
    };
  }

  /** Submits the change as alice and waits until the execution parks, held for a decision. */
  async function submitHeld(call: Call, executions: LocalExecutions, id: string) {
    expect((await call('/intents', 'alice', irreversibleChange(id))).status).toBe(202);
    await executions.idle();
    const status = await call(`/intents/${id}`, 'alice');
    expect(status.body).toMatchObject({ status: 'awaiting-decision' });
    return status.body as { steps: Array<{ type: string }> };
  }

  /** The exposure each step deployed, in order, and the ledger entry types, from the intent's ledger. */
  async function ledgerOf(session: Session, id: string) {
    const entries = await session.stack.deps.ledger.forIntent(session.stack.deps.ledgerName, id);
    return {
      types: entries.map((s) => s.entry.type),
      exposures: entries
        .filter((s) => s.entry.type === 'release.started' || s.entry.type === 'release.step-started')
        .map((s) => (s.entry.payload as { exposure: { percentage: number } }).exposure.percentage),
      payload: (type: string) => entries.find((s) => s.entry.type === type)?.entry.payload,
    };
  }

  test.each([
    ['hold', 'held'],
    ['roll-back', 'rolled-back'],
    ['roll-forward', 'released'],
  ])(
    '%s: the decision is recorded, carried out, and the intent concludes %s; a second decision is refused',
    async (decision, outcome) => {
      await withApi(async (call, executions, session) => {
        // Prepare: held at its exposure, the owners asked.
        const id = `decide-${decision}`;
        await submitHeld(call, executions, id);
        const before = await ledgerOf(session, id);
        const held = before.exposures.at(-1)!;
        expect(before.types).toEqual(
          expect.arrayContaining(['release.frozen', 'release.escalated', 'release.decision-requested']),
        );
        expect(before.payload('release.decision-requested')).toMatchObject({ deciders: ['alice'] });
        expect(held).toBeLessThan(100);
        const decide = (who: string, body: unknown) => call(`/intents/${id}/release-decision`, who, body);

        // Act: refusals first, then alice's decision.
        const notOwner = await decide('judy', { decision, reason: 'looks fine to me' });
        const naming = await decide('judy', { decision, reason: 'for alice', decider: 'alice' });
        const unknown = await decide('alice', { decision: 'abandon', reason: 'x' });
        const noReason = await decide('alice', { decision });
        const missing = await call('/intents/no-such-intent/release-decision', 'alice', {
          decision,
          reason: 'x',
        });
        const decided = await decide('alice', { decision, reason: 'error rate understood' });
        await executions.idle();
        const second = await decide('alice', { decision: 'hold', reason: 'again' });

        // Assess: the refusals.
        expect(notOwner.status).toBe(403);
        expect(notOwner.body).toMatchObject({ error: 'NotAServiceOwnerError' });
        expect(naming.status).toBe(400);
        expect(JSON.stringify(naming.body.issues)).toContain('"path":"decider"');
        expect(unknown.status).toBe(400);
        expect(JSON.stringify(unknown.body.issues)).toContain('"path":"decision"');
        expect(noReason.status).toBe(400);
        expect(JSON.stringify(noReason.body.issues)).toContain('"path":"reason"');
        expect(missing.status).toBe(404);
        expect(second.status).toBe(409);
        // Assess: the decision and what it did.
        expect(decided.status).toBe(200);
        expect(decided.body).toMatchObject({
          decision: { decision, decider: 'alice', authenticatedAs: { method: 'local' } },
        });
        const after = await ledgerOf(session, id);
        expect((await call(`/intents/${id}`, 'alice')).body).toMatchObject({ status: outcome });
        expect(after.payload('release.decided')).toMatchObject({ decision, decider: 'alice' });
        expect(after.types.filter((t) => t === 'release.decided')).toHaveLength(1);
        expect(after.types.at(-1)).toBe('checkpoint.signed');
        if (decision === 'hold') expect(after.exposures).toEqual(before.exposures);
        if (decision === 'roll-forward') expect(after.exposures.at(-1)).toBe(100);
        if (decision === 'roll-back') {
          expect(after.exposures).toEqual(before.exposures);
          expect(after.payload('release.previous-redeployed')).toMatchObject({ previous: 'flags-disabled' });
        }
      });
    },
    intentsBudgetMs(3),
  );

  test(
    'nobody decides in time: a late decision is refused, and the release stays held and concludes held',
    async () => {
      await withApi(async (call, executions, session) => {
        // Prepare
        const id = 'decide-too-late';
        await submitHeld(call, executions, id);
        const before = await ledgerOf(session, id);
        session.stack.clock.advance(releaseDecisionTimeoutSeconds * 1000);

        // Act
        const late = await call(`/intents/${id}/release-decision`, 'alice', {
          decision: 'roll-forward',
          reason: 'back from leave',
        });
        await executions.idle();

        // Assess
        expect(late.status).toBe(409);
        expect(String(late.body.message)).toMatch(/was due by/);
        const after = await ledgerOf(session, id);
        expect((await call(`/intents/${id}`, 'alice')).body).toMatchObject({ status: 'held' });
        expect(after.types).toContain('release.decision-timed-out');
        expect(after.types).not.toContain('release.decided');
        expect(after.exposures).toEqual(before.exposures);
      });
    },
    intentsBudgetMs(2),
  );

  test(
    'a control plane that starts after the deadline concludes the held release it finds waiting: held, as on AWS',
    async () => {
      await withApi(async (call, executions, session) => {
        // Prepare: held, then the deadline passes while nothing runs.
        const id = 'decide-expired-while-down';
        await submitHeld(call, executions, id);
        session.stack.clock.advance(releaseDecisionTimeoutSeconds * 1000);

        // Act: what the control plane does as it starts.
        const resumed = await executions.recover(session.stack.deps.state, session.stack.clock.now());
        await executions.idle();

        // Assess
        expect(resumed).toBe(1);
        expect((await call(`/intents/${id}`, 'alice')).body).toMatchObject({ status: 'held' });
        expect((await ledgerOf(session, id)).types).toContain('release.decision-timed-out');
      });
    },
    intentsBudgetMs(2),
  );
});
