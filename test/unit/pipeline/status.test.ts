import { intentStatus } from '../../../lambdas/core/pipeline/status.js';
import type { StoredEntry } from '../../../lambdas/ports/ledger-store.js';

let seq = 0;
const entry = (type: string, payload: Record<string, unknown> = {}): StoredEntry => ({
  hash: 'a'.repeat(64),
  entry: {
    ledger: 'main',
    seq: seq++,
    prevHash: '0'.repeat(64),
    intentId: 'i',
    type,
    idempotencyKey: `i/${type}`,
    timestamp: '2026-11-02T09:00:00Z',
    payload,
  },
});
const declared = entry('intent.declared', { intent: { title: 'T', change: { service: 'launch-flags' } } });

describe('intentStatus', () => {
  test('an unknown intent has no status', () => {
    expect(intentStatus('i', [])).toBeUndefined();
  });

  test('a policy rejection explains each failed constraint and what would pass', () => {
    const status = intentStatus('i', [
      declared,
      entry('admission.rejected', {
        tier: 1,
        failed: [{ rule: 'authority', reason: 'not an owner', remedy: 'ask an owner' }],
      }),
      entry('intent.concluded', {
        outcome: 'rejected-policy',
        tier: 1,
        timeToValueSeconds: null,
        valuePerHourUsd: 5,
      }),
    ])!;
    expect(status).toMatchObject({
      status: 'rejected-policy',
      service: 'launch-flags',
      tier: 1,
      valuePerHourUsd: 5,
    });
    expect(status.reasons).toEqual(['authority: not an owner (would pass: ask an owner)']);
  });

  test('waiting for review until a decision is recorded', () => {
    const waiting = [declared, entry('admission.admitted', { tier: 3 }), entry('review.requested')];
    expect(intentStatus('i', waiting)!.status).toBe('awaiting-review');
    expect(intentStatus('i', [...waiting, entry('review.approved'), entry('release.started')])!.status).toBe(
      'releasing',
    );
  });

  test('an incomplete intent lists its field issues and has no value per hour', () => {
    const status = intentStatus('i', [
      entry('intent.incomplete', { issues: [{ path: 'goal', message: 'goal: is required' }] }),
      entry('intent.concluded', { outcome: 'rejected-incomplete', valuePerHourUsd: 0, tier: null }),
    ])!;
    expect(status.reasons).toEqual(['goal: is required']);
    expect(status.valuePerHourUsd).toBeNull();
  });
});
