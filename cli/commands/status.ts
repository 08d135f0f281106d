import { type IntentStatus, intentStatus } from '../../lambdas/core/pipeline/status.js';
import { duration, table, usd } from '../format.js';
import { withSession } from '../session.js';

export function printStatus(status: IntentStatus, json: boolean): void {
  if (json) {
    console.log(JSON.stringify(status, null, 2));
    return;
  }
  console.log(`intent   ${status.intentId}  ${status.title ?? ''}`);
  console.log(`service  ${status.service ?? '-'}   risk tier ${status.tier ?? '-'}`);
  console.log(`status   ${status.status}`);
  if (status.timeToValueSeconds !== null)
    console.log(`time to value  ${duration(status.timeToValueSeconds)}`);
  if (status.valuePerHourUsd !== null) console.log(`value per hour ${usd(status.valuePerHourUsd)}`);
  for (const reason of status.reasons) console.log(`why      ${reason}`);
  console.log(
    table(
      ['seq', 'time', 'step'],
      status.steps.map((s) => [s.seq, s.timestamp, s.type]),
    ),
  );
}

export async function statusCommand(id: string, options: { json?: boolean }): Promise<number> {
  return withSession({}, async ({ stack }) => {
    const status = intentStatus(id, await stack.deps.ledger.forIntent(stack.deps.ledgerName, id));
    if (!status) {
      console.error(`no intent ${id} on the ledger`);
      return 1;
    }
    printStatus(status, options.json ?? false);
    return 0;
  });
}
