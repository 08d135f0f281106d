import { declaredFaults } from '../../../lambdas/adapters/local/declared-faults.js';
import { MemoryLedgerStore } from '../pipeline/helpers/memory-ledger.js';

const fault = { metric: 'errorRate' as const, value: 0.2, atPercent: 30 };

function declare(ledger: MemoryLedgerStore, intentId: string, intent: Record<string, unknown>) {
  return ledger.append('main', {
    intentId,
    type: 'intent.declared',
    idempotencyKey: `${intentId}/intent.declared`,
    timestamp: '2026-11-02T10:00:00.000Z',
    payload: { intent },
  });
}

describe('declaredFaults, the local simulator fault source', () => {
  test("returns the fault an intent declared in its simulation block, and only that intent's", async () => {
    // Prepare
    const ledger = new MemoryLedgerStore();
    await declare(ledger, 'int-faulty', { title: 'faulty', simulation: { fault } });
    await declare(ledger, 'int-clean', { title: 'clean' });
    const faults = declaredFaults(ledger, 'main');
    // Act / Assess
    await expect(faults('int-faulty')).resolves.toEqual(fault);
    await expect(faults('int-clean')).resolves.toBeUndefined();
    await expect(faults('int-never-declared')).resolves.toBeUndefined();
  });

  test('fills atPercent with 0 as the intent schema does, and ignores a malformed fault', async () => {
    // Prepare
    const ledger = new MemoryLedgerStore();
    await declare(ledger, 'int-default', { simulation: { fault: { metric: 'latencyP99Ms', value: 900 } } });
    await declare(ledger, 'int-bad', { simulation: { fault: { metric: 'cpu', value: 1 } } });
    const faults = declaredFaults(ledger, 'main');
    // Act / Assess
    await expect(faults('int-default')).resolves.toEqual({
      metric: 'latencyP99Ms',
      value: 900,
      atPercent: 0,
    });
    await expect(faults('int-bad')).resolves.toBeUndefined();
  });
});
