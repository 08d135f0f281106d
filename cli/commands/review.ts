import { namedPrincipal } from '../runtime/local-caller.js';
import { postDecisionAndFollow } from './post-decision.js';

/**
 * `itv review`: `POST /intents/{id}/review` as the reviewer of record the command names; the control plane
 * resumes the parked execution, which this command follows to its end.
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
    console.error('give exactly one of --approve or --reject');
    return 1;
  }
  // The reviewer of record is who runs the command; `--reviewer` is the older spelling of `--as`.
  const as = namedPrincipal(options.as ?? options.reviewer, process.env, 'itv review');
  return postDecisionAndFollow(
    id,
    'review',
    {
      decision: options.approve ? 'approve' : 'reject',
      ...(options.reason ? { reason: options.reason } : {}),
    },
    as,
    options.json ?? false,
  );
}
