import { issueText } from '../../lambdas/core/errors.js';
import { attemptOfRun, attemptRunId, endedUnreleased } from '../../lambdas/core/pipeline/attempts.js';
import type { DryRunReport } from '../../lambdas/core/pipeline/dry-run.js';
import type { LedgerEntry } from '../../lambdas/ports/ledger-store.js';
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
    const latest = await latestAttempt(report.intentId, async (id) => {
      const known = await client.call<AttemptStatus>(
        'GET',
        `/intents/${encodeURIComponent(id)}?include=entries`,
      );
      return known.status === 200 ? known.body : undefined;
    });
    if (latest) console.log(terminalText(alreadySubmittedLine(latest)));
  }
  return ['admitted', 'queued', 'scheduled'].includes(report.verdict) ? 0 : 2;
}

/** An attempt as `GET /intents/{id}?include=entries` answers it, as far as validate reads it. */
export interface AttemptStatus {
  intentId: string;
  status: string;
  outcome: string | null;
  entries?: LedgerEntry[];
}

/** The most attempts of one intent validate looks through: far more than anybody runs. */
const attemptsLooked = 100;

/**
 * The latest attempt of `intentId` the ledger holds (`intentId`, `…:attempt-2`, … in turn, until one is not there),
 * or undefined when it holds none. `get` answers an attempt's status, undefined for none.
 */
export async function latestAttempt(
  intentId: string,
  get: (id: string) => Promise<AttemptStatus | undefined>,
): Promise<AttemptStatus | undefined> {
  let latest: AttemptStatus | undefined;
  for (let number = 1; number <= attemptsLooked; number++) {
    const found = await get(attemptRunId(intentId, number));
    if (found === undefined) break;
    latest = found;
  }
  return latest;
}

/** Said of an intent the ledger already holds: what `itv submit` of the same file would do, given its latest attempt. */
export function alreadySubmittedLine(latest: AttemptStatus): string {
  const head = `already      submitted: ${latest.intentId} is on the ledger (${latest.status}); itv submit`;
  // Judged by the rule submit itself applies to the attempt's entries (`chooseAttempt`).
  if (!endedUnreleased((latest.entries ?? []).map((entry) => ({ entry })))) {
    const why =
      latest.outcome === null
        ? 'it has not ended'
        : latest.outcome === 'released'
          ? 'it released'
          : `it ended ${latest.outcome}, which does not run again as it is`;
    return `${head} answers it as a duplicate and starts nothing: ${why}`;
  }
  const { intentId, number } = attemptOfRun(latest.intentId);
  const next = attemptRunId(intentId, number + 1);
  // After a stop, who may run it again is judged as a retry is: its requester, unless somebody else stopped it.
  const whoMay =
    latest.outcome === 'stopped'
      ? ' (after a stop by somebody other than its requester, only an owner or a release steward may)'
      : '';
  return `${head} starts its next attempt, ${next}, since it ended without releasing${whoMay}`;
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
