import { readdirSync, readFileSync } from 'node:fs';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import fc from 'fast-check';
import { loadCatalog } from '../../catalog/index.js';
import { EvidencePayloadStore } from '../../lambdas/adapters/evidence-payload-store.js';
import { type IntentSubmittedEvent, intakeEvent } from '../../lambdas/api/intake-event.js';
import { submitIntent } from '../../lambdas/api/submit-intent.js';
import { checkCompleteness } from '../../lambdas/core/completeness.js';
import { canonicalDigest } from '../../lambdas/core/ledger/canonical-json.js';
import { declareIntent } from '../../lambdas/core/pipeline/declare-intent.js';
import { fallbackIntentId } from '../../lambdas/core/pipeline/parsed-intent.js';
import type { Caller } from '../../lambdas/core/principals/index.js';
import { WriteOnceEvidence } from '../unit/evidence/helpers/write-once-evidence.js';
import { MemoryLedgerStore } from '../unit/pipeline/helpers/memory-ledger.js';
import { pipelineHarness } from '../unit/pipeline/helpers/pipeline-harness.js';
import { MemoryStateStore } from '../unit/release/helpers/memory-state-store.js';
import { RecordingExecutions } from './recording-executions.js';

/*
 * Generated hostile intents and the entry points they go through, shared by the fuzz test (`npm test`, a fixed
 * seed and a bounded count) and the bench (`npm run bench -- fuzz`, a longer run). A generated intent is a
 * published example with one field replaced by a hostile JSON token: deep nesting, numbers JSON.parse turns
 * into Infinity or a denormal, lone surrogates, `__proto__` keys, oversized strings and arrays, arbitrary JSON,
 * or a secret as a value or as a key. The body is that text, so the API sees exactly what the other entry
 * points see after JSON.parse.
 */

const examplesFolder = new URL('../../examples/', import.meta.url);
const examples = readdirSync(examplesFolder)
  .filter((file) => file.endsWith('.json'))
  .map((file) => readFileSync(new URL(file, examplesFolder), 'utf8'));

// Built from parts so the sources hold no credential-shaped literal.
const secretLiterals = [
  `AKIA${'QWERTY234567ZXCV'}`,
  `ghp_${'a1B2c3D4e5'.repeat(3)}x9Y8z7`,
  `xoxb-${'1234567890'}-${'9876543210'}-${'AbCdEfGhIjKlMnOp'}`,
  `sk_live_${'4eC39HqLyjWDarjtT1zdp7dc'}`,
  `-----BEGIN RSA ${'PRIVATE'} KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----`,
  `glpat-${'Zx9'.repeat(7).slice(0, 20)}`,
  `AIza${'Sy'.repeat(18).slice(0, 35)}`,
];

/** Where in an intent the hostile token goes; `*` adds a key of its own there. */
const places = [
  '',
  'title',
  'id',
  'goal.outcome',
  'goal.target',
  'goal.valueModel.years',
  'goal.valueModel.totalValueUsd',
  'goal.valueModel.employeeCount',
  'authority.requester',
  'authority.team',
  'timestamp',
  'change.service',
  'change.payload',
  'change.payload.*',
  'tags',
  'tags.*',
  'testResults',
  'constraints.checks',
  '*',
] as const;

export interface HostileIntent {
  /** The request body: JSON text, possibly beyond what JSON.stringify can produce (1e999, `__proto__`). */
  body: string;
  /** What JSON.parse makes of it, as the EventBridge intake and DeclareIntent receive it. */
  raw: unknown;
  /** A secret the intent carries, which nothing may answer, log or record; undefined for none. */
  secret?: string;
}

const nested = (levels: number, open: string, close: string) =>
  `${open.repeat(levels)}true${close.repeat(levels)}`;

const token: fc.Arbitrary<{ text: string; secret?: string }> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((value) => ({ text: JSON.stringify(value) ?? 'null' })),
  fc.integer({ min: 20, max: 3000 }).map((n) => ({ text: nested(n, '{"a":', '}') })),
  fc.integer({ min: 20, max: 3000 }).map((n) => ({ text: nested(n, '[', ']') })),
  fc
    .constantFrom('1e999', '-1e999', '5e-324', '1e308', '-0', '0.1e-400', '9007199254740993', '1e21')
    .map((text) => ({ text })),
  fc.constantFrom('"\\ud800"', '"a\\udfffb"', '{"\\ud83d":1}').map((text) => ({ text })),
  fc
    .constantFrom('{"__proto__":{"polluted":true}}', '{"constructor":{"prototype":1}}')
    .map((text) => ({ text })),
  fc.integer({ min: 100, max: 300_000 }).map((n) => ({ text: JSON.stringify('x'.repeat(n)) })),
  fc.integer({ min: 10, max: 3000 }).map((n) => ({ text: `[${'0,'.repeat(n)}0]` })),
  fc.string({ unit: 'binary', maxLength: 300 }).map((text) => ({ text: JSON.stringify(text) })),
  // Embedded as text carries it: alone, after `key=` or a word, before a newline (the rules match on word
  // boundaries, as gitleaks' do, so `0AKIA…0` is not an AWS key to them either).
  fc
    .tuple(
      fc.constantFrom(...secretLiterals),
      fc.boolean(),
      fc.constantFrom('', 'key=', 'deploy with ', '"'),
      fc.constantFrom('', '\n', ' now', '"'),
    )
    .map(([secret, asKey, before, after]) => ({
      text: asKey ? `{${JSON.stringify(secret)}:true}` : JSON.stringify(`${before}${secret}${after}`),
      secret,
    })),
);

const PLACEHOLDER = '"@@hostile@@"';

function place(base: Record<string, unknown>, path: string, key: string): unknown {
  if (path === '') return PLACEHOLDER;
  const segments = path.split('.').map((segment) => (segment === '*' ? key : segment));
  let node: Record<string, unknown> = base;
  for (const segment of segments.slice(0, -1)) {
    const next = node[segment];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[segment] = {};
    node = node[segment] as Record<string, unknown>;
  }
  node[segments.at(-1) as string] = '@@hostile@@';
  return base;
}

/** A hostile intent: an example with one place replaced by a hostile token. */
export const hostileIntent: fc.Arbitrary<HostileIntent> = fc
  .record({
    example: fc.constantFrom(...examples),
    place: fc.constantFrom(...places),
    key: fc.string({ minLength: 1, maxLength: 12 }),
    token,
  })
  .map(({ example, place: path, key, token: { text, secret } }) => {
    const body = JSON.stringify(place(JSON.parse(example), path, key)).replace(PLACEHOLDER, () => text);
    return { body, raw: JSON.parse(body) as unknown, ...(secret ? { secret } : {}) };
  });

/** Something an entry point did that it must never do: throw, answer 500, or keep a secret. */
export interface FuzzFailure {
  where: string;
  what: string;
}

const catalog = loadCatalog();
const growthCi: Caller = {
  principal: 'ci-growth',
  authenticatedAs: { method: 'eventbridge', source: 'itv.ci.growth', account: '123456789012' },
  matched: 'principals.ci-growth.eventSource',
};
const alice: Caller = {
  principal: 'alice',
  authenticatedAs: {
    method: 'aws-iam',
    arn: 'arn:aws:sts::123456789012:assumed-role/ItvEngineers/alice@example.com',
  },
  matched: 'principals.alice.identities[0]',
};

/** One set of entry points for a whole run: the stores grow, which is also what production sees. */
export function fuzzTarget() {
  const deps = {
    catalog,
    state: new MemoryStateStore(),
    ledger: new MemoryLedgerStore(),
    ledgerName: 'fuzz',
    payloads: new EvidencePayloadStore(new WriteOnceEvidence()),
  };
  const harness = pipelineHarness();
  const now = new Date('2026-11-04T15:00:00Z');
  return async function fuzzOne(input: HostileIntent): Promise<FuzzFailure[]> {
    const failures: FuzzFailure[] = [];
    const keeps = (where: string, text: string) => {
      if (input.secret && text.includes(input.secret)) failures.push({ where, what: 'kept the secret' });
    };
    const guard = async (where: string, run: () => unknown) => {
      try {
        await run();
      } catch (error) {
        failures.push({
          where,
          what: `threw ${(error as Error).name}: ${(error as Error).message.slice(0, 200)}`,
        });
      }
    };
    await guard('checkCompleteness', () => {
      const result = checkCompleteness(input.raw, catalog, 'fuzz');
      if (result.ok) {
        canonicalDigest(result.intent);
        if (input.secret)
          failures.push({ where: 'checkCompleteness', what: 'accepted an intent with a secret' });
      } else {
        if (result.issues.length === 0)
          failures.push({ where: 'checkCompleteness', what: 'refused naming nothing' });
        keeps('checkCompleteness issues', JSON.stringify(result.issues));
      }
    });
    await guard('fallbackIntentId', () => fallbackIntentId(input.raw));
    const logged: string[] = [];
    const warn = console.warn;
    const error = console.error;
    console.warn = (...args: unknown[]) => logged.push(args.map(String).join(' '));
    console.error = (...args: unknown[]) => logged.push(args.map(String).join(' '));
    try {
      await guard('POST /intents', async () => {
        const executions = new RecordingExecutions();
        const event = {
          httpMethod: 'POST',
          path: '/intents',
          body: input.body,
          isBase64Encoded: false,
          requestContext: {
            identity: {
              userArn: alice.authenticatedAs.method === 'aws-iam' ? alice.authenticatedAs.arn : null,
            },
          },
        } as unknown as APIGatewayProxyEvent;
        const answer = await submitIntent(event, executions, deps, now);
        if (answer.statusCode >= 500)
          failures.push({ where: 'POST /intents', what: `answered ${answer.statusCode}` });
        keeps('POST /intents answer', answer.body);
        keeps('POST /intents execution input', JSON.stringify(executions.started));
      });
      await guard('EventBridge intake', async () => {
        const executions = new RecordingExecutions();
        const event: IntentSubmittedEvent = {
          version: '0',
          id: 'e-fuzz',
          'detail-type': 'Intent Submitted',
          source: 'itv.ci.growth',
          account: '123456789012',
          time: now.toISOString(),
          region: 'us-east-1',
          resources: [],
          detail: { intent: input.raw },
        };
        keeps('EventBridge intake answer', JSON.stringify(await intakeEvent(event, executions, deps, now)));
        keeps('EventBridge execution input', JSON.stringify(executions.started));
      });
      await guard('DeclareIntent', async () => {
        const declared = await declareIntent(
          { intent: input.raw, source: 'eventbridge', caller: growthCi },
          harness.deps,
        );
        keeps(
          'DeclareIntent ledger',
          JSON.stringify(await harness.ledger.forIntent('test', declared.intentId)),
        );
      });
    } finally {
      console.warn = warn;
      console.error = error;
    }
    keeps('logs', logged.join('\n'));
    if (logged.some((line) => /InternalError|RangeError|TypeError/.test(line))) {
      failures.push({ where: 'logs', what: 'an internal error was logged' });
    }
    return failures;
  };
}
