import { jest } from '@jest/globals';
import { reviewBriefLines } from '../../../cli/commands/review-brief.js';
import { printStatus } from '../../../cli/commands/status.js';
import type { IntentStatus } from '../../../lambdas/core/pipeline/status.js';

const reviewed: IntentStatus = {
  intentId: 'i-1',
  title: 'Restrict record export',
  service: 'patient-records',
  status: 'released',
  outcome: 'released',
  tier: 3,
  timeToValueSeconds: 600,
  valuePerHourUsd: 17.12,
  valueRealised: true,
  change: null,
  valuePerHourPerEmployeeUsd: null,
  reasons: [],
  rolloutPercentage: 100,
  deploymentPercentage: 100,
  requester: 'victor',
  review: {
    decision: 'approved',
    reviewer: 'xavier',
    decidedAt: '2026-11-04T15:10:00.000Z',
    reason: 'access controls reviewed',
    // As a review recorded before identities were: the line prints as it did.
    authenticatedAs: null,
  },
  steps: [{ seq: 4, type: 'review.approved', timestamp: '2026-11-04T15:10:00.000Z' }],
};

describe('who requested and who reviewed an intent', () => {
  afterEach(() => jest.restoreAllMocks());

  test('itv status names the requester and the review: decision, reviewer, time and reason', () => {
    // Prepare
    const lines: string[] = [];
    jest.spyOn(console, 'log').mockImplementation((line: unknown) => {
      lines.push(String(line));
    });

    // Act
    printStatus(reviewed, false);
    printStatus({ ...reviewed, review: null, status: 'awaiting-review', outcome: null }, false);

    // Assess
    expect(lines).toContain('requester victor');
    expect(lines).toContain(
      'review   approved by xavier at 2026-11-04T15:10:00.000Z: access controls reviewed',
    );
    expect(lines.filter((line) => line.startsWith('review '))).toHaveLength(1);
  });

  test('the review says how its reviewer authenticated: an IAM identity, or a local name that nothing verified', () => {
    // Prepare
    const lines: string[] = [];
    jest.spyOn(console, 'log').mockImplementation((line: unknown) => {
      lines.push(String(line));
    });
    const arn = 'arn:aws:sts::123456789012:assumed-role/itv-reviewer/xavier';

    // Act
    printStatus(
      { ...reviewed, review: { ...reviewed.review!, authenticatedAs: { method: 'aws-iam', arn } } },
      false,
    );
    printStatus(
      {
        ...reviewed,
        review: { ...reviewed.review!, authenticatedAs: { method: 'local', via: 'itv review --as' } },
      },
      false,
    );

    // Assess
    expect(lines).toContain(
      `review   approved by xavier (IAM ${arn}) at 2026-11-04T15:10:00.000Z: access controls reviewed`,
    );
    expect(lines).toContain(
      'review   approved by xavier (a local name (itv review --as), not verified) at 2026-11-04T15:10:00.000Z: access controls reviewed',
    );
  });

  test('itv status --json carries the requester and the review beside the steps', () => {
    // Prepare
    const lines: string[] = [];
    jest.spyOn(console, 'log').mockImplementation((line: unknown) => {
      lines.push(String(line));
    });

    // Act
    printStatus(reviewed, true);

    // Assess
    expect(JSON.parse(lines.join('\n'))).toMatchObject({
      requester: 'victor',
      review: { decision: 'approved', reviewer: 'xavier', decidedAt: '2026-11-04T15:10:00.000Z' },
      steps: [{ seq: 4, type: 'review.approved', timestamp: '2026-11-04T15:10:00.000Z' }],
    });
  });

  test('an approval without a reason says so; a status from an older stack, without the fields, prints as before', () => {
    const lines: string[] = [];
    jest.spyOn(console, 'log').mockImplementation((line: unknown) => {
      lines.push(String(line));
    });
    printStatus({ ...reviewed, review: { ...reviewed.review!, reason: null } }, false);
    const { requester: _r, review: _v, ...older } = reviewed;
    printStatus(older as IntentStatus, false);
    expect(lines).toContain('review   approved by xavier at 2026-11-04T15:10:00.000Z (no reason given)');
    expect(lines.filter((line) => line.startsWith('requester'))).toHaveLength(1);
  });

  test('a release steward who approved a break-glass is named as one; an owner or domain reviewer prints as before', () => {
    const lines: string[] = [];
    jest.spyOn(console, 'log').mockImplementation((line: unknown) => {
      lines.push(String(line));
    });
    const steward = {
      ...reviewed.review!,
      reviewer: 'heidi',
      as: 'release-steward' as const,
      reason: 'INC-5120',
    };
    printStatus({ ...reviewed, service: 'incident-router', requester: 'grace', review: steward }, false);
    printStatus({ ...reviewed, review: { ...reviewed.review!, as: 'compliance-reviewer' } }, false);
    expect(lines).toContain(
      'review   approved by heidi (release steward, for a break-glass) at 2026-11-04T15:10:00.000Z: INC-5120',
    );
    expect(lines).toContain(
      'review   approved by xavier at 2026-11-04T15:10:00.000Z: access controls reviewed',
    );
  });

  test('itv review on a decided intent says who decided it, and when', () => {
    // Act
    const lines = reviewBriefLines({ ...reviewed, entries: [] }, undefined);

    // Assess
    expect(lines.at(-1)).toBe(
      'nothing to decide: it is released, not waiting for a review; approved by xavier at 2026-11-04T15:10:00.000Z: access controls reviewed',
    );
  });
});
