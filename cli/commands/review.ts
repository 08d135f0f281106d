import { InvalidInputError } from '../../lambdas/core/errors.js';
import { actingAs } from '../api/acting-as.js';
import { chosenTarget } from '../api/itv-api.js';
import { postDecisionAndFollow } from './post-decision.js';

/**
 * `itv review`: `POST /intents/{id}/review` as the reviewer of record (named locally, the signing AWS identity
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
  },
): Promise<number> {
  if (options.approve === options.reject) {
    throw new InvalidInputError('give exactly one of --approve or --reject', []);
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
  );
}
