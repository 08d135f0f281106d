import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { loadCatalog } from '../../../catalog/index.js';
import { bearerCaller, issueToken } from '../../../cli/runtime/local-tokens.js';
import { EvidencePayloadStore } from '../../../lambdas/adapters/evidence-payload-store.js';
import { type IntentSubmittedEvent, intakeEvent } from '../../../lambdas/api/intake-event.js';
import { submitIntent } from '../../../lambdas/api/submit-intent.js';
import { type LocalApiServer, startLocalApi } from '../../support/local-api-server.js';
import { RecordingExecutions } from '../../support/recording-executions.js';
import { setupMs } from '../../support/time-budget.js';
import { WriteOnceEvidence } from '../../unit/evidence/helpers/write-once-evidence.js';
import { MemoryLedgerStore } from '../../unit/pipeline/helpers/memory-ledger.js';
import { MemoryStateStore } from '../../unit/release/helpers/memory-state-store.js';

/*
 * Bounds at the door on every entry point: the API handler, the EventBridge intake and the local HTTP server
 * (`itv serve`, the control plane the CLI speaks to) answer hostile input with a field error naming the limit
 * and the actual value, before anything starts or is recorded.
 */

const NOW = new Date('2026-11-04T15:00:00Z');
const ACCOUNT = '123456789012';
const ALICE = `arn:aws:sts::${ACCOUNT}:assumed-role/ItvEngineers/alice@example.com`;
const exampleText = readFileSync(new URL('../../../examples/01-low-risk-flag.json', import.meta.url), 'utf8');
const example = () =>
  JSON.parse(exampleText) as Record<string, unknown> & { change: Record<string, unknown> };

/** The example with a payload value replaced by raw JSON text (what `JSON.stringify` could never send). */
function withRawPayloadValue(rawJson: string, id?: string): string {
  const intent = example();
  if (id) intent.id = id;
  intent.change.payload = { hostile: '@@' };
  return JSON.stringify(intent).replace('"@@"', rawJson);
}

const deepJson = (levels: number) => `${'{"a":'.repeat(levels)}true${'}'.repeat(levels)}`;

const postIntents = (body: string): APIGatewayProxyEvent =>
  ({
    resource: '/intents',
    path: '/intents',
    httpMethod: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    isBase64Encoded: false,
    requestContext: { identity: { userArn: ALICE } },
  }) as unknown as APIGatewayProxyEvent;

describe('POST /intents (the API function)', () => {
  const deps = {
    catalog: loadCatalog(),
    state: new MemoryStateStore(),
    ledger: new MemoryLedgerStore(),
    ledgerName: 'test',
    payloads: new EvidencePayloadStore(new WriteOnceEvidence()),
  };
  const submit = async (body: string) => {
    const executions = new RecordingExecutions();
    const response = await submitIntent(postIntents(body), executions, deps, NOW);
    return { status: response.statusCode, body: JSON.parse(response.body), started: executions.started };
  };

  test('2,415 levels of nesting: 400 naming the depth, with or without a client id, and nothing starts', async () => {
    for (const id of [undefined, 'ci-run-2415']) {
      const answer = await submit(withRawPayloadValue(deepJson(2415), id));
      expect(answer.status).toBe(400);
      expect(answer.body.issues[0].message).toMatch(/nests 2418 levels deep; an intent may nest at most 32$/);
      expect(answer.started).toEqual([]);
    }
  });

  test('1e999 is 400 at change.payload.hostile, not a failure later in the pipeline', async () => {
    const answer = await submit(withRawPayloadValue('1e999'));
    expect(answer.status).toBe(400);
    expect(answer.body.issues).toEqual([
      {
        path: 'change.payload.hostile',
        message: expect.stringMatching(/must be a finite number, not Infinity/),
      },
    ]);
    expect(answer.started).toEqual([]);
  });

  test('an integer past 2^53 is 400 at its field, not recorded as the double nearest it', async () => {
    const answer = await submit(withRawPayloadValue('9007199254740993'));
    expect(answer.status).toBe(400);
    expect(answer.body.issues).toEqual([
      {
        path: 'change.payload.hostile',
        message: expect.stringContaining('it would be recorded and released as 9007199254740992'),
      },
    ]);
    expect(answer.started).toEqual([]);
  });

  test('a key given twice is 400 naming it, whichever value was meant, and nothing starts', async () => {
    const requesterTwice = exampleText.replace(
      '"requester": "alice"',
      '"requester": "victor", "requester": "alice"',
    );
    expect(requesterTwice).not.toBe(exampleText);
    const answer = await submit(requesterTwice);
    expect(answer.status).toBe(400);
    expect(answer.body.issues).toEqual([
      { path: 'authority.requester', message: expect.stringMatching(/^is given twice in one object/) },
    ]);
    expect(answer.started).toEqual([]);
  });

  test('a 512 KiB title is 400 on the title limit with its length', async () => {
    const intent = example();
    intent.title = 't'.repeat(512 * 1024);
    const answer = await submit(JSON.stringify(intent));
    expect(answer.status).toBe(400);
    expect(answer.body.issues).toEqual([
      { path: 'title', message: 'title: must be at most 200 characters, got 524288 characters' },
    ]);
  });

  test.each(['.', '..', '...'])(
    'the id %p, a path step no URL or storage key keeps, is 400 naming id and nothing starts',
    async (id) => {
      const answer = await submit(JSON.stringify({ ...example(), id }));
      expect(answer.status).toBe(400);
      expect(answer.body.issues).toEqual([
        { path: 'id', message: expect.stringMatching(/^id: must not be only dots/) },
      ]);
      expect(answer.started).toEqual([]);
      expect(await deps.ledger.read(deps.ledgerName)).toEqual([]);
    },
  );

  test('a __proto__ key is 400 naming it, not dropped from the payload', async () => {
    const answer = await submit(withRawPayloadValue('{"__proto__":{"enabled":true}}'));
    expect(answer.status).toBe(400);
    expect(answer.body.issues[0].path).toBe('change.payload.hostile.__proto__');
  });
});

describe('the EventBridge intake', () => {
  const deps = {
    catalog: loadCatalog(),
    state: new MemoryStateStore(),
    ledger: new MemoryLedgerStore(),
    ledgerName: 'test',
    payloads: new EvidencePayloadStore(new WriteOnceEvidence()),
  };
  const event = (intent: unknown): IntentSubmittedEvent => ({
    version: '0',
    id: 'e-door',
    'detail-type': 'Intent Submitted',
    source: 'itv.ci.growth',
    account: ACCOUNT,
    time: '2026-11-04T15:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail: { intent },
  });

  test('an intent nested 2,415 levels starts nothing and is refused with the field and the depth', async () => {
    const executions = new RecordingExecutions();
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const intent = JSON.parse(withRawPayloadValue(deepJson(2415), 'ci-run-deep'));
      const answer = await intakeEvent(event(intent), executions, deps, NOW);
      expect(answer).toMatchObject({
        issues: [{ message: expect.stringMatching(/nests 2418 levels deep/) }],
      });
      expect(executions.started).toEqual([]);
      expect(warn).toHaveBeenCalledTimes(1);
    } finally {
      warn.mockRestore();
    }
  });

  test("an invalid intent carrying a valid one's id starts under a digest of itself, so the valid one keeps its id", async () => {
    const executions = new RecordingExecutions();
    const { goal: _missing, ...invalid } = { ...example(), id: 'ci-run-4711' } as Record<string, unknown>;
    await intakeEvent(event(invalid), executions, deps, NOW);
    const valid = { ...example(), id: 'ci-run-4711' };
    await intakeEvent(event(valid), executions, deps, NOW);
    expect(executions.started.map((s) => s.intentId)).toEqual([
      expect.stringMatching(/^int-[0-9a-f]{20}$/),
      'ci-run-4711',
    ]);
  });
  test('an intent under the id ".." starts under a digest of itself, never under ".."', async () => {
    const executions = new RecordingExecutions();
    await intakeEvent(event({ ...example(), id: '..' }), executions, deps, NOW);
    expect(executions.started.map((s) => s.intentId)).toEqual([expect.stringMatching(/^int-[0-9a-f]{20}$/)]);
  });
});

describe('the local HTTP API (itv serve and the control plane)', () => {
  let home: string;
  let api: LocalApiServer;
  let token: string;
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'itv-door-'));
    token = issueToken(home, 'alice');
    api = await startLocalApi(home, bearerCaller(home), NOW);
  }, setupMs);
  afterAll(async () => {
    await api?.close();
    rmSync(home, { recursive: true, force: true });
  }, setupMs);

  const call = async (method: string, path: string, body?: string) => {
    const response = await fetch(`${api.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  test('a malformed percent-encoding in a path is 400 naming it, not 500', async () => {
    for (const path of ['/intents/%E0%A4%A', '/intents/%ZZ/evidence', '/intents/abc%/review']) {
      const answer = await call(
        path.endsWith('review') ? 'POST' : 'GET',
        path,
        path.endsWith('review') ? '{}' : undefined,
      );
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ error: 'InvalidInputError', issues: [{ path: 'path.id' }] });
    }
  });

  test('deep nesting with a client id is 400 and never reaches an execution or the ledger', async () => {
    const answer = await call('POST', '/intents', withRawPayloadValue(deepJson(2415), 'ci-run-http'));
    expect(answer.status).toBe(400);
    expect(await api.stack.deps.ledger.read(api.stack.deps.ledgerName)).toEqual([]);
  });

  test('an intent under the id ".." is 400 naming id and never reaches the ledger', async () => {
    const answer = await call('POST', '/intents', JSON.stringify({ ...example(), id: '..' }));
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      issues: [{ path: 'id', message: expect.stringMatching(/only dots/) }],
    });
    expect(await api.stack.deps.ledger.read(api.stack.deps.ledgerName)).toEqual([]);
  });

  test('a body past 1 MiB is 413, answered from its Content-Length, and is not kept', async () => {
    const answer = await call('POST', '/intents', `"${'x'.repeat(17 * 1024 * 1024)}"`);
    expect(answer.status).toBe(413);
    expect(answer.body).toMatchObject({
      type: 'urn:itv:problem:content-too-large',
      status: 413,
      issues: [{ path: 'body' }],
    });
    expect(answer.body.message).toMatch(/at most 1048576 bytes/);
    expect(await api.stack.deps.ledger.read(api.stack.deps.ledgerName)).toEqual([]);
  });
});
