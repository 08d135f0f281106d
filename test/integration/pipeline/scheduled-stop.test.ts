import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiscreteEventScheduler, WallClockScheduler } from '../../../cli/runtime/event-scheduler.js';
import { bearerCaller, issueToken } from '../../../cli/runtime/local-tokens.js';
import type { LocalStack } from '../../../lambdas/wiring/local/local-stack.js';
import { type LocalApiServer, startLocalApi } from '../../support/local-api-server.js';

const intent = JSON.parse(
  readFileSync(new URL('../../../examples/01-low-risk-flag.json', import.meta.url), 'utf8'),
);

// Wednesday 09:00 in Los Angeles, launch-flags' time zone: no window closes within the day ahead.
const start = new Date('2026-11-04T17:00:00Z');
const dayAhead = new Date(start.getTime() + 86_400_000);

/**
 * A stop ends a scheduled intent's wait at once, on the real ASL over the local API: the intent is scheduled a day
 * ahead (`admission.scheduled`), parks until its due instant, and its requester stops it while it waits. It
 * concludes `stopped`, sealed, before the clock reaches its due instant — whether time is held by other work
 * (the shared virtual clock stands still while any execution works) or runs in real time (`ITV_CLOCK=wall`).
 */
describe('stopping a scheduled intent (local runtime)', () => {
  let home: string;
  let api: LocalApiServer | undefined;
  let leave: () => void = () => {};
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'itv-scheduled-stop-'));
  });
  afterEach(async () => {
    leave();
    await api?.close();
    rmSync(home, { recursive: true, force: true });
  });

  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${api!.base}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${issueToken(home, 'alice')}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const types = async (id: string) =>
    (await api!.stack.deps.ledger.forIntent('main', id)).map((stored) => stored.entry.type);
  /** Polls for at most 30 s of wall time; the assertions after it say what did not happen. */
  const until = async (condition: () => Promise<boolean>) => {
    for (let i = 0; i < 600 && !(await condition()); i++) await new Promise((r) => setTimeout(r, 50));
  };

  async function scheduleThenStop(id: string, isWaiting: () => boolean) {
    const submitted = await post('/intents', {
      ...intent,
      id,
      timestamp: start.toISOString(),
      constraints: { ...intent.constraints, notBefore: dayAhead.toISOString() },
    });
    expect(submitted.status).toBe(202);
    await until(async () => (await types(id)).includes('admission.scheduled') && isWaiting());
    const stopped = await post(`/intents/${id}/stop`, { reason: 'the launch moved' });
    await until(async () => (await types(id)).at(-1) === 'checkpoint.signed');
    return stopped;
  }

  async function assessStoppedBeforeDue(id: string, stack: LocalStack) {
    const entries = await stack.deps.ledger.forIntent('main', id);
    const kinds = entries.map((stored) => stored.entry.type);
    expect(kinds.slice(-3)).toEqual(['intent.stopped', 'intent.concluded', 'checkpoint.signed']);
    expect(kinds.filter((kind) => kind.startsWith('admission.'))).toEqual(['admission.scheduled']);
    const stoppedEntry = entries.find((stored) => stored.entry.type === 'intent.stopped')!;
    expect(stoppedEntry.entry.payload).toMatchObject({ by: 'alice', action: 'withdrawn' });
    expect(Date.parse(stoppedEntry.entry.timestamp)).toBeLessThan(dayAhead.getTime());
    expect(stack.clock.now().getTime()).toBeLessThan(dayAhead.getTime());
    const concluded = entries.find((stored) => stored.entry.type === 'intent.concluded')!;
    expect(concluded.entry.payload).toMatchObject({ outcome: 'stopped' });
  }

  test('while other work holds the shared clock, the stop ends the wait without moving time to the due instant', async () => {
    // Prepare: another execution is at work, so the discrete-event clock stands still.
    let scheduler: DiscreteEventScheduler | undefined;
    api = await startLocalApi(home, bearerCaller(home), start, (stack) => {
      scheduler = new DiscreteEventScheduler(stack.clock);
      return scheduler;
    });
    leave = scheduler!.join();

    // Act
    const stopped = await scheduleThenStop('scheduled-stop-held', () => scheduler!.load.sleeping === 1);

    // Assess
    expect(stopped.status).toBe(202);
    expect(stopped.body).toMatchObject({ repeated: false });
    await assessStoppedBeforeDue('scheduled-stop-held', api.stack);
    expect(scheduler!.load.sleeping).toBe(0);
  });

  test('in wall-clock time, the stop ends a wait a day long at once', async () => {
    // Prepare
    api = await startLocalApi(
      home,
      bearerCaller(home),
      start,
      (stack) => new WallClockScheduler(stack.clock),
    );

    // Act
    const stopped = await scheduleThenStop('scheduled-stop-wall', () => true);

    // Assess
    expect(stopped.status).toBe(202);
    await assessStoppedBeforeDue('scheduled-stop-wall', api.stack);
  });

  test('a stopping control plane ends a day-long wait at once, as a crash would: nothing is written', async () => {
    // Prepare
    api = await startLocalApi(
      home,
      bearerCaller(home),
      start,
      (stack) => new WallClockScheduler(stack.clock),
    );
    const id = 'scheduled-suspended';
    const submitted = await post('/intents', {
      ...intent,
      id,
      timestamp: start.toISOString(),
      constraints: { ...intent.constraints, notBefore: dayAhead.toISOString() },
    });
    await until(
      async () => (await types(id)).includes('admission.scheduled') && api!.executions.parkedInProcess === 1,
    );
    const before = await types(id);

    // Act
    const suspended = api.executions.suspendParks();
    await api.executions.idle();

    // Assess
    expect(submitted.status).toBe(202);
    expect(suspended).toBe(1);
    expect(await types(id)).toEqual(before);
    expect(before.at(-1)).toBe('admission.scheduled');
    expect(api.executions.inFlight).toBe(0);
  });
});
