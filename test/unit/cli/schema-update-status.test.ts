import { printStatus } from '../../../cli/commands/status.js';
import type { IntentWithEntries } from '../../../cli/console/views/intent-view.js';
import { intentView } from '../../../cli/console/views/intent-view.js';
import { describeStage } from '../../../cli/progress.js';
import { filterableStatuses, statusFilter } from '../../../lambdas/core/pipeline/intent-list.js';
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
    timestamp: '2026-11-04T15:00:00.000Z',
    payload,
  },
});

/** Example 10 between its release and Learn: its release deployed nothing (`release.contract-only`). */
const entries = [
  entry('intent.declared', {
    intent: { title: 'Add the express-pay flag', change: { service: 'launch-flags' } },
  }),
  entry('structure.validated', {}),
  entry('admission.admitted', { lane: 'launch-flags', tier: 2 }),
  entry('decision.signed', {}),
  entry('verification.passed', {}),
  entry('release.contract-only', {
    service: 'launch-flags',
    environment: 'prod',
    profile: 'flags',
    contractVersion: '1.2.0',
    contractDigest: 'b'.repeat(64),
    reason: "a schema update changes the profile's contract, not its configuration",
    at: '2026-11-04T15:00:00.000Z',
  }),
];
const status = intentStatus('i', entries)!;

describe('a schema update between its release and Learn', () => {
  test('its status says it registers its contract, not that it is releasing', () => {
    expect(status.status).toBe('registering-contract');
    expect(filterableStatuses).toContain('registering-contract');
    expect(statusFilter(['registering-contract'])).toEqual(['registering-contract']);
  });

  test('itv status says there is nothing to deploy', () => {
    const lines: string[] = [];
    const log = console.log;
    console.log = (line: string) => void lines.push(line);
    try {
      printStatus(status, false);
    } finally {
      console.log = log;
    }
    expect(lines.join('\n')).toContain('registering-contract');
    expect(lines.join('\n')).toContain('nothing to deploy');
    expect(lines.join('\n')).not.toContain('releasing');
  });

  test('the progress lines say nothing is deployed, not "release started: none with none"', () => {
    const line = (state: string, output: Record<string, unknown>) =>
      describeStage({ executionId: 'e', intentId: 'i', state, phase: 'exited', output });
    const release = {
      deploymentId: 'none',
      strategy: 'none',
      state: 'COMPLETE',
      percentageComplete: 0,
      contractOnly: true,
    };
    expect(line('StartRelease', release)).toBe(
      'nothing to deploy: a schema update registers its contract as it concludes (no AppConfig deployment)',
    );
    expect(line('CheckRelease', release)).toBe('no deployment to check: the contract is registered at Learn');
  });

  test('the console shows it registering its contract, with nothing to deploy', () => {
    const intent: IntentWithEntries = {
      ...status,
      entries: entries.map((s) => s.entry),
    };
    const page = intentView(intent, { formToken: 't' }).text;
    expect(page).toContain('data-status="registering-contract">registering-contract</span>');
    expect(page).toContain('Registering contract launch-flags/flags@1.2.0: nothing to deploy.');
    expect(page).toContain('release.contract-only</strong>');
    expect(page).toContain(' — contract launch-flags/flags@1.2.0, nothing deployed');
  });
});
