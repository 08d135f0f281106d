import { readFileSync } from 'node:fs';
import { loadCatalog } from '../../../catalog/index.js';
import { checkCompleteness } from '../../../lambdas/core/completeness.js';
import type { IntentInput } from '../../../lambdas/core/intent.js';
import { inlineIntent, intentSchema } from '../../../lambdas/core/intent.js';
import {
  dueAt,
  schedulingHorizonDays,
  timestampSkewSeconds,
  wholeSecondTimestamp,
} from '../../../lambdas/core/intent-timing.js';
import { admitPolicy } from '../../../lambdas/core/pipeline/admit-policy.js';
import { declareIntent } from '../../../lambdas/core/pipeline/declare-intent.js';
import type { PipelineState } from '../../../lambdas/core/pipeline/state.js';
import { validateStructure } from '../../../lambdas/core/pipeline/validate-structure.js';
import { evaluatePolicy } from '../../../lambdas/core/policy/evaluate.js';
import { defaultPolicySet } from '../../../policies/index.js';
import { type Harness, intentAt, pipelineHarness } from '../pipeline/helpers/pipeline-harness.js';
import { submittedBy } from './fixtures.js';

const catalog = loadCatalog();
const day = 86_400_000;

const financeClose = (): IntentInput =>
  JSON.parse(readFileSync(new URL('../../../examples/12-finance-close.json', import.meta.url), 'utf8'));

/** DeclareIntent → ValidateStructure → AdmitPolicy, as the state machine chains them. */
async function admit(h: Harness, intent: IntentInput): Promise<PipelineState> {
  let state: PipelineState = { intent, source: 'cli', caller: submittedBy(intent) };
  state = { ...state, declared: await declareIntent(state, h.deps) };
  state = { ...state, structure: await validateStructure(state, h.deps) };
  return { ...state, admission: await admitPolicy(state, h.deps) };
}

describe("the intent's timing: τ, not-before and deadline", () => {
  test('a timestamp or not-before beyond the scheduling horizon is refused at the door, naming the field', () => {
    const h = pipelineHarness();
    const far = new Date(h.clock.now().getTime() + (schedulingHorizonDays + 1) * day).toISOString();
    const checked = (edit: (d: IntentInput) => void) =>
      checkCompleteness(intentAt(h, edit), catalog, '', h.clock.now());

    expect(checked((d) => (d.timestamp = '2999-01-01T00:00:00Z'))).toMatchObject({
      ok: false,
      storable: true,
      issues: [{ path: 'timestamp', message: expect.stringMatching(/at most 90 days ahead/) }],
    });
    expect(checked((d) => (d.constraints = { ...d.constraints, notBefore: far }))).toMatchObject({
      ok: false,
      issues: [
        { path: 'constraints.notBefore', message: expect.stringMatching(/^is .*, 91 days after now/) },
      ],
    });
    const inside = new Date(h.clock.now().getTime() + (schedulingHorizonDays - 1) * day).toISOString();
    expect(checked((d) => (d.timestamp = inside)).ok).toBe(true);
  });

  test('a deadline at or before the instant the change is due is refused: no release can meet it', () => {
    const h = pipelineHarness();
    const at = (ms: number) => new Date(h.clock.now().getTime() + ms).toISOString();
    const result = checkCompleteness(
      intentAt(h, (d) => {
        d.constraints = { ...d.constraints, notBefore: at(2 * day), deadline: at(day) };
      }),
      catalog,
      '',
      h.clock.now(),
    );
    expect(result).toMatchObject({
      ok: false,
      issues: [{ path: 'constraints.deadline', message: expect.stringMatching(/constraints\.notBefore/) }],
    });
  });

  test("a deadline at or before the intent's own timestamp is refused, whether the timestamp is past or ahead", () => {
    const h = pipelineHarness();
    const at = (ms: number) => new Date(h.clock.now().getTime() + ms).toISOString();
    const checked = (timestamp: string, deadline: string) =>
      checkCompleteness(
        intentAt(h, (d) => {
          d.timestamp = timestamp;
          d.constraints = { ...d.constraints, deadline };
        }),
        catalog,
        '',
        h.clock.now(),
      );

    for (const [timestamp, deadline] of [
      [at(0), at(-3600_000)],
      [at(-day), at(-day - 60_000)],
      [at(-day), at(-day)],
    ] as const) {
      expect(checked(timestamp, deadline)).toMatchObject({
        ok: false,
        issues: [
          {
            path: 'constraints.deadline',
            message: expect.stringMatching(new RegExp(`^is ${deadline}, not after the intent's timestamp`)),
          },
        ],
      });
    }
    expect(checked(at(-day), at(-day + 60_000)).ok).toBe(true);
  });

  test('due now within the clock skew; otherwise due at the later of τ and not-before, to the next second', () => {
    const h = pipelineHarness();
    const now = h.clock.now();
    const parsed = (edit: (d: IntentInput) => void) => intentSchema.parse(intentAt(h, edit));
    const ahead = (ms: number) => new Date(now.getTime() + ms).toISOString();

    expect(
      dueAt(
        parsed((d) => (d.timestamp = ahead(timestampSkewSeconds * 1000))),
        now,
      ),
    ).toBeUndefined();
    expect(
      dueAt(
        parsed((d) => (d.timestamp = ahead(-30 * day))),
        now,
      ),
    ).toBeUndefined();
    expect(
      dueAt(
        parsed((d) => (d.timestamp = ahead(day + 1))),
        now,
      )?.getTime(),
    ).toBe(now.getTime() + day + 1000);
    const both = parsed((d) => {
      d.timestamp = ahead(day);
      d.constraints = { ...d.constraints, notBefore: ahead(2 * day) };
    });
    expect(dueAt(both, now)?.getTime()).toBe(now.getTime() + 2 * day);
    expect(wholeSecondTimestamp(new Date('2027-01-08T13:00:00.000Z'))).toBe('2027-01-08T13:00:00Z');
  });

  test('a change not yet due is scheduled: judged as of its time, holding no lane, admitted once it is due', async () => {
    // Prepare
    const h = pipelineHarness();
    const due = new Date(h.clock.now().getTime() + 2 * day);
    const intent = intentAt(h, (d) => {
      d.constraints = { ...d.constraints, notBefore: due.toISOString() };
    });

    // Act
    const scheduled = await admit(h, intent);
    const other = await admit(
      h,
      intentAt(h, (d) => {
        d.title = 'Another change on the same lane, submitted after the scheduled one';
      }),
    );
    h.clock.advanceTo(due);
    const admitted = await admitPolicy(scheduled, h.deps);

    // Assess
    expect(scheduled.admission).toMatchObject({ verdict: 'scheduled', dueAt: wholeSecondTimestamp(due) });
    // The scheduled change held no lane: the change behind it on the same lane went first.
    expect(other.admission?.verdict).toBe('admitted');
    const entries = await h.deps.ledger.forIntent(h.deps.ledgerName, scheduled.declared!.intentId);
    const admissions = entries.filter((e) => e.entry.type.startsWith('admission.'));
    expect(admissions.map((e) => e.entry.type)).toEqual(['admission.scheduled', 'admission.queued']);
    expect(admissions[0]?.entry.payload).toMatchObject({
      policyContext: { evaluatedAt: due.toISOString() },
      nonInterference: { predictedStartAt: due.toISOString() },
    });
    expect(admitted).toMatchObject({ verdict: 'queued', attempt: 1, waitingFor: [other.declared!.intentId] });
  });

  test('a change dated inside the year-end freeze is refused now, its remedy naming an instant every rule allows', async () => {
    // Prepare: ledger-close, in New York, takes changes 08:00–18:00 on weekdays and is SOX-scoped.
    const h = pipelineHarness(new Date('2026-12-02T15:00:00Z'));
    const intent = { ...financeClose(), timestamp: '2026-12-31T10:00:00-05:00' };

    // Act
    const { admission } = await admit(h, intent);

    // Assess: the SOX quarter-end freeze ends 2027-01-08T00:00Z, 19:00 in New York; the business hours open next
    // at 08:00 on Friday 8 January.
    expect(admission?.verdict).toBe('rejected');
    const remedies = admission!.failed.map((f) => `${f.rule}: ${f.remedy}`);
    const named =
      'Schedule it for 2027-01-08T13:00:00.000Z (Friday 2027-01-08 08:00 in America/New_York), the first instant every rule allows';
    expect(remedies).toEqual([expect.stringMatching(/^operational-freeze-window: /)]);
    expect(remedies[0]).toContain(named);
    const service = catalog.services['ledger-close']!;
    const at = evaluatePolicy(
      {
        intent: inlineIntent(intentSchema.parse(intent)),
        service,
        catalog,
        now: new Date('2027-01-08T13:00:00.000Z'),
        phase: 'admission',
      },
      defaultPolicySet.rules,
    );
    expect(at.failed).toEqual([]);
    const justBefore = evaluatePolicy(
      {
        intent: inlineIntent(intentSchema.parse(intent)),
        service,
        catalog,
        now: new Date('2027-01-08T12:59:00.000Z'),
        phase: 'admission',
      },
      defaultPolicySet.rules,
    );
    expect(justBefore.failed.map((f) => f.rule)).toEqual(['operational-business-hours']);
  });

  test('a refusal that time does not cure keeps each rule its own remedy', async () => {
    const h = pipelineHarness(new Date('2026-12-02T15:00:00Z'));
    const intent = financeClose();
    intent.timestamp = '2026-12-31T10:00:00-05:00';
    intent.authority = { ...intent.authority, requester: 'bob', team: 'growth', role: 'engineer' };

    const { admission } = await admit(h, intent);

    expect(admission?.verdict).toBe('rejected');
    expect(admission!.failed.some((f) => f.rule.startsWith('authority-'))).toBe(true);
    expect(admission!.failed.every((f) => !f.remedy?.startsWith('Schedule it for'))).toBe(true);
  });

  test('DeclareIntent records an intent beyond the horizon as incomplete, so it never runs', async () => {
    const h = pipelineHarness();
    const intent = intentAt(h, (d) => {
      d.timestamp = '2999-01-01T00:00:00Z';
    });

    const declared = await declareIntent({ intent, source: 'cli', caller: submittedBy(intent) }, h.deps);

    expect(declared).toMatchObject({ verdict: 'incomplete', issues: [{ path: 'timestamp' }] });
  });
});
