import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiscreteEventScheduler } from '../../../cli/runtime/event-scheduler.js';
import { namedLocally } from '../../../cli/runtime/local-caller.js';
import { LocalPipeline } from '../../../cli/runtime/local-pipeline.js';
import { pipelineDefinition } from '../../../cli/session.js';
import { type LocalStack, openLocalStack } from '../../../lambdas/wiring/local/local-stack.js';

const intent = JSON.parse(
  readFileSync(new URL('../../../examples/01-low-risk-flag.json', import.meta.url), 'utf8'),
);

/**
 * A change asked for later is scheduled, not released now: through the real ASL on the local runtime, AdmitPolicy
 * schedules it, AwaitDue parks it until its not-before instant on the shared clock, and admission
 * then runs again as of that instant, and the release follows.
 */
describe('a scheduled change (local runtime)', () => {
  let home: string;
  let stack: LocalStack;
  beforeEach(async () => {
    home = mkdtempSync(join(tmpdir(), 'itv-scheduled-'));
    // Wednesday 09:00 in Los Angeles, the service's time zone.
    stack = await openLocalStack({ home, inMemory: true, clockStart: new Date('2026-11-04T17:00:00Z') });
  });
  afterEach(async () => {
    await stack.close();
    rmSync(home, { recursive: true, force: true });
  });

  test('released no earlier than constraints.notBefore, with one scheduled and one admitted entry', async () => {
    // Prepare
    const submittedAt = stack.clock.now();
    const notBefore = new Date(submittedAt.getTime() + 3 * 86_400_000 + 1234);
    const states: string[] = [];
    const pipeline = new LocalPipeline(pipelineDefinition(), stack.deps, {
      scheduler: new DiscreteEventScheduler(stack.clock),
      onProgress: (event) => {
        if (event.phase === 'entered') states.push(event.state);
      },
    });

    // Act
    const report = await pipeline.start({
      intent: {
        ...intent,
        timestamp: submittedAt.toISOString(),
        constraints: { ...intent.constraints, notBefore: notBefore.toISOString() },
      },
      caller: namedLocally(intent.authority.requester, 'test'),
    });

    // Assess
    expect(report.status).toBe('succeeded');
    expect(states.slice(0, 5)).toEqual([
      'DeclareIntent',
      'ValidateStructure',
      'AdmitPolicy',
      'AwaitDue',
      'AdmitPolicy',
    ]);
    const entries = await stack.deps.ledger.forIntent(stack.deps.ledgerName, report.intentId!);
    const types = entries.map((e) => e.entry.type);
    expect(types.filter((t) => t.startsWith('admission.'))).toEqual([
      'admission.scheduled',
      'admission.admitted',
    ]);
    const due = Date.parse('2026-11-07T17:00:02Z');
    const scheduled = entries.find((e) => e.entry.type === 'admission.scheduled')!;
    expect(scheduled.entry.payload).toMatchObject({ dueAt: '2026-11-07T17:00:02Z' });
    expect(Date.parse(scheduled.entry.timestamp)).toBe(submittedAt.getTime());
    const started = entries.find((e) => e.entry.type === 'release.started')!;
    expect(Date.parse(started.entry.timestamp)).toBeGreaterThanOrEqual(due);
    expect(types.at(-2)).toBe('intent.concluded');
    // Time to value counts from the instant it asked for: the three days its requester chose are not lost time.
    const concluded = entries.find((e) => e.entry.type === 'intent.concluded')!;
    const { timeToValueSeconds, costOfDelayUsd } = concluded.entry.payload as Record<string, number>;
    expect(timeToValueSeconds).toBe((Date.parse(concluded.entry.timestamp) - due) / 1000);
    expect(timeToValueSeconds).toBeLessThan(3600);
    expect(costOfDelayUsd).toBeLessThan(1000);
  });
});
