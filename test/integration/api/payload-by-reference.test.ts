import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { loadCatalog } from '../../../catalog/index.js';
import { demoStartInstant } from '../../../cli/demo-clock.js';
import { bearerCaller, issueToken } from '../../../cli/runtime/local-tokens.js';
import { EvidencePayloadStore } from '../../../lambdas/adapters/evidence-payload-store.js';
import { type IntentSubmittedEvent, intakeEvent } from '../../../lambdas/api/intake-event.js';
import { submitIntent } from '../../../lambdas/api/submit-intent.js';
import { payloadLimits } from '../../../lambdas/core/intake/limits.js';
import { intentSchema } from '../../../lambdas/core/intent.js';
import { canonicalDigest } from '../../../lambdas/core/ledger/canonical-json.js';
import { type LocalApiServer, startLocalApi } from '../../support/local-api-server.js';
import { RecordingExecutions } from '../../support/recording-executions.js';
import { setupMs } from '../../support/time-budget.js';
import { WriteOnceEvidence } from '../../unit/evidence/helpers/write-once-evidence.js';
import { MemoryLedgerStore } from '../../unit/pipeline/helpers/memory-ledger.js';
import { MemoryStateStore } from '../../unit/release/helpers/memory-state-store.js';

/*
 * Payloads too large to travel inside an intent travel by reference: uploaded once under their SHA-256
 * (POST /payloads), named in change.payloadRef, checked at every entry point as an inline payload is, and
 * fetched by digest (and hashed again) by the stages that validate, judge and release the content. The
 * execution's state and the ledger carry the reference alone.
 */

const exampleText = readFileSync(new URL('../../../examples/13-policy-change.json', import.meta.url), 'utf8');
type Example = Record<string, unknown> & { change: Record<string, unknown> };
const example = () => JSON.parse(exampleText) as Example;

/** A policy-registry payload of `documents` documents, each with a title of `titleLength` characters. */
function policyDocuments(documents: number, titleLength: number): Record<string, unknown> {
  return {
    documents: Array.from({ length: documents }, (_, i) => ({
      id: `POL-${String(100 + i)}`,
      title: `Policy ${i} ${'t'.repeat(titleLength)}`,
      version: '1.0.0',
      effectiveFrom: '2026-12-01',
    })),
    reviewCadenceDays: 365,
  };
}

/** At least a mebibyte of JSON: 800 documents of about 1.3 KB. */
const mebibytePayload = policyDocuments(800, 1300);
const mebibyteText = JSON.stringify(mebibytePayload);
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function byReference(ref: Record<string, unknown>, id?: string): Example {
  const intent = example();
  if (id) intent.id = id;
  const { payload: _inline, ...change } = intent.change;
  intent.change = { ...change, payloadRef: ref };
  return intent;
}

describe('payloads by reference on the local HTTP API (itv serve and the control plane)', () => {
  let home: string;
  let api: LocalApiServer;
  let token: string;
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'itv-payload-ref-'));
    token = issueToken(home, 'ken');
    const start = demoStartInstant(
      new Date('2026-11-03T14:00:00Z'),
      [intentSchema.parse(example())],
      loadCatalog(),
    );
    api = await startLocalApi(home, bearerCaller(home), start);
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
  const entries = (id: string) => api.stack.deps.ledger.forIntent(api.stack.deps.ledgerName, id);
  const types = async (id: string) => (await entries(id)).map((stored) => stored.entry.type);
  const until = async (condition: () => Promise<boolean>) => {
    for (let i = 0; i < 1200 && !(await condition()); i++) await new Promise((r) => setTimeout(r, 50));
  };
  const ledgerSize = async () => (await api.stack.deps.ledger.read(api.stack.deps.ledgerName)).length;

  test('a 1 MiB payload by reference is released end to end, and its evidence records the digest', async () => {
    // Prepare: the payload is uploaded as it is, and stored under the SHA-256 of its bytes.
    expect(Buffer.byteLength(mebibyteText)).toBeGreaterThan(1024 * 1024);
    const uploaded = await call('POST', '/payloads', mebibyteText);
    expect(uploaded.status).toBe(201);
    const ref = uploaded.body.payloadRef as { sha256: string; size: number };
    expect(ref).toEqual({
      sha256: sha256(mebibyteText),
      size: Buffer.byteLength(mebibyteText),
      mediaType: 'application/json',
    });
    // Sending the same bytes again stores nothing new and answers the same reference.
    expect((await call('POST', '/payloads', mebibyteText)).body).toEqual(uploaded.body);

    // Act
    const submitted = await call('POST', '/intents', JSON.stringify(byReference(ref, 'policy-by-ref')));
    expect(submitted.status).toBe(202);
    await until(async () => (await types('policy-by-ref')).at(-1) === 'checkpoint.signed');

    // Assess: released, the decision signed over the content's digest, the content deployed is the payload.
    const status = await call('GET', '/intents/policy-by-ref');
    expect(status.body.status).toBe('released');
    const stored = await entries('policy-by-ref');
    const declared = stored.find((s) => s.entry.type === 'intent.declared')?.entry.payload as {
      intent: { change: Record<string, unknown> };
    };
    expect(declared.intent.change.payloadRef).toEqual(ref);
    expect(declared.intent.change.payload).toBeUndefined();
    // No entry carries the content: each is far smaller than the payload.
    for (const { entry } of stored) expect(JSON.stringify(entry).length).toBeLessThan(64 * 1024);
    const envelope = stored.find((s) => s.entry.type === 'decision.signed')?.entry.payload as {
      envelope: { payload: string };
    };
    const decision = JSON.parse(Buffer.from(envelope.envelope.payload, 'base64').toString('utf8'));
    expect(decision.actions[0]).toMatchObject({
      contentDigest: canonicalDigest(mebibytePayload),
      payloadRef: ref,
    });
    const versions = await api.stack.deps.state.list('appconfig#versions#policy-registry/policies');
    expect(versions.map((v) => (v.data as { content?: unknown }).content)).toContainEqual({
      sha256: canonicalDigest(mebibytePayload),
      bytes: Buffer.byteLength(mebibyteText),
    });
    const bundle = await call('GET', '/intents/policy-by-ref/evidence');
    expect(bundle.status).toBe(200);
    const files = bundle.body.files as Record<string, string>;
    const bundled = JSON.parse(Buffer.from(files['intent.json'] ?? '', 'base64').toString('utf8'));
    expect(bundled.change.payloadRef).toEqual(ref);
  });

  test('the door refuses a reference to nothing, of the wrong size, or malformed, and records nothing', async () => {
    const before = await ledgerSize();
    const text = JSON.stringify(policyDocuments(3, 10));
    const ref = { sha256: sha256(text), size: Buffer.byteLength(text) };
    const missing = await call('POST', '/intents', JSON.stringify(byReference(ref)));
    expect(missing.status).toBe(400);
    expect(missing.body.issues).toEqual([
      {
        path: 'change.payloadRef.sha256',
        message: expect.stringContaining(`no payload is stored under ${ref.sha256}`),
      },
    ]);
    expect((await call('POST', '/payloads', text)).status).toBe(201);
    const wrongSize = await call(
      'POST',
      '/intents',
      JSON.stringify(byReference({ ...ref, size: ref.size + 1 })),
    );
    expect(wrongSize.status).toBe(400);
    expect(wrongSize.body.issues).toEqual([
      {
        path: 'change.payloadRef.size',
        message: `change.payloadRef.size: names ${ref.size + 1} bytes, but the payload stored under its digest is ${ref.size} bytes`,
      },
    ]);
    const malformed = await call('POST', '/intents', JSON.stringify(byReference({ sha256: 'XYZ', size: 0 })));
    expect(malformed.status).toBe(400);
    expect((malformed.body.issues as Array<{ path: string }>).map((i) => i.path).sort()).toEqual([
      'change.payloadRef.sha256',
      'change.payloadRef.size',
    ]);
    const both = example();
    both.change.payloadRef = ref;
    const twice = await call('POST', '/intents', JSON.stringify(both));
    expect(twice.status).toBe(400);
    expect(twice.body.issues).toEqual([
      {
        path: 'change.payloadRef',
        message: expect.stringContaining('either inline (payload) or by reference'),
      },
    ]);
    expect(await ledgerSize()).toBe(before);
  });

  test('a payload holding a secret is refused at upload, and a stored one that hashes otherwise at the door', async () => {
    const before = await ledgerSize();
    const secret = JSON.stringify({ ...policyDocuments(1, 10), dbPassword: 'hunter2-hunter2' });
    const refused = await call('POST', '/payloads', secret);
    expect(refused.status).toBe(400);
    expect(refused.body.issues).toEqual([
      {
        path: 'change.payload.dbPassword',
        message: expect.stringContaining('holds a secret (rule itv:credential-key); refused and not stored'),
      },
    ]);
    expect(await api.stack.deps.payloads.get(sha256(secret))).toBeUndefined();
    // A store written by other means than the upload route: the door checks the content and its digest too.
    const planted = JSON.stringify(policyDocuments(2, 10));
    await api.stack.deps.payloads.put(sha256(secret), Buffer.from(secret));
    await api.stack.deps.payloads.put('0'.repeat(64), Buffer.from(planted));
    const withSecret = await call(
      'POST',
      '/intents',
      JSON.stringify(byReference({ sha256: sha256(secret), size: Buffer.byteLength(secret) })),
    );
    expect(withSecret.status).toBe(400);
    expect(withSecret.body.issues).toEqual([
      { path: 'change.payload.dbPassword', message: expect.stringContaining('holds a secret') },
    ]);
    const wrongDigest = await call(
      'POST',
      '/intents',
      JSON.stringify(byReference({ sha256: '0'.repeat(64), size: Buffer.byteLength(planted) })),
    );
    expect(wrongDigest.status).toBe(400);
    expect(wrongDigest.body.issues).toEqual([
      {
        path: 'change.payloadRef.sha256',
        message: `change.payloadRef.sha256: the payload stored under ${'0'.repeat(64)} hashes to ${sha256(planted)}; it is not the content named`,
      },
    ]);
    expect(await ledgerSize()).toBe(before);
  });

  test('a payload over the limit is 413 naming the limit and its size; a 5 MB inline intent still is too', async () => {
    const over = JSON.stringify(policyDocuments(900, 2300));
    const tooLarge = await call('POST', '/payloads', over);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body).toMatchObject({
      detail: `the request body is ${Buffer.byteLength(over)} bytes; this route reads at most ${payloadLimits.bytes} bytes: a payload is released as one AppConfig hosted configuration version, which holds at most 2 MB (its default quota): a larger one could never be released`,
    });
    const inline = example();
    inline.change.payload = policyDocuments(1000, 5000);
    const text = JSON.stringify(inline);
    expect(text.length).toBeGreaterThan(5_000_000);
    const refused = await call('POST', '/intents', text);
    expect(refused.status).toBe(413);
    expect(refused.body).toMatchObject({
      detail: `the request body is ${Buffer.byteLength(text)} bytes; this route reads at most ${1024 * 1024} bytes: an intent holds at most 131072 bytes of JSON; a larger payload goes by reference (POST /payloads, then change.payloadRef)`,
    });
  });
});

describe('payloads by reference at the API function and the EventBridge intake', () => {
  const NOW = new Date('2026-11-04T15:00:00Z');
  const ACCOUNT = '123456789012';
  const evidence = new WriteOnceEvidence();
  const deps = {
    catalog: loadCatalog(),
    state: new MemoryStateStore(),
    ledger: new MemoryLedgerStore(),
    ledgerName: 'test',
    payloads: new EvidencePayloadStore(evidence),
  };
  const post = (body: string): APIGatewayProxyEvent =>
    ({
      resource: '/intents',
      path: '/intents',
      httpMethod: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      isBase64Encoded: false,
      requestContext: { identity: { userArn: `arn:aws:iam::${ACCOUNT}:user/ken` } },
    }) as unknown as APIGatewayProxyEvent;

  test('POST /intents: a stored payload of another digest is 400 and starts nothing; a 5 MB inline intent names 128 KiB', async () => {
    const planted = JSON.stringify(policyDocuments(2, 10));
    await deps.payloads.put('f'.repeat(64), Buffer.from(planted));
    const executions = new RecordingExecutions();
    const response = await submitIntent(
      post(JSON.stringify(byReference({ sha256: 'f'.repeat(64), size: Buffer.byteLength(planted) }))),
      executions,
      deps,
      NOW,
      () => ({ principal: 'ken', authenticatedAs: { method: 'local', via: 'test' }, matched: 'test' }),
    );
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body).issues[0].path).toBe('change.payloadRef.sha256');
    expect(executions.started).toEqual([]);

    const inline = example();
    inline.change.payload = policyDocuments(1000, 5000);
    const text = JSON.stringify(inline);
    const large = await submitIntent(post(text), executions, deps, NOW, () => ({
      principal: 'ken',
      authenticatedAs: { method: 'local', via: 'test' },
      matched: 'test',
    }));
    expect(large.statusCode).toBe(400);
    expect(JSON.parse(large.body).issues).toEqual([
      {
        path: '',
        message: `intent: is ${Buffer.byteLength(text)} bytes of JSON; the pipeline carries an intent of at most ${128 * 1024} bytes (its Step Functions state holds 256 KiB in all)`,
      },
    ]);
    expect(executions.started).toEqual([]);
  });

  test('an event naming a payload that is not stored starts nothing and logs the field', async () => {
    const executions = new RecordingExecutions();
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const event: IntentSubmittedEvent = {
        version: '0',
        id: 'e-ref',
        'detail-type': 'Intent Submitted',
        source: 'itv.ci.growth',
        account: ACCOUNT,
        time: '2026-11-04T15:00:00Z',
        region: 'us-east-1',
        resources: [],
        detail: { intent: byReference({ sha256: 'a'.repeat(64), size: 10 }, 'ci-ref') },
      };
      const answer = await intakeEvent(event, executions, deps, NOW);
      expect(answer).toMatchObject({ issues: [{ path: 'change.payloadRef.sha256' }] });
      expect(executions.started).toEqual([]);
    } finally {
      warn.mockRestore();
    }
  });
});
