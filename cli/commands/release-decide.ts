import { InvalidInputError } from '../../lambdas/core/errors.js';
import { actingAs } from '../api/acting-as.js';
import { chosenTarget } from '../api/itv-api.js';
import { followLimit } from '../follow-timeout.js';
import { postDecisionAndFollow } from './post-decision.js';

/**
 * `itv release decide`: `POST /intents/{id}/release-decision` as the owner the command names; the control
 * plane resumes the held release, which this command follows to its end (or its `--timeout`), as `itv review` does.
 */
export async function releaseDecideCommand(
  id: string,
  options: {
    rollForward?: boolean;
    rollBack?: boolean;
    hold?: boolean;
    as?: string;
    reason?: string;
    json?: boolean;
    timeout?: string;
  },
): Promise<number> {
  const chosen = [
    options.rollForward ? 'roll-forward' : undefined,
    options.rollBack ? 'roll-back' : undefined,
    options.hold ? 'hold' : undefined,
  ].filter((decision) => decision !== undefined);
  if (chosen.length !== 1) {
    throw new InvalidInputError('give exactly one of --roll-forward, --roll-back or --hold', []);
  }
  // Counted from the command's start; refused before anything is sent.
  const limit = followLimit(options.timeout);
  if (!options.reason?.trim()) {
    throw new InvalidInputError('say why you decide so', [
      { path: '--reason', message: 'is required: the decision is recorded on the ledger with it' },
    ]);
  }
  // The decider is who runs the command, one of the service's owners.
  const target = await chosenTarget();
  const as = actingAs(target, options.as, 'itv release decide');
  return postDecisionAndFollow(
    id,
    'release-decision',
    { decision: chosen[0], reason: options.reason },
    target,
    as,
    options.json ?? false,
    '--roll-forward, --roll-back or --hold',
    limit,
  );
}
