import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalog } from '../../catalog/index.js';
import { bearerCaller } from '../../cli/runtime/local-tokens.js';
import { intentSubmittedDetailType } from '../../infra/intake-events.js';
import { type IntentSubmittedEvent, intakeEvent } from '../../lambdas/api/intake-event.js';
import { intentLimits } from '../../lambdas/core/intake/limits.js';
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
  const entriesRead = join(work, 'put-events.entries');
  const temp = join(work, 'tmp');
  mkdirSync(temp);
  // The stub keeps its arguments, and the content of the file:// entries names, as the AWS CLI reads it.
  writeFileSync(
    join(bin, 'aws'),
    [
      '#!/bin/sh',
      `printf '%s\\n' "$@" > "${captured}"`,
      'for arg in "$@"; do',
      `  case "$arg" in file://*) cat "\${arg#file://}" > "${entriesRead}" ;; esac`,
      'done',
      `echo '{"FailedEntryCount": ${failedEntries}, "Entries": [{"EventId": "6f1c0e5a-1111-2222-3333-444455556666"}]}'`,
      '',
    ].join('\n'),
  );
  chmodSync(join(bin, 'aws'), 0o755);
  const run = spawnSync('bash', [script, intentFile], {
    env: {
      ...process.env,
      PATH: `${bin}:${process.env.PATH}`,
      ITV_EVENT_SOURCE: 'itv.ci.growth',
      TMPDIR: temp,
    },
    encoding: 'utf8',
  });
  const args = existsSync(captured) ? readFileSync(captured, 'utf8').split('\n') : [];
  const entriesArg = args[args.indexOf('--entries') + 1] ?? '';
  const entries = entriesArg.startsWith('file://') ? readFileSync(entriesRead, 'utf8') : entriesArg;
  const leftInTemp = readdirSync(temp);
  rmSync(work, { recursive: true, force: true });
  return { run, args, entries, leftInTemp };
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
    const { run, args, entries: sent } = putWithStubbedAws(join(root, 'examples', '01-low-risk-flag.json'));
    // Assess: what it asked EventBridge to put.
    expect(run.status).toBe(0);
    expect(args.slice(0, 2)).toEqual(['events', 'put-events']);
    const entries = JSON.parse(sent) as Array<{
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

  test('a large intent the door accepts is put whole: the entries go by file, which is removed afterwards', () => {
    // Prepare: ~99 KB of short strings (within the door's limits on arrays), whose escaping in the entries
    // passes Linux's 128 KiB limit on one argument.
    const example = JSON.parse(readFileSync(join(root, 'examples', '01-low-risk-flag.json'), 'utf8'));
    const payload = Object.fromEntries(
      Array.from({ length: 24 }, (_, i) => [`segment-${i}`, Array.from({ length: 1000 }, () => 'x')]),
    );
    const intent = JSON.stringify({ ...example, change: { ...example.change, payload } });
    expect(Buffer.byteLength(intent)).toBeGreaterThan(95_000);
    expect(Buffer.byteLength(intent)).toBeLessThan(intentLimits.bytes);
    const work = mkdtempSync(join(tmpdir(), 'itv-eventbridge-large-'));
    const intentFile = join(work, 'large.json');
    writeFileSync(intentFile, intent);

    // Act
    const { run, args, entries, leftInTemp } = putWithStubbedAws(intentFile);
    rmSync(work, { recursive: true, force: true });

    // Assess
    expect([run.status, run.stderr]).toEqual([0, '']);
    expect(Buffer.byteLength(entries)).toBeGreaterThan(128 * 1024);
    expect(args[args.indexOf('--entries') + 1]).toMatch(/^file:\/\//);
    const [entry] = JSON.parse(entries) as Array<{ Detail: string }>;
    expect(JSON.parse(entry!.Detail)).toEqual({ intent: JSON.parse(intent) });
    expect(leftInTemp).toEqual([]);
  });

  test('a refused entry fails the script', () => {
    const { run } = putWithStubbedAws(join(root, 'examples', '01-low-risk-flag.json'), 1);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('the bus refused the event');
  });
});
