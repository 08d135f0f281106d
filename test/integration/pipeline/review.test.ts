import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { namedLocally } from '../../../cli/runtime/local-caller.js';
import {
  IneligibleReviewerError,
  InvalidInputError,
  SeparationOfDutiesError,
} from '../../../lambdas/core/errors.js';
import {
  NotAwaitingReviewError,
  ReviewTimedOutError,
  readReview,
  recordReview,
  requestReview,
  reviewTimeoutSeconds,
} from '../../../lambdas/core/pipeline/review.js';
import { type LocalStack, openLocalStack } from '../../../lambdas/wiring/local/local-stack.js';

const intent = JSON.parse(
  readFileSync(new URL('../../../examples/04-high-risk-review.json', import.meta.url), 'utf8'),
);
const requester: string = intent.authority.requester;
const named = (principal: string) => namedLocally(principal, 'test');

describe('reviewer of record', () => {
  let home: string;
  let stack: LocalStack;
  beforeEach(async () => {
    home = mkdtempSync(join(tmpdir(), 'itv-review-'));
    stack = await openLocalStack({ home, inMemory: true });
  });
  afterEach(async () => {
    await stack.close();
    rmSync(home, { recursive: true, force: true });
  });

  const wait = (id: string) => requestReview(id, 'token-1', { intent, source: 'cli' } as never, stack.deps);

  test('an intent that never asked for review cannot be reviewed', async () => {
    await expect(
      recordReview({ intentId: 'nope', decision: 'approved', reviewer: named('xavier') }, stack.deps),
    ).rejects.toThrow(NotAwaitingReviewError);
  });

  test('the requester cannot review their own change', async () => {
    await wait('i-1');
    const error = await recordReview(
      { intentId: 'i-1', decision: 'approved', reviewer: named(requester) },
      stack.deps,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SeparationOfDutiesError);
    expect((error as Error).message).toBe(
      `${requester} requested this change, and the requester cannot review it (separation of duties): another reviewer of record must (xavier)`,
    );
  });

  test('the review request names who may decide: the reviewers of record, never the requester', async () => {
    // Act
    await wait('i-7');

    // Assess
    const [requested] = await stack.deps.ledger.forIntent('main', 'i-7');
    expect(requested?.entry).toMatchObject({
      type: 'review.requested',
      payload: { requester, reviewers: ['xavier'] },
    });
  });

  test('a change requested on behalf of its only reviewer of record names none who may decide it', async () => {
    // Prepare: wendy (clinical) asks under a delegation from xavier, the only HIPAA reviewer of record
    const forXavier = {
      ...intent,
      authority: { ...intent.authority, requester: 'wendy', onBehalfOf: 'xavier' },
    };

    // Act
    await requestReview('i-8', 'token-8', { intent: forXavier, source: 'cli' } as never, stack.deps);

    // Assess
    const [requested] = await stack.deps.ledger.forIntent('main', 'i-8');
    expect(requested?.entry.payload).toMatchObject({ requester: 'wendy', reviewers: [] });
  });

  test('the principal a change was requested on behalf of cannot review it either', async () => {
    // wendy (clinical) asked for it under a delegation from xavier, who is also the HIPAA reviewer of record
    const forXavier = {
      ...intent,
      authority: { ...intent.authority, requester: 'wendy', onBehalfOf: 'xavier' },
    };
    await requestReview('i-4', 'token-4', { intent: forXavier, source: 'cli' } as never, stack.deps);
    const error = await recordReview(
      { intentId: 'i-4', decision: 'approved', reviewer: named('xavier') },
      stack.deps,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SeparationOfDutiesError);
    expect((error as Error).message).toBe(
      'wendy requested this change on behalf of xavier, who therefore cannot review it (separation of duties): the catalog names no other reviewer of record for patient-records',
    );
  });

  test('a principal the catalog does not name for the compliance domain is refused, naming who may review', async () => {
    await wait('i-2');
    const error = await recordReview(
      { intentId: 'i-2', decision: 'approved', reviewer: named('alice') },
      stack.deps,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IneligibleReviewerError);
    expect((error as Error).message).toContain('xavier');
  });

  test('an eligible reviewer decides once; the decision is on the ledger and a second decision is refused', async () => {
    // Prepare
    await wait('i-3');

    // Act
    const { review, request } = await recordReview(
      {
        intentId: 'i-3',
        decision: 'rejected',
        reviewer: named('xavier'),
        reason: 'needs a DPIA',
      },
      stack.deps,
    );
    const second = recordReview(
      { intentId: 'i-3', decision: 'approved', reviewer: named('xavier') },
      stack.deps,
    );

    // Assess
    expect(review).toMatchObject({
      decision: 'rejected',
      reviewer: 'xavier',
      authenticatedAs: { method: 'local', via: 'test' },
      reason: 'needs a DPIA',
    });
    expect(request.taskToken).toBe('token-1');
    await expect(second).rejects.toThrow(NotAwaitingReviewError);
    const types = (await stack.deps.ledger.forIntent('main', 'i-3')).map((s) => s.entry.type);
    expect(types).toEqual(['review.requested', 'review.rejected']);
    // A resumed wait sees the decision and does not record it twice.
    expect(await wait('i-3')).toMatchObject({ decision: 'rejected' });
    expect((await stack.deps.ledger.forIntent('main', 'i-3')).map((s) => s.entry.type)).toEqual(types);
  });

  test('the same reviewer sending the same decision again is a retry: nothing new is written, the wait is handed back', async () => {
    // Prepare: the review was recorded, but the execution may not have resumed
    await wait('i-5');
    const first = await recordReview(
      { intentId: 'i-5', decision: 'approved', reviewer: named('xavier'), reason: 'fine' },
      stack.deps,
    );

    // Act
    const again = await recordReview(
      { intentId: 'i-5', decision: 'approved', reviewer: named('xavier'), reason: 'fine' },
      stack.deps,
    );

    // Assess
    expect(first.retried).toBe(false);
    expect(again.retried).toBe(true);
    expect(again.review).toEqual(first.review);
    expect(again.request.taskToken).toBe('token-1');
    const types = (await stack.deps.ledger.forIntent('main', 'i-5')).map((s) => s.entry.type);
    expect(types).toEqual(['review.requested', 'review.approved']);
  });

  test('a rejection without a reason is refused naming reason, and nothing is recorded', async () => {
    // Prepare
    await wait('i-7');

    // Act
    const error = await recordReview(
      { intentId: 'i-7', decision: 'rejected', reviewer: named('xavier'), reason: ' ' },
      stack.deps,
    ).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).issues).toEqual([
      {
        path: 'reason',
        message:
          'is required to reject: the rejection is recorded on the ledger with it, for the requester to act on',
      },
    ]);
    expect((await stack.deps.ledger.forIntent('main', 'i-7')).map((s) => s.entry.type)).toEqual([
      'review.requested',
    ]);
  });

  test('another decision, or the same one by another reviewer, after a review is still refused', async () => {
    // Prepare
    await wait('i-6');
    await recordReview({ intentId: 'i-6', decision: 'approved', reviewer: named('xavier') }, stack.deps);

    // Act
    const flipped = recordReview(
      { intentId: 'i-6', decision: 'rejected', reviewer: named('xavier'), reason: 'second thoughts' },
      stack.deps,
    );

    // Assess
    await expect(flipped).rejects.toThrow(/already approved by xavier/);
  });
});

describe('a review wait times out after a week, as the AwaitReview Task does', () => {
  let home: string;
  let stack: LocalStack;
  beforeEach(async () => {
    home = mkdtempSync(join(tmpdir(), 'itv-review-timeout-'));
    stack = await openLocalStack({ home, inMemory: true });
  });
  afterEach(async () => {
    await stack.close();
    rmSync(home, { recursive: true, force: true });
  });

  test('the request and its ledger entry name the deadline; a resumed wait keeps it; a review past it is not recorded', async () => {
    // Prepare
    const requested = stack.clock.now();
    const deadline = new Date(requested.getTime() + reviewTimeoutSeconds * 1000).toISOString();
    await requestReview('i-t', 'token-1', { intent, source: 'cli' } as never, stack.deps);
    stack.clock.advance(3 * 86_400_000);
    await requestReview('i-t', 'token-2', { intent, source: 'cli' } as never, stack.deps);
    stack.clock.advance(4 * 86_400_000);

    // Act
    const late = await recordReview(
      { intentId: 'i-t', decision: 'approved', reviewer: named('xavier') },
      stack.deps,
    ).catch((error: unknown) => error);

    // Assess
    const entries = (await stack.deps.ledger.forIntent('main', 'i-t')).map((s) => s.entry);
    expect(entries.map((e) => e.type)).toEqual(['review.requested']);
    expect(entries[0]?.payload).toMatchObject({ expiresAt: deadline });
    expect(late).toBeInstanceOf(ReviewTimedOutError);
    expect((late as ReviewTimedOutError).request.expiresAt).toBe(deadline);
    expect((late as Error).message).toBe(
      `intent i-t waited for a review until ${deadline}, 7 days after it was requested: nobody decided, so its wait timed out and the intent fails; this review is not recorded`,
    );
    expect(await readReview('i-t', stack.deps)).toBeUndefined();
  });
});
