import { recordReview } from '../../lambdas/core/pipeline/review.js';
import { intentStatus } from '../../lambdas/core/pipeline/status.js';
import { progressPrinter } from '../progress.js';
import { cliCaller, describeLocalCaller } from '../runtime/local-caller.js';
import { withSession } from '../session.js';
import { printStatus } from './status.js';
import { exitCodeFor } from './submit.js';

/**
 * Records a reviewer of record's decision, then resumes the parked execution in this process (or lets the
 * `itv submit --wait` process that is still waiting pick it up).
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
  return withSession(
    {
      onProgress: options.json ? undefined : progressPrinter((line) => console.log(line)),
    },
    async ({ stack, pipeline }) => {
      // The reviewer of record is who runs the command; `--reviewer` is the older spelling of `--as`.
      const reviewer = cliCaller(
        options.as ?? options.reviewer,
        process.env,
        stack.deps.catalog,
        'itv review',
      );
      if (!options.json) console.log(describeLocalCaller(reviewer, stack.deps.catalog));
      const { request } = await recordReview(
        {
          intentId: id,
          decision: options.approve ? 'approved' : 'rejected',
          reviewer,
          reason: options.reason,
        },
        stack.deps,
      );
      if (!request.waiter || !isAlive(request.waiter)) await pipeline.resume(id);
      const status = intentStatus(id, await stack.deps.ledger.forIntent(stack.deps.ledgerName, id))!;
      printStatus(status, options.json ?? false);
      return exitCodeFor(status.status);
    },
  );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
