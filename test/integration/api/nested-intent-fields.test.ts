import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalog } from '../../../catalog/index.js';
import { bearerCaller, issueToken } from '../../../cli/runtime/local-tokens.js';
import { EvidencePayloadStore } from '../../../lambdas/adapters/evidence-payload-store.js';
import { type IntentSubmittedEvent, intakeEvent } from '../../../lambdas/api/intake-event.js';
import { type LocalApiServer, startLocalApi } from '../../support/local-api-server.js';
import { RecordingExecutions } from '../../support/recording-executions.js';
import { setupMs } from '../../support/time-budget.js';
import { WriteOnceEvidence } from '../../unit/evidence/helpers/write-once-evidence.js';
import { MemoryLedgerStore } from '../../unit/pipeline/helpers/memory-ledger.js';
import { MemoryStateStore } from '../../unit/release/helpers/memory-state-store.js';

/*
 * A field the intent contract does not have is refused wherever it is in the intent, not dropped: a misspelt
 * `constraints.notBefore` dropped would release the change now instead of when it was asked for. And an intent
 * whose `change` names no service of the catalog is refused for that, before the requester is bound: a CI
 * principal acting for somebody is told what is wrong with the change, not that it impersonates them.
 */

const NOW = new Date('2026-11-04T15:00:00Z');
const exampleText = readFileSync(new URL('../../../examples/01-low-risk-flag.json', import.meta.url), 'utf8');
type Example = Record<string, unknown> &
  Record<'goal' | 'constraints' | 'authority' | 'change', Record<string, unknown>> & {
    testResults: Array<Record<string, unknown>>;
  };
const example = () => JSON.parse(exampleText) as Example;
const edited = (edit: (intent: Example) => void): string => {
  const intent = example();
  edit(intent);
  return JSON.stringify(intent);
};

const misspelt: Array<[string, (intent: Example) => void, string]> = [
  [
    'constraints.notbefore',
    (i) => {
      i.constraints.notbefore = '2026-12-24T10:00:00Z';
    },
    'constraints',
  ],
  [
    'constraints.check',
    (i) => {
      i.constraints.check = ['checkout-e2e'];
    },
    'constraints',
  ],
  [
    'authority.reviewer',
    (i) => {
      i.authority.reviewer = 'bob';
    },
    'authority',
  ],
  [
    'goal.targets',
    (i) => {
      i.goal.targets = 0.05;
    },
    'goal',
  ],
  [
    'change.payloadref',
    (i) => {
      i.change.payloadref = 'x';
    },
    'change',
  ],
  [
    'testResults.0.pass',
    (i) => {
      i.testResults[0]!.pass = true;
    },
    'test result',
  ],
];

describe('the local HTTP API (itv serve, the control plane the CLI speaks to)', () => {
  let home: string;
  let api: LocalApiServer;
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'itv-nested-'));
    for (const who of ['alice', 'ci-growth']) tokens[who] = issueToken(home, who);
    api = await startLocalApi(home, bearerCaller(home), NOW);
  }, setupMs);
  afterAll(async () => {
    await api?.close();
    rmSync(home, { recursive: true, force: true });
  }, setupMs);

  const post = async (as: string, path: string, body: string) => {
    const response = await fetch(`${api.base}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens[as]}`, 'content-type': 'application/json' },
      body,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  test.each(misspelt)(
    '%s is 400 naming the field, submitted or validated, and nothing is recorded',
    async (path, edit, of) => {
      for (const as of ['alice', 'ci-growth']) {
        for (const route of ['/intents', '/intents?dryRun=true']) {
          const answer = await post(as, route, edited(edit));
          expect([as, route, answer.status]).toEqual([as, route, 400]);
          expect(answer.body.issues).toEqual([
            { path, message: `${path} is not a field of an itv/v1 intent's ${of}` },
          ]);
        }
      }
      expect(await api.stack.deps.ledger.read(api.stack.deps.ledgerName)).toEqual([]);
    },
  );

  test('the correctly spelt notBefore in a freeze window is judged by it (the misspelling would have hidden it)', async () => {
    const answer = await post(
      'ci-growth',
      '/intents?dryRun=true',
      edited((i) => {
        i.constraints.notBefore = '2026-12-24T10:00:00Z';
      }),
    );
    expect(answer.status).toBe(200);
    expect(answer.body.verdict).not.toBe('admitted');
  });
  const noService: Array<[string, (intent: Example) => void, string, RegExp]> = [
    [
      'no change',
      (i) => {
        delete (i as Record<string, unknown>).change;
      },
      'change',
      /^change: is required$/,
    ],
    [
      'no change.service',
      (i) => {
        delete i.change.service;
      },
      'change.service',
      /^change\.service: is required$/,
    ],
    [
      'a change.service of the wrong kind',
      (i) => {
        i.change.service = 5;
      },
      'change.service',
      /^change\.service: must be a string, got a number$/,
    ],
    [
      'a change.service the catalog lacks',
      (i) => {
        i.change.service = 'launch-flag';
      },
      'change.service',
      /^change\.service "launch-flag" is not in the service catalog/,
    ],
    [
      'a change.service that is a name every object has',
      (i) => {
        i.change.service = 'constructor';
      },
      'change.service',
      /^change\.service "constructor" is not in the service catalog/,
    ],
  ];

  test.each(noService)(
    '%s, sent by CI for alice, is 400 naming it, not 403 impersonation',
    async (_, edit, path, message) => {
      for (const route of ['/intents', '/intents?dryRun=true']) {
        const answer = await post('ci-growth', route, edited(edit));
        expect([route, answer.status, answer.body.error]).toEqual([route, 400, 'InvalidInputError']);
        expect(answer.body.issues).toEqual([{ path, message: expect.stringMatching(message) }]);
      }
      expect(await api.stack.deps.ledger.read(api.stack.deps.ledgerName)).toEqual([]);
    },
  );
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
    id: 'e-nested',
    'detail-type': 'Intent Submitted',
    source: 'itv.ci.growth',
    account: '123456789012',
    time: '2026-11-04T15:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail: { intent },
  });

  test('an intent with constraints.notbefore is not taken for the same intent without it', async () => {
    const executions = new RecordingExecutions();
    await intakeEvent(event(example()), executions, deps, NOW);
    const sent = JSON.parse(
      edited((i) => {
        i.constraints.notbefore = '2026-12-24T10:00:00Z';
      }),
    );
    await intakeEvent(event(sent), executions, deps, NOW);
    // Stripped, it would derive the id of the intent without it and start as a duplicate of that one.
    const [clean, typo] = executions.started;
    expect(typo?.intentId).not.toBe(clean?.intentId);
    expect((typo!.input.intent as Example).constraints.notbefore).toBe('2026-12-24T10:00:00Z');
  });
});
