import type { ItvApi } from '../../../cli/api/itv-api.js';
import { shownSoFar } from '../../../cli/commands/post-decision.js';
import { ApiAnswerError } from '../../../cli/control-plane/api-errors.js';
import type { ControlPlaneClient } from '../../../cli/control-plane/client.js';
import {
  FollowStalledError,
  followIntent,
  UnrecordedFailureError,
} from '../../../cli/control-plane/follow.js';
import { skippedProgressLine } from '../../../cli/progress.js';

/**
 * A control plane whose answers are scripted: each progress poll reports the execution not running (it is
 * between a review being recorded and its execution resuming, or parked), and the ledger's status moves on
 * only after a few polls.
 */
function scriptedControlPlane(statuses: Array<{ status: string; outcome: string | null }>) {
  let reads = 0;
  const client = {
    async call(_method: string, path: string) {
      if (path.includes('/progress')) return { status: 200, body: { events: [], running: false } };
      const next = statuses[Math.min(reads, statuses.length - 1)]!;
      reads += 1;
      return { status: 200, body: { intentId: 'int-1', steps: [], reasons: [], ...next } };
    },
  };
  return { client: client as unknown as ControlPlaneClient, reads: () => reads };
}

describe('following an intent', () => {
  test('a review recorded before its execution resumed is followed on until the release ends', async () => {
    // Prepare: approved, the execution not yet resumed; then releasing; then released.
    const { client, reads } = scriptedControlPlane([
      { status: 'review.approved', outcome: null },
      { status: 'releasing', outcome: null },
      { status: 'released', outcome: 'released' },
    ]);

    // Act
    const status = await followIntent(client, 'int-1', { pollMs: 1 });

    // Assess
    expect(status?.status).toBe('released');
    expect(reads()).toBe(3);
  });

  test('an intent parked in its lane queue is followed until it has an outcome', async () => {
    const { client } = scriptedControlPlane([
      { status: 'admission.queued', outcome: null },
      { status: 'rolled-back', outcome: 'rolled-back' },
    ]);

    const status = await followIntent(client, 'int-1', { pollMs: 1 });

    expect(status?.outcome).toBe('rolled-back');
  });

  test('an intent waiting for review ends the follow at once unless asked to wait for the review', async () => {
    const parked = scriptedControlPlane([
      { status: 'awaiting-review', outcome: null },
      { status: 'released', outcome: 'released' },
    ]);
    const waiting = scriptedControlPlane([
      { status: 'awaiting-review', outcome: null },
      { status: 'released', outcome: 'released' },
    ]);

    const atOnce = await followIntent(parked.client, 'int-1', { pollMs: 1 });
    const untilReviewed = await followIntent(waiting.client, 'int-1', { pollMs: 1, untilReviewed: true });

    expect(atOnce?.status).toBe('awaiting-review');
    expect(untilReviewed?.status).toBe('released');
  });

  test('an intent parked until its due instant ends the follow while its execution waits on, unless asked to wait', async () => {
    // Prepare: the execution runs on (parked in process on the wall clock), its last stage AwaitDue.
    const scheduled = {
      intentId: 'int-1',
      steps: [],
      reasons: [],
      status: 'admission.scheduled',
      outcome: null,
    };
    // After 20 polls the due instant has come: the execution goes on to release, and then ends.
    const parkedUntilDue = () => {
      let polls = 0;
      const client = {
        async call(_method: string, path: string) {
          if (path.includes('/progress')) {
            polls += 1;
            const events = [{ intentId: 'int-1', state: 'AwaitDue', phase: 'entered' }];
            return { status: 200, body: { events: polls === 1 ? events : [], running: polls <= 20 } };
          }
          return {
            status: 200,
            body: polls <= 20 ? scheduled : { ...scheduled, status: 'released', outcome: 'released' },
          };
        },
      };
      return client as unknown as ControlPlaneClient;
    };

    // Act
    const atOnce = await followIntent(parkedUntilDue(), 'int-1', { pollMs: 1 });
    const untilDue = await followIntent(parkedUntilDue(), 'int-1', { pollMs: 1, untilReviewed: true });

    // Assess
    expect(atOnce?.status).toBe('admission.scheduled');
    expect(untilDue?.status).toBe('released');
  });

  test('an intent concluded while its execution still runs is followed until the execution has sealed it', async () => {
    // Prepare: the last stage seen is a lane wait (as a follower last saw it before its control plane was
    // killed), the ledger already says rolled-back (Learn ran), and the execution runs on to its checkpoint.
    let polls = 0;
    const concluded = { intentId: 'int-1', reasons: [], status: 'rolled-back', outcome: 'rolled-back' };
    const client = {
      async call(_method: string, path: string) {
        if (path.includes('/progress')) {
          polls += 1;
          const events = [{ intentId: 'int-1', state: 'AwaitLane', phase: 'entered' }];
          return { status: 200, body: { events: polls === 1 ? events : [], running: polls <= 3 } };
        }
        const steps = [{ seq: 7, type: 'intent.concluded', timestamp: '2026-11-04T15:06:00.000Z' }];
        if (polls > 3)
          steps.push({ seq: 8, type: 'checkpoint.signed', timestamp: '2026-11-04T15:06:00.000Z' });
        return { status: 200, body: { ...concluded, steps } };
      },
    };

    // Act
    const status = await followIntent(client as unknown as ControlPlaneClient, 'int-1', { pollMs: 1 });

    // Assess
    expect(status?.steps.at(-1)?.type).toBe('checkpoint.signed');
    expect(polls).toBe(4);
  });

  test('a control plane started again mid-follow has its progress read from its first event', async () => {
    // Prepare: the first control plane reported three stages; the one started after it died resumed the
    // execution and has reported two so far, then ends it.
    const byInstance: Record<string, Array<{ state: string; phase: string }>> = {
      first: [
        { state: 'DeclareIntent', phase: 'entered' },
        { state: 'DeclareIntent', phase: 'exited' },
        { state: 'AwaitLane', phase: 'entered' },
      ],
      second: [
        { state: 'Learn', phase: 'entered' },
        { state: 'Learn', phase: 'exited' },
      ],
    };
    const asked: string[] = [];
    let polls = 0;
    const client = {
      async call(_method: string, path: string) {
        if (path.includes('/progress')) {
          polls += 1;
          const instance = polls === 1 ? 'first' : 'second';
          const after = Number(new URL(path, 'http://x').searchParams.get('after'));
          asked.push(`${instance}@${after}`);
          const events = byInstance[instance]!.slice(after).map((e) => ({ intentId: 'int-1', ...e }));
          return { status: 200, body: { instance, events, running: polls <= 3 } };
        }
        return {
          status: 200,
          body: { intentId: 'int-1', reasons: [], steps: [], status: 'released', outcome: 'released' },
        };
      },
    };
    const seen: string[] = [];

    // Act
    await followIntent(client as unknown as ControlPlaneClient, 'int-1', {
      pollMs: 1,
      onEvent: (event) => seen.push(`${event.state} ${event.phase}`),
    });

    // Assess: the second control plane's events are read from 0, not from the count the first one reached.
    expect(asked.slice(0, 3)).toEqual(['first@0', 'second@3', 'second@0']);
    expect(seen).toEqual([
      'DeclareIntent entered',
      'DeclareIntent exited',
      'AwaitLane entered',
      'Learn entered',
      'Learn exited',
    ]);
  });
});

describe('a refused read while following an intent', () => {
  const refusing = {
    async call() {
      return {
        status: 401,
        body: { error: 'Unauthorized', message: 'the /local/ routes are for the itv CLI of this home' },
      };
    },
  } as unknown as ControlPlaneClient;

  test('the progress read answered 401 is an error naming the answer, not a TypeError', async () => {
    await expect(followIntent(refusing, 'int-1', { pollMs: 1 })).rejects.toThrow(
      new ApiAnswerError('GET', '/local/intents/int-1/progress?after=0', {
        status: 401,
        body: { error: 'Unauthorized', message: 'the /local/ routes are for the itv CLI of this home' },
      }),
    );
  });

  test('what a decision had shown is read, or the refusal throws naming the request and the answer', async () => {
    const api = { kind: 'local', client: refusing } as unknown as ItvApi;
    await expect(shownSoFar(api, 'int-1')).rejects.toThrow(
      'GET /local/intents/int-1/progress?after=0 answered 401 Unauthorized: the /local/ routes are for the itv CLI of this home',
    );
  });
});

describe('following an intent whose progress outgrew what the control plane keeps', () => {
  /**
   * A control plane that kept the newest two of a long run's 122 events: a follower that starts at 0 is told
   * it missed 120; then the run ends and the intent is released.
   */
  function longRunControlPlane() {
    const asked: number[] = [];
    const stage = (state: string) => ({ executionId: 'run-1', intentId: 'int-1', state, phase: 'exited' });
    const client = {
      async call(_method: string, path: string) {
        const after = /[?&]after=(\d+)/.exec(path);
        if (after) {
          asked.push(Number(after[1]));
          return Number(after[1]) === 0
            ? {
                status: 200,
                body: { events: [stage('CheckRelease'), stage('CheckRelease')], skipped: 120, running: true },
              }
            : { status: 200, body: { events: [stage('Learn')], skipped: 0, running: false } };
        }
        return {
          status: 200,
          body: { intentId: 'int-1', status: 'released', outcome: 'released', steps: [], reasons: [] },
        };
      },
    };
    return { client: client as unknown as ControlPlaneClient, asked };
  }

  test('says how many events it missed, and reads on from the newest', async () => {
    // Prepare
    const { client, asked } = longRunControlPlane();
    const skipped: number[] = [];
    const seen: string[] = [];

    // Act
    const status = await followIntent(client, 'int-1', {
      pollMs: 1,
      onSkipped: (count) => skipped.push(count),
      onEvent: (event) => seen.push(event.state),
    });

    // Assess
    expect(skipped).toEqual([120]);
    expect(seen).toEqual(['CheckRelease', 'CheckRelease', 'Learn']);
    expect(asked).toEqual([0, 122]);
    expect(status?.outcome).toBe('released');
  });

  test('the line a follower prints for them says how many and where every step is', () => {
    expect(skippedProgressLine(120, 'int-1')).toBe(
      '  …                  120 earlier progress events are no longer kept by the control plane; `itv status int-1` lists every ledger step',
    );
  });

  test('what a decision had shown counts the events the control plane no longer keeps', async () => {
    const { client } = longRunControlPlane();
    const api = { kind: 'local', client } as unknown as ItvApi;
    await expect(shownSoFar(api, 'int-1')).resolves.toBe(122);
  });
});

describe('following an intent no execution runs', () => {
  /** A control plane whose progress reads say nothing runs, the ledger stuck at `releasing`. */
  function stuckControlPlane(progress: Record<string, unknown>) {
    let polls = 0;
    const client = {
      async call(_method: string, path: string) {
        if (path.includes('/progress')) {
          polls += 1;
          return { status: 200, body: { events: [], running: false, ...progress } };
        }
        return {
          status: 200,
          body: { intentId: 'int-1', status: 'releasing', outcome: null, steps: [], reasons: [] },
        };
      },
    };
    return { client: client as unknown as ControlPlaneClient, polls: () => polls };
  }

  test('a failure that could not be recorded ends the follow at once, saying what, where and what to do', async () => {
    // Prepare
    const { client, polls } = stuckControlPlane({
      unrecorded: { error: 'ENOSPC: no space left on device', attempts: 1, retryInSeconds: 5 },
      log: '/home/x/control-plane.log',
    });

    // Act
    const following = followIntent(client, 'int-1', { pollMs: 1 });

    // Assess
    await expect(following).rejects.toBeInstanceOf(UnrecordedFailureError);
    await expect(following).rejects.toThrow(/ENOSPC/);
    await expect(following).rejects.toThrow(/\/home\/x\/control-plane\.log/);
    await expect(following).rejects.toThrow(/tried again in 5 s/);
    await expect(following).rejects.toThrow(/itv watch int-1/);
    expect(polls()).toBe(1);
  });

  test('an intent parked for its reviewer is followed on past the bound when asked to wait for the review', async () => {
    // Prepare: parked (nothing runs) for more reads than the bound, then released.
    const statuses = [
      ...Array.from({ length: 5 }, () => ({ status: 'awaiting-review', outcome: null })),
      { status: 'released', outcome: 'released' },
    ];
    const { client } = scriptedControlPlane(statuses);

    // Act
    const status = await followIntent(client, 'int-1', { pollMs: 1, untilReviewed: true, stalledPolls: 2 });

    // Assess
    expect(status?.status).toBe('released');
  });

  test('a ledger that stays unsettled with nothing running ends the follow after a bounded number of polls', async () => {
    // Prepare
    const { client, polls } = stuckControlPlane({ log: '/home/x/control-plane.log' });

    // Act
    const following = followIntent(client, 'int-1', { pollMs: 1, stalledPolls: 3 });

    // Assess
    await expect(following).rejects.toBeInstanceOf(FollowStalledError);
    await expect(following).rejects.toThrow(/releasing/);
    await expect(following).rejects.toThrow(/\/home\/x\/control-plane\.log/);
    expect(polls()).toBe(3);
  });
});
