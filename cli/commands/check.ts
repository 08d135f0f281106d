import { InvalidInputError } from '../../lambdas/core/errors.js';
import { actingAs, actingLine } from '../api/acting-as.js';
import { chosenTarget, connect } from '../api/itv-api.js';
import { printApiError, sameNamedFlags } from '../control-plane/api-errors.js';
import { exitCodes } from '../exit-codes.js';

interface ReportAnswer {
  intentId: string;
  check: string;
  status: string;
  reportedBy: string;
  standing: string;
  reportedAt: string;
  seq: number;
  repeated: boolean;
  note?: string;
}

/**
 * `itv check report ID NAME --status passed|failed [--detail TEXT] [--url URL]`: `PUT /intents/{id}/checks/{name}`
 * as the caller, against the local stack or the deployed one the context names. Exit 0 recorded (or the same
 * result recorded before: the same status from the same reporter, whose first detail and url are kept), 1 refused (bad input, not allowed, unknown intent or check, another result first,
 * or Verify concluded before it arrived: the API's reason is printed).
 */
export async function reportCheckCommand(
  id: string,
  name: string,
  options: { status?: string; detail?: string; url?: string; as?: string; json?: boolean },
): Promise<number> {
  if (options.status !== 'passed' && options.status !== 'failed') {
    throw new InvalidInputError(
      options.status === undefined
        ? 'itv check report needs --status'
        : 'itv check report: --status is passed or failed',
      [
        {
          path: '--status',
          message: `must be passed or failed, not ${JSON.stringify(options.status ?? null)}`,
        },
      ],
    );
  }
  const target = await chosenTarget();
  const as = actingAs(target, options.as, 'itv check report');
  const api = await connect(target);
  const body = {
    status: options.status,
    ...(options.detail !== undefined ? { detail: options.detail } : {}),
    ...(options.url !== undefined ? { url: options.url } : {}),
  };
  const answer = await api.client.call<ReportAnswer>(
    'PUT',
    `/intents/${encodeURIComponent(id)}/checks/${encodeURIComponent(name)}`,
    { body, ...(as ? { as } : {}) },
  );
  if (answer.status >= 400) return printApiError(answer, sameNamedFlags(['status', 'detail', 'url']));
  const report = answer.body;
  if (options.json) {
    console.log(JSON.stringify(report, null, 2));
    return exitCodes.ok;
  }
  console.log(actingLine(api, as));
  console.log(
    `${report.repeated ? 'already recorded' : 'recorded'}: ${report.check} ${report.status} for ${report.intentId}, reported by ${report.reportedBy} (${report.standing}) at seq ${report.seq}${report.note ? ` (${report.note})` : ''}`,
  );
  return exitCodes.ok;
}
