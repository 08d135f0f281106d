import { readFileSync } from 'node:fs';
import { DiscreteEventScheduler } from '../../../cli/runtime/event-scheduler.js';
import { namedLocally } from '../../../cli/runtime/local-caller.js';
import { LocalPipeline } from '../../../cli/runtime/local-pipeline.js';
import { pipelineDefinition } from '../../../cli/session.js';
import { auditStores } from '../../../lambdas/core/evidence/audit-stores.js';
import { storedBundleFiles } from '../../../lambdas/core/evidence/bundle-archive.js';
import { verifyBundle } from '../../../lambdas/core/evidence/verify-bundle.js';
import { ledgerRefusing } from '../../support/ledger-refusing.js';
import { stackForEachTest } from '../../support/stack-for-each-test.js';

const intent = JSON.parse(
  readFileSync(new URL('../../../examples/01-low-risk-flag.json', import.meta.url), 'utf8'),
);

/**
 * Every execution ends sealed, a failed one too: through the real ASL on the local runtime, an intent whose
 * Observe stage fails gets an evidence bundle saying what was decided and why it stopped, and every one of its
 * entries is covered by a signed checkpoint when the execution ends.
 */
describe('a failed execution ends sealed (local runtime)', () => {
  const local = stackForEachTest('itv-failure-sealed-', [intent]);

  test('Observe fails: stage.failed, then a verified bundle with the failure, and no entry left trailing', async () => {
    // Prepare
    const deps = ledgerRefusing(local.stack.deps, 'observation.recorded');
    const states: string[] = [];
    const pipeline = new LocalPipeline(pipelineDefinition(), deps, {
      scheduler: new DiscreteEventScheduler(local.stack.clock),
      onProgress: (event) => {
        if (event.phase === 'entered') states.push(event.state);
      },
    });
    // Act
    const report = await pipeline.start({
      intent: { ...intent, timestamp: local.stack.clock.now().toISOString() },
      caller: namedLocally(intent.authority.requester, 'test'),
    });
    // Assess
    expect(report.status).toBe('failed');
    expect(states.slice(-3)).toEqual(['RecordFailure', 'RestoreMonitors', 'SignCheckpoint']);
    const intentId = report.intentId!;
    const types = (await local.stack.deps.ledger.forIntent(local.stack.deps.ledgerName, intentId)).map(
      (e) => e.entry.type,
    );
    expect(types).toContain('decision.signed');
    expect(types.slice(-2)).toEqual(['stage.failed', 'checkpoint.signed']);
    const bundle = await storedBundleFiles(local.stack.deps.evidence, intentId);
    expect(verifyBundle(bundle)).toMatchObject({ ok: true, intentId });
    const outcome = JSON.parse(Buffer.from(bundle.get('outcome.json')!).toString());
    expect(outcome).toMatchObject({
      outcome: 'failed',
      failures: [
        { type: 'stage.failed', error: 'Error', cause: expect.stringContaining('observation.recorded') },
      ],
    });
    expect(JSON.parse(Buffer.from(bundle.get('decision.json')!).toString())).toHaveLength(1);
    const audit = await auditStores({
      ledger: local.stack.deps.ledger,
      evidence: local.stack.deps.evidence,
      ledgerName: local.stack.deps.ledgerName,
      publicKeySpkiDer: await local.stack.deps.publicKey(),
    });
    expect(audit).toMatchObject({ ok: true, trailing: 0 });
  });
});
