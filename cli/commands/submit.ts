import { bindSubmission } from '../../lambdas/api/submission.js';
import { intentSchema } from '../../lambdas/core/intent.js';
import { deriveIntentId } from '../../lambdas/core/intent-id.js';
import { intentStatus } from '../../lambdas/core/pipeline/status.js';
import { progressPrinter } from '../progress.js';
import { cliCaller, describeLocalCaller } from '../runtime/local-caller.js';
import { withSession } from '../session.js';
import { readIntentFile } from './read-intent-file.js';
import { printStatus } from './status.js';

/** Exit codes: 0 released or waiting for review, 2 rejected / rolled back / failed. */
export function exitCodeFor(status: string): number {
  return status === 'released' || status === 'awaiting-review' ? 0 : 2;
}

export async function submitCommand(
  file: string,
  options: { wait?: boolean; json?: boolean; as?: string },
): Promise<number> {
  const raw = readIntentFile(file);
  return withSession(
    {
      waitForReview: options.wait ?? false,
      onProgress: options.json ? undefined : progressPrinter((line) => console.log(line)),
    },
    async ({ stack, pipeline }) => {
      // The requester is who runs the command, bound before anything is recorded, as on every entry point.
      const caller = cliCaller(options.as, process.env, stack.deps.catalog, 'itv submit');
      if (!options.json) console.log(describeLocalCaller(caller, stack.deps.catalog));
      const { intent } = await bindSubmission(raw, caller, stack.deps, stack.clock.now());
      const parsed = intentSchema.safeParse(intent);
      const knownId = parsed.success ? deriveIntentId(parsed.data) : undefined;
      const earlier = knownId ? await stack.deps.ledger.forIntent(stack.deps.ledgerName, knownId) : [];
      if (knownId && earlier.length > 0) {
        // The intent id is its idempotency key: a resubmission reports, it does not run the change again.
        const status = intentStatus(knownId, earlier)!;
        if (!options.json) console.log(`intent ${knownId} was already submitted; its status:`);
        printStatus(status, options.json ?? false);
        return exitCodeFor(status.status);
      }
      const report = await pipeline.start({ intent, source: 'cli', caller });
      const entries = report.intentId
        ? await stack.deps.ledger.forIntent(stack.deps.ledgerName, report.intentId)
        : [];
      const status = report.intentId ? intentStatus(report.intentId, entries) : undefined;
      if (!status) {
        console.error(`the pipeline failed before declaring the intent: ${report.error ?? report.status}`);
        return 1;
      }
      printStatus(status, options.json ?? false);
      if (!options.json && status.status === 'awaiting-review') {
        console.log(
          `\n${status.intentId} waits for a reviewer of record:\n  itv review ${status.intentId} --approve --as <reviewer>`,
        );
      }
      return exitCodeFor(status.status);
    },
  );
}
