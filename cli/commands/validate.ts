import { issueText } from '../../lambdas/core/errors.js';
import type { DryRunReport } from '../../lambdas/core/pipeline/dry-run.js';
import { actingAs } from '../api/acting-as.js';
import { chosenTarget, connect } from '../api/itv-api.js';
import { printApiError } from '../control-plane/api-errors.js';
import { terminalText } from '../format.js';
import { readIntentFile } from './read-intent-file.js';

/**
 * `itv validate FILE`: `POST /intents?dryRun=true` on the chosen stack, as the principal the command names locally
 * (as the AWS identity that signs it on a deployed stack) — declaration, structure
 * and policy as the pipeline would run them now (policy as of the instant the intent is due) — writing nothing.
 * Exit codes: 0 it would be admitted (or queue for its lane, or be scheduled for later), 2 structure or policy
 * would reject it, 1 bad input (an incomplete intent, a field named) or a refused identity.
 */
export async function validateCommand(
  file: string,
  options: { as?: string; json?: boolean },
): Promise<number> {
  const raw = readIntentFile(file);
  const target = await chosenTarget();
  const as = actingAs(target, options.as, 'itv validate');
  const { client } = await connect(target);
  const answer = await client.call<DryRunReport>('POST', '/intents?dryRun=true', {
    body: raw,
    ...(as ? { as } : {}),
  });
  if (answer.status >= 400) return printApiError(answer);
  const report = answer.body;
  if (options.json) console.log(JSON.stringify(report, null, 2));
  else {
    printReport(file, report);
    // The dry run judges the change as if new: one already on the ledger is answered, not started again.
    const known = await client.call<{ status?: string }>(
      'GET',
      `/intents/${encodeURIComponent(report.intentId)}`,
    );
    if (known.status === 200)
      console.log(terminalText(alreadySubmittedLine(report.intentId, known.body.status)));
  }
  return ['admitted', 'queued', 'scheduled'].includes(report.verdict) ? 0 : 2;
}

/** Said of an intent the ledger already holds: what `itv submit` of the same file would do instead of starting it. */
export function alreadySubmittedLine(intentId: string, status: string | undefined): string {
  return `already      submitted: intent ${intentId} is on the ledger${status ? ` (${status})` : ''}; itv submit answers it as a duplicate and starts nothing, unless it ended without releasing, when submit starts its next attempt`;
}

function printReport(file: string, report: DryRunReport): void {
  // The report quotes the intent (a payload key, a rule's reason): its control characters are written out.
  const say = (line: string) => console.log(terminalText(line));
  say(`${file}: intent ${report.intentId}, nothing recorded`);
  say('declaration  complete');
  const { structure, policy } = report;
  if (structure.verdict === 'valid') say('structure    valid');
  else if (structure.verdict === 'invalid') {
    say('structure    rejected');
    for (const error of structure.errors) say(`  ${issueText(error)}`);
  } else say(`structure    schema update required: ${structure.message}`);
  if (!policy) return;
  // A rejected change is released by no strategy: only one that would go on names how it would release.
  const strategy = policy.verdict === 'rejected' ? '' : `, strategy ${policy.strategy}`;
  say(
    `policy       ${policy.verdict}, risk tier ${policy.tier}${policy.requiresReviewer ? ', needs a reviewer of record' : ''}${strategy}`,
  );
  for (const failed of policy.failed) {
    say(`  ${failed.rule}: ${failed.reason}${failed.remedy ? ` (would pass: ${failed.remedy})` : ''}`);
  }
  if (policy.waitingFor.length > 0) say(`  would wait for ${policy.waitingFor.join(', ')}`);
  const preemption = policy.preemption;
  if (preemption?.action === 'preempts') {
    say(
      `  would preempt ${preemption.intentId} under the emergency override: stop deployment ${preemption.deploymentId} (rolled back), delaying that intent's time to value ${preemption.predictedTimeToValueChangeSeconds} s at a cost of delay of $${preemption.costOfDelayUsd.toFixed(2)}`,
    );
  } else if (preemption) say(`  would not preempt ${preemption.intentId}: ${preemption.reason}`);
  // Judged as of the instant it is due, as the pipeline judges it: now, or its timestamp or notBefore ahead.
  if (policy.dueAt) {
    say(
      `  would be scheduled for ${policy.dueAt}: judged as of that instant, and admitted then unless something changed`,
    );
  } else if (policy.evaluatedAt) say(`  judged as of ${policy.evaluatedAt}`);
}
