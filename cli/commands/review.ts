import { InvalidInputError } from '../../lambdas/core/errors.js';
import { lacksRequiredReason, rejectionReasonRequired } from '../../lambdas/core/pipeline/review-reason.js';
import { actingAs } from '../api/acting-as.js';
import { chosenTarget } from '../api/itv-api.js';
import { followLimit } from '../follow-timeout.js';
import { postDecisionAndFollow } from './post-decision.js';

/**
 * `itv review ID`: what the change is and who may decide it; with `--approve` or `--reject`,
 * `POST /intents/{id}/review` as the reviewer of record (named locally, the signing AWS identity
 * on a deployed stack); the stack resumes the parked execution, which this command follows to its end.
 */
export async function reviewCommand(
  id: string,
  options: {
    approve?: boolean;
    reject?: boolean;
    as?: string;
    reviewer?: string;
    reason?: string;
    json?: boolean;
    timeout?: string;
  },
): Promise<number> {
  if (options.approve && options.reject) {
    throw new InvalidInputError('give one of --approve or --reject, not both', [
      { path: '--approve', message: 'a review approves or rejects the change, not both' },
    ]);
  }
  // Counted from the command's start; refused before anything is sent.
  const limit = followLimit(options.timeout);
  // Without a decision, what there is to decide: the reviewer reads the change before approving it.
  if (!options.approve && !options.reject) {
    if (options.reason !== undefined) {
      throw new InvalidInputError('itv review --reason goes with a decision', [
        {
          path: '--reason',
          message:
            'is recorded with --approve or --reject: add one, or leave --reason out to read the change',
        },
      ]);
    }
    if (limit) {
      throw new InvalidInputError('itv review --timeout bounds the wait after a decision', [
        {
          path: '--timeout',
          message:
            'is for --approve or --reject, which wait for the outcome: add one, or leave --timeout out',
        },
      ]);
    }
    const { reviewBriefCommand } = await import('./review-brief.js');
    return reviewBriefCommand(id, options.json ?? false, options.as ?? options.reviewer);
  }
  // Refused before anything is sent, as the API would refuse it: a rejection is recorded with its reason.
  if (options.reject && lacksRequiredReason('rejected', options.reason)) {
    throw new InvalidInputError('say why the change is rejected', [
      { path: '--reason', message: rejectionReasonRequired },
    ]);
  }
  // The reviewer of record is who runs the command; `--reviewer` is the older spelling of `--as`.
  const target = await chosenTarget();
  const as = actingAs(target, options.as ?? options.reviewer, 'itv review');
  return postDecisionAndFollow(
    id,
    'review',
    {
      decision: options.approve ? 'approve' : 'reject',
      ...(options.reason ? { reason: options.reason } : {}),
    },
    target,
    as,
    options.json ?? false,
    '--approve or --reject',
    limit,
  );
}
