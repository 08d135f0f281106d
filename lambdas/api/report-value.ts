import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { valueViewAnswer } from '../core/value-view.js';
import type { ValueViewDeps } from '../core/value-view-catch-up.js';
import { awsPipelineDeps } from '../wiring/aws/pipeline-deps.js';
import { telemetry } from '../wiring/aws/telemetry.js';
import { admitted } from './admitted.js';
import { withConventions } from './conventions.js';
import { errorResponse, json } from './http.js';
import { routeOf } from './routes.js';

/**
 * `GET /value?by=service,team&since=&until=&curveBy=`: value per hour, cost of delay and time to value grouped
 * by the dimensions (default `service`), the DORA figures over the window and per day or week, and the
 * compounding curve of each kind of change (default `service,kind`), all computed over the intents concluded
 * within the window. Answered from the value view (`core/value-view.ts`): the entries appended since the last
 * request are summarized, never the whole ledger read; while a long ledger is still being summarized the answer
 * carries `catchingUp`. A dimension that is neither built in nor a tag of any concluded intent, or a malformed
 * instant, is a 400 naming the field.
 */
export async function reportValue(
  event: APIGatewayProxyEvent,
  deps: ValueViewDeps,
): Promise<APIGatewayProxyResult> {
  try {
    const query = event.queryStringParameters ?? {};
    return json(
      200,
      await valueViewAnswer(deps, {
        by: query.by,
        since: query.since,
        until: query.until,
        curveBy: query.curveBy,
      }),
    );
  } catch (error) {
    return errorResponse(error);
  }
}

const deps = awsPipelineDeps('report-value');

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(telemetry('ReportValue'))
  .handler(
    admitted(
      withConventions(routeOf('GET /value'), async (event: APIGatewayProxyEvent) => {
        return reportValue(event, await deps());
      }),
    ),
  );
