import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { InvalidInputError } from '../core/errors.js';
import type { PipelineDeps } from '../core/pipeline/deps.js';
import { recordedCheckReport } from '../core/pipeline/recorded-check-report.js';
import { awsPipelineDeps } from '../wiring/aws/pipeline-deps.js';
import { telemetry } from '../wiring/aws/telemetry.js';
import { admitted } from './admitted.js';
import { withConventions } from './conventions.js';
import { errorResponse, json } from './http.js';
import { checkNameSchema } from './request-bodies.js';
import { routeOf } from './routes.js';

/**
 * `GET /intents/{id}/checks/{name}`: the result reported for the check, as its `check.reported` entry records it
 * (status, detail, url, who reported it and under what standing, when, at which seq): where the `Location` of
 * `PUT /intents/{id}/checks/{name}` leads. A read, like `GET /intents/{id}`: any admitted caller. An intent the
 * ledger lacks, or a check nobody reported, is 404.
 */
export async function getCheckReport(
  event: APIGatewayProxyEvent,
  deps: Pick<PipelineDeps, 'ledger' | 'ledgerName'>,
): Promise<APIGatewayProxyResult> {
  try {
    const id = event.pathParameters?.id ?? '';
    const name = checkNameSchema.safeParse(event.pathParameters?.name ?? '');
    if (!name.success) {
      throw new InvalidInputError('invalid check name', [
        { path: 'path.name', message: name.error.issues[0]?.message ?? 'invalid' },
      ]);
    }
    const { report, seq } = await recordedCheckReport(id, name.data, deps);
    return json(200, {
      intentId: id,
      check: report.check,
      status: report.status,
      detail: report.detail,
      ...(report.url !== undefined ? { url: report.url } : {}),
      reportedBy: report.reportedBy,
      standing: report.standing,
      reportedAt: report.reportedAt,
      seq,
    });
  } catch (error) {
    return errorResponse(error);
  }
}

const deps = awsPipelineDeps('get-check-report');

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(telemetry('GetCheckReport'))
  .handler(
    admitted(
      withConventions(routeOf('GET /intents/{id}/checks/{name}'), async (event: APIGatewayProxyEvent) =>
        getCheckReport(event, await deps()),
      ),
    ),
  );
