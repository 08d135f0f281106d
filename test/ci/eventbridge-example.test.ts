import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalog } from '../../catalog/index.js';
import { bearerCaller } from '../../cli/runtime/local-tokens.js';
import { intentSubmittedDetailType } from '../../infra/intake-events.js';
import { type IntentSubmittedEvent, intakeEvent } from '../../lambdas/api/intake-event.js';
import { type LocalApiServer, startLocalApi } from '../support/local-api-server.js';
import { root } from '../support/run-itv.js';
import { setupMs } from '../support/time-budget.js';

/** A Wednesday afternoon outside every freeze. */
const NOW = new Date('2026-11-04T15:00:00Z');
const script = join(root, 'examples', 'ci', 'eventbridge', 'put-intent.sh');

/**
 * examples/ci/eventbridge/put-intent.sh with `aws` standing in (it records what it was asked to put and answers
 * as PutEvents does); what it puts is then delivered as EventBridge would, to the intake function on the local
 * stack.
 */
function putWithStubbedAws(intentFile: string, failedEntries = 0) {
  const work = mkdtempSync(join(tmpdir(), 'itv-eventbridge-'));
  const bin = join(work, 'bin');
  mkdirSync(bin);
  const captured = join(work, 'put-events.args');
  writeFileSync(
    join(bin, 'aws'),
    `#!/bin/sh\nprintf '%s\\n' "$@" > "${captured}"\necho '{"FailedEntryCount": ${failedEntries}, "Entries": [{"EventId": "6f1c0e5a-1111-2222-3333-444455556666"}]}'\n`,
  );
  chmodSync(join(bin, 'aws'), 0o755);
  const run = spawnSync('bash', [script, intentFile], {
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, ITV_EVENT_SOURCE: 'itv.ci.growth' },
    encoding: 'utf8',
  });
  const args = run.status === null ? [] : readFileSync(captured, 'utf8').split('\n');
  rmSync(work, { recursive: true, force: true });
  return { run, args };
}

describe('examples/ci/eventbridge/put-intent.sh', () => {
  let home: string;
  let api: LocalApiServer;
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'itv-eventbridge-stack-'));
    api = await startLocalApi(home, bearerCaller(home), NOW);
  }, setupMs);
  afterAll(async () => {
    await api?.close();
    rmSync(home, { recursive: true, force: true });
  }, setupMs);

  test('puts the intent under a registered source and the detail-type the rule matches; it reaches the ledger', async () => {
    // Act: the script builds and puts the event.
    const { run, args } = putWithStubbedAws(join(root, 'examples', '01-low-risk-flag.json'));
    // Assess: what it asked EventBridge to put.
    expect(run.status).toBe(0);
    expect(args.slice(0, 2)).toEqual(['events', 'put-events']);
    const entries = JSON.parse(args[args.indexOf('--entries') + 1]!) as Array<{
      EventBusName: string;
      Source: string;
      DetailType: string;
      Detail: string;
    }>;
    expect(entries).toHaveLength(1);
    const [entry] = entries;
    expect(entry).toMatchObject({ EventBusName: 'itv', DetailType: intentSubmittedDetailType });
    expect(loadCatalog().eventSources[entry!.Source]).toBe('ci-growth');

    // Act: EventBridge delivers it to the intake function (here on the local stack).
    const event: IntentSubmittedEvent = {
      version: '0',
      id: '6f1c0e5a-1111-2222-3333-444455556666',
      'detail-type': 'Intent Submitted',
      source: entry!.Source,
      account: '123456789012',
      time: NOW.toISOString(),
      region: 'eu-west-1',
      resources: [],
      detail: JSON.parse(entry!.Detail) as { intent?: unknown },
    };
    const started = await intakeEvent(event, api.executions, api.stack.deps, NOW);
    await api.executions.idle();

    // Assess: the intent is on the ledger, submitted by the CI principal on alice's behalf, and it released.
    expect(started).toMatchObject({ intentId: expect.any(String) });
    const intentId = (started as { intentId: string }).intentId;
    const entriesOnLedger = await api.stack.deps.ledger.forIntent('main', intentId);
    const declared = entriesOnLedger.find((stored) => stored.entry.type === 'intent.declared')?.entry.payload;
    expect(declared).toMatchObject({
      source: 'eventbridge',
      submittedBy: {
        principal: 'ci-growth',
        authenticatedAs: { method: 'eventbridge', source: 'itv.ci.growth' },
      },
      authority: { requester: 'ci-growth', onBehalfOf: 'alice' },
    });
    expect(entriesOnLedger.map((stored) => stored.entry.type)).toContain('intent.concluded');
  });

  test('a refused entry fails the script', () => {
    const { run } = putWithStubbedAws(join(root, 'examples', '01-low-risk-flag.json'), 1);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('the bus refused the event');
  });
});
