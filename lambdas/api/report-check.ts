import { randomBytes } from 'node:crypto';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { InvalidInputError } from '../core/errors.js';
import { walkJson } from '../core/intake/walk-json.js';
import type { PipelineDeps } from '../core/pipeline/deps.js';
import { reportCheck } from '../core/pipeline/report-check.js';
import type { Caller } from '../core/principals/caller.js';
import { awsPipelineDeps } from '../wiring/aws/pipeline-deps.js';
import { sfnLaneWake } from '../wiring/aws/sfn.js';
import { telemetry } from '../wiring/aws/telemetry.js';
import { type Authenticate, iamCaller } from './caller.js';
import { locationOf, withConventions } from './conventions.js';
import { errorResponse, json, parseBody, withHeaders } from './http.js';
import { onceForKey } from './idempotency.js';
import { bodyIssues, checkNameSchema, checkReportBodySchema } from './request-bodies.js';
import { routeOf } from './routes.js';

type ReportDeps = Pick<PipelineDeps, 'ledger' | 'ledgerName' | 'clock' | 'state' | 'catalog' | 'laneWake'>;

/**
 * `PUT /intents/{id}/checks/{name}` with `{"status": "passed"|"failed", "detail"?, "url"?}`: CI reports the
 * result of a check the intent names, as the authenticated caller (`core/pipeline/report-check.ts` says who
 * may). Verify counts a result reported before it runs, and one reported while its fail-fast gate waits for it:
 * the report wakes the park (`laneWake`, SendTaskSuccess on AWS) and Verify runs again. 201 the first time (`Location` the check's path), 200
 * for the same result again (`repeated`: the same status from the same reporter; a differing detail or url is
 * `kept` from the first report, and `note` says so); 400 a bad name or body (each field named, a secret by rule and salted digest only, nothing
 * written), 403 a caller who may not report for the intent (naming who may), 404 an unknown intent or a check
 * it does not name, 409 another result reported first or Verify concluded before this one arrived.
 */
export async function reportCheckRoute(
  event: APIGatewayProxyEvent,
  deps: ReportDeps,
  authenticate: Authenticate = iamCaller,
): Promise<APIGatewayProxyResult> {
  try {
    const id = event.pathParameters?.id ?? '';
    // Who calls is settled first: an unknown caller learns nothing about the body or the intent.
    const caller = authenticate(event, deps.catalog);
    return await onceForKey(event, caller.principal, deps.state, deps.clock.now(), () =>
      reportAs(event, id, caller, deps),
    );
  } catch (error) {
    return errorResponse(error);
  }
}

async function reportAs(
  event: APIGatewayProxyEvent,
  id: string,
  caller: Caller,
  deps: ReportDeps,
): Promise<APIGatewayProxyResult> {
  try {
    const { name, body } = readReport(event);
    const { report, seq, repeated, kept } = await reportCheck(
      { intentId: id, check: name, status: body.status, detail: body.detail, url: body.url, caller },
      deps,
    );
    const answer = json(repeated ? 200 : 201, {
      intentId: id,
      check: report.check,
      status: report.status,
      reportedBy: report.reportedBy,
      standing: report.standing,
      reportedAt: report.reportedAt,
      seq,
      repeated,
      // A retry that differs only in its text or link: the result is the same, and the first report's stand.
      ...(kept
        ? {
            kept,
            note: `the first report's ${kept.join(' and ')} ${kept.length > 1 ? 'are' : 'is'} kept; this report's ${kept.length > 1 ? 'differ' : 'differs'}`,
          }
        : {}),
    });
    // A 201 names what it created, as every 201 of the API does: the check's result, at the path it was put to.
    const created = `/intents/${encodeURIComponent(id)}/checks/${encodeURIComponent(name)}`;
    return repeated ? answer : withHeaders(answer, { location: locationOf(event, created) });
  } catch (error) {
    return errorResponse(error);
  }
}

/**
 * The check's name and the body, or `InvalidInputError` naming each field. The body passes the door's walk
 * first (nesting, reserved keys, sizes and the secret rules every intent meets), so a token pasted into
 * `detail` or `url` is refused before it could reach the ledger.
 */
function readReport(event: APIGatewayProxyEvent) {
  const issues: Array<{ path: string; message: string }> = [];
  const name = checkNameSchema.safeParse(event.pathParameters?.name ?? '');
  if (!name.success) issues.push({ path: 'name', message: name.error.issues[0]?.message ?? 'invalid' });
  const raw = parseBody(event.body, event.isBase64Encoded);
  const walked = walkJson(raw, randomBytes(8).toString('hex'));
  if (walked.unsafe.length > 0 || walked.oversize.length > 0) {
    throw new InvalidInputError('invalid check report', [...issues, ...walked.unsafe, ...walked.oversize]);
  }
  const body = checkReportBodySchema.safeParse(raw);
  if (!body.success) {
    issues.push(
      ...bodyIssues(
        body.error,
        raw,
        () => 'not a field of a check report (status, detail, url): who reports is the authenticated caller',
      ),
    );
  }
  if (issues.length > 0 || !name.success || !body.success) {
    throw new InvalidInputError('invalid check report', issues);
  }
  return { name: name.data, body: body.data };
}

const deps = awsPipelineDeps('report-check', { laneWake: sfnLaneWake });

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(telemetry('ReportCheck'))
  .handler(
    withConventions(routeOf('PUT /intents/{id}/checks/{name}'), async (event: APIGatewayProxyEvent) =>
      reportCheckRoute(event, await deps()),
    ),
  );
