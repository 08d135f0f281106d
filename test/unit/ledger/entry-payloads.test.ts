import { LedgerIntegrityError } from '../../../lambdas/core/errors.js';
import { payloadOf, releaseStartedPayload } from '../../../lambdas/core/ledger/entry-payloads.js';
import type { LedgerEntry } from '../../../lambdas/ports/ledger-store.js';

const entry = (payload: Record<string, unknown>) =>
  ({
    ledger: 'main',
    seq: 7,
    intentId: 'int-1',
    type: 'release.started',
    timestamp: '2026-11-04T15:00:00.000Z',
    prevHash: '0'.repeat(64),
    payload,
  }) as unknown as LedgerEntry;

describe('payloadOf', () => {
  test('reads the fields a reader uses and lets the rest through', () => {
    const read = payloadOf(
      entry({ deploymentId: '3', strategy: 'itv.Immediate', pollSeconds: 60, environment: 'prod' }),
      releaseStartedPayload,
    );
    expect(read).toMatchObject({
      deploymentId: '3',
      strategy: 'itv.Immediate',
      pollSeconds: 60,
      environment: 'prod',
    });
  });

  test('an entry that does not hold what its type promises is an integrity error naming entry and field', () => {
    const read = () =>
      payloadOf(
        entry({ deploymentId: 3, strategy: 'itv.Immediate', pollSeconds: 60 }),
        releaseStartedPayload,
      );
    expect(read).toThrow(LedgerIntegrityError);
    expect(read).toThrow(/ledger entry 7 \(release.started\) of intent int-1: payload field "deploymentId"/);
  });
});
