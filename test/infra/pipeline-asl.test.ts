import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { formatAsl, pipelineAslPath } from '../../statemachines/export-asl.js';
import { pipelineErrors, pipelineTaskStages, pipelineTaskStates } from '../../statemachines/pipeline.js';
import { type AslDefinition, type AslState, pipelineAslOf } from '../../statemachines/synth-asl.js';
import { fixtureTemplate } from './synth-support.js';

type AslValidator = (definition: unknown) => { isValid: boolean; errorsText: (separator?: string) => string };
const aslValidator = createRequire(import.meta.url)('asl-validator') as AslValidator;

const committedText = readFileSync(pipelineAslPath, 'utf8');
const committed = JSON.parse(committedText) as AslDefinition;
const states = Object.entries(committed.States);
const tasks = states.filter(([, s]) => s.Type === 'Task');

function keysDeep(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) keysDeep(v, found);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      found.add(k);
      keysDeep(v, found);
    }
  }
  return found;
}

describe('pipeline ASL export', () => {
  let fresh: AslDefinition;
  beforeAll(() => {
    // The definition does not depend on the catalog: the fixture stack's is the one `npm run asl:export` writes.
    fresh = pipelineAslOf(fixtureTemplate().toJSON());
  });

  test("the committed statemachines/pipeline.asl.json, the definition's snapshot, is what the stack synthesizes now", () => {
    // The committed file is the one snapshot of the definition, reviewed in every diff that changes it.
    // Regenerate with: npm run asl:export
    expect(committedText).toBe(formatAsl(fresh));
  });

  test('resolves every CloudFormation token to a plain local ARN', () => {
    expect(committedText).not.toMatch(/Fn::|"Ref"|\$\{Token/);
    expect(committed.States.DeclareIntent?.Resource).toMatch(
      /^arn:aws:lambda:local:000000000000:function:FunctionsDeclareIntent[0-9A-F]{8}$/,
    );
    expect(committed.States.AwaitReview?.Resource).toBe('arn:aws:states:::lambda:invoke.waitForTaskToken');
  });
});

describe('pipeline ASL content', () => {
  test('is valid Amazon States Language (asl-validator)', () => {
    // asl-validator writes default QueryLanguage fields into what it checks, so it gets a copy.
    const result = aslValidator(structuredClone(committed));
    expect(result.errorsText()).toBe('');
    expect(result.isValid).toBe(true);
  });

  test('uses only what the local runner supports: no JSONata, Assign or heartbeats', () => {
    const keys = keysDeep(committed);
    for (const unsupported of [
      'QueryLanguage',
      'Assign',
      'HeartbeatSeconds',
      'HeartbeatSecondsPath',
      'Arguments',
      'Output',
    ]) {
      expect([unsupported, keys.has(unsupported)]).toEqual([unsupported, false]);
    }
  });

  test('its Task states are exactly pipelineTaskStates, so the local runtime can map a handler to each', () => {
    expect(tasks.map(([name]) => name).sort()).toEqual([...pipelineTaskStates].sort());
    expect(Object.keys(pipelineTaskStages).sort()).toEqual([...pipelineTaskStates].sort());
  });

  test('every state has a Comment', () => {
    expect(
      states.filter(([, s]) => typeof s.Comment !== 'string' || s.Comment.length === 0).map(([n]) => n),
    ).toEqual([]);
  });

  test('every task retries transient errors 3 times from 1 s, doubling, and has no built-in Lambda retry', () => {
    for (const [name, state] of tasks) {
      const [first, ...rest] = state.Retry as Array<Record<string, unknown>>;
      expect([name, first]).toEqual([
        name,
        {
          ErrorEquals: [
            'Lambda.ServiceException',
            'Lambda.AWSLambdaException',
            'Lambda.SdkClientException',
            'Lambda.TooManyRequestsException',
            pipelineErrors.transient,
          ],
          IntervalSeconds: 1,
          BackoffRate: 2,
          MaxAttempts: 3,
        },
      ]);
      expect([name, rest]).toEqual([
        name,
        name === 'StartRelease'
          ? [
              { ErrorEquals: ['LaneBusyError'], IntervalSeconds: 30, BackoffRate: 1.5, MaxAttempts: 20 },
              // About an hour in all: a leftover alarm is OK again within minutes, a live one fails the release.
              {
                ErrorEquals: ['MonitorsInAlarmError'],
                IntervalSeconds: 60,
                BackoffRate: 1.5,
                MaxDelaySeconds: 600,
                MaxAttempts: 10,
              },
            ]
          : name === 'StopRelease'
            ? [{ ErrorEquals: ['StopRefusedError'], IntervalSeconds: 15, BackoffRate: 2, MaxAttempts: 4 }]
            : name === 'RestoreMonitors'
              ? [
                  // An hour apart at most, 60 times: longer than AppConfig's longest rollout and bake (24 h each).
                  {
                    ErrorEquals: ['MonitorsStillObservingError'],
                    IntervalSeconds: 60,
                    BackoffRate: 2,
                    MaxDelaySeconds: 3600,
                    MaxAttempts: 60,
                  },
                ]
              : [],
      ]);
    }
  });

  test('every task but RecordFailure catches States.ALL into $.error and goes to RecordFailure', () => {
    for (const [name, state] of tasks) {
      const catchers = (state.Catch ?? []) as Array<Record<string, unknown>>;
      if (name === 'RecordFailure') {
        expect(catchers).toEqual([]);
        continue;
      }
      if (name === 'RestoreMonitors') {
        // The compensation on the failure path goes on to seal the intent whatever happens to it.
        expect(catchers).toEqual([
          { ErrorEquals: ['States.ALL'], ResultPath: '$.restoreError', Next: 'SealOnce' },
        ]);
        continue;
      }
      expect([name, catchers.at(-1)]).toEqual([
        name,
        { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'RecordFailure' },
      ]);
    }
    expect(committed.States.RecordFailure).toMatchObject({
      ResultPath: '$.failure',
      Next: 'RestoreMonitors',
    });
    expect(committed.States.RestoreMonitors).toMatchObject({
      ResultPath: '$.monitors',
      Next: 'SealOnce',
    });
    // Sealed once, then failed: a failure of the seal itself goes straight to the Fail state.
    expect(committed.States.SealOnce).toMatchObject({
      Type: 'Choice',
      Choices: [{ Variable: '$.sealing', IsPresent: true, Next: 'PipelineFailed' }],
      Default: 'SealFailedIntent',
    });
    expect(committed.States.SealFailedIntent).toMatchObject({
      Type: 'Pass',
      Parameters: { 'intentId.$': '$.failure.intentId', failed: true },
      ResultPath: '$.sealing',
      Next: 'SignCheckpoint',
    });
    expect(committed.States.PipelineFailed).toMatchObject({ Type: 'Fail', Error: 'ItvStageFailed' });
  });

  test('Lambda tasks return the function payload (function ARN as Resource) into their stage result path', () => {
    const resultPaths: Record<string, string> = {
      DeclareIntent: '$.declared',
      ValidateStructure: '$.structure',
      AdmitPolicy: '$.admission',
      AwaitLane: '$.laneWait',
      AwaitDue: '$.dueWait',
      FormDecision: '$.decision',
      Verify: '$.verification',
      AwaitChecks: '$.checksWait',
      AwaitReview: '$.review',
      StartRelease: '$.release',
      CheckRelease: '$.release',
      StopRelease: '$.release',
      AwaitReleaseDecision: '$.releaseDecision',
      ApplyReleaseDecision: '$.release',
      Observe: '$.observation',
      Learn: '$.learning',
      SignCheckpoint: '$.checkpoint',
      RecordFailure: '$.failure',
      RestoreMonitors: '$.monitors',
    };
    for (const [name, state] of tasks) {
      expect([name, state.ResultPath]).toEqual([name, resultPaths[name]]);
      if (!['AwaitReview', 'AwaitReleaseDecision', 'AwaitLane', 'AwaitDue', 'AwaitChecks'].includes(name))
        expect([name, state.Resource]).toEqual([name, expect.stringMatching(/:function:/)]);
    }
    // Each Task state runs its own function: no function switches on its input to be two stages.
    const functionOf = (state: AslState) =>
      (state.Parameters as { FunctionName?: string } | undefined)?.FunctionName ?? state.Resource;
    const resources = tasks.map(([, state]) => functionOf(state));
    expect(new Set(resources).size).toBe(tasks.length);
    expect(committed.States.SignCheckpoint?.Parameters).toEqual({ 'intentId.$': '$.sealing.intentId' });
  });

  test('AwaitReview hands over the task token, intent id and state, waits up to 7 days, sends rejections to Learn and approvals back to admission', () => {
    const review = committed.States.AwaitReview as AslState;
    expect(review).toMatchObject({
      TimeoutSeconds: 7 * 24 * 3600,
      Parameters: {
        Payload: { 'taskToken.$': '$$.Task.Token', 'intentId.$': '$.declared.intentId', 'state.$': '$' },
      },
      Next: 'AdmitPolicy',
    });
    expect((review.Catch as unknown[])[0]).toEqual({
      ErrorEquals: ['ReviewRejectedError'],
      ResultPath: '$.reviewError',
      Next: 'Learn',
    });
  });

  test('AwaitReleaseDecision waits on a task token up to three days; its timeout is caught into the hold, not the failure path', () => {
    const wait = committed.States.AwaitReleaseDecision as AslState;
    expect(wait).toMatchObject({
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      TimeoutSeconds: 3 * 24 * 3600,
      Parameters: {
        Payload: { 'taskToken.$': '$$.Task.Token', 'intentId.$': '$.declared.intentId', 'state.$': '$' },
      },
      Next: 'ApplyReleaseDecision',
    });
    // The timeout's Catch comes before States.ALL, which would otherwise take it to RecordFailure.
    expect(wait.Catch).toEqual([
      { ErrorEquals: ['States.Timeout'], ResultPath: '$.releaseDecisionError', Next: 'ApplyReleaseDecision' },
      { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'RecordFailure' },
    ]);
    expect(committed.States.ReleaseProgress).toMatchObject({
      Choices: expect.arrayContaining([
        {
          And: [
            { Variable: '$.release.action', IsPresent: true },
            { Variable: '$.release.action', StringEquals: 'await-decision' },
          ],
          Next: 'AwaitReleaseDecision',
        },
      ]),
    });
  });

  test('the waits read their durations from the stage results; queued and scheduled intents park on task tokens', () => {
    // Each park times out after the seconds admission counted (to a blocker's lease lapse, or to the due
    // instant), and its timeout hands the intent back to admission; a stop or a freed lane sends the token back.
    for (const [park, resultPath] of [
      ['AwaitLane', '$.laneWait'],
      ['AwaitDue', '$.dueWait'],
    ] as const) {
      const state = committed.States[park] as AslState;
      expect(state).toMatchObject({
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        TimeoutSecondsPath: '$.admission.retryAfterSeconds',
        Parameters: { Payload: { 'taskToken.$': '$$.Task.Token', 'admission.$': '$.admission' } },
        Next: 'AdmitPolicy',
        Catch: [
          { ErrorEquals: ['States.Timeout'], Next: 'AdmitPolicy', ResultPath: resultPath },
          { ErrorEquals: ['States.ALL'], Next: 'RecordFailure', ResultPath: '$.error' },
        ],
      });
      expect(state.TimeoutSeconds).toBeUndefined();
    }
    // No Wait state holds a scheduled change: a Wait can be ended early only by StopExecution.
    expect(
      Object.values(committed.States as Record<string, AslState>).filter(
        (state) => state.Type === 'Wait' && state.Next === 'AdmitPolicy',
      ),
    ).toEqual([]);
    expect(committed.States.AdmissionOutcome).toMatchObject({
      Choices: expect.arrayContaining([
        {
          And: [
            { Variable: '$.admission.verdict', IsPresent: true },
            { Variable: '$.admission.verdict', StringEquals: 'scheduled' },
          ],
          Next: 'AwaitDue',
        },
      ]),
    });
    // A fail-fast gate waiting for check results parks on a task token too, until the deadline Verify counted;
    // its timeout, a report or a stop hands the intent back to Verify.
    expect(committed.States.AwaitChecks).toMatchObject({
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      TimeoutSecondsPath: '$.verification.awaitingChecks.waitSeconds',
      Parameters: {
        Payload: { 'taskToken.$': '$$.Task.Token', 'awaiting.$': '$.verification.awaitingChecks' },
      },
      Next: 'Verify',
      Catch: [
        { ErrorEquals: ['States.Timeout'], Next: 'Verify', ResultPath: '$.checksWait' },
        { ErrorEquals: ['States.ALL'], Next: 'RecordFailure', ResultPath: '$.error' },
      ],
    });
    expect((committed.States.VerificationOutcome as unknown as { Choices: unknown[] }).Choices[0]).toEqual({
      Variable: '$.verification.awaitingChecks',
      IsPresent: true,
      Next: 'AwaitChecks',
    });
    expect(committed.States.WaitForRelease).toMatchObject({
      SecondsPath: '$.release.pollSeconds',
      Next: 'CheckRelease',
    });
  });
});
