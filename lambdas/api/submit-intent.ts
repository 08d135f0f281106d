import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { loadCatalog } from '../../catalog/index.js';
import type { Catalog } from '../core/catalog-schema.js';
import { checkCompleteness } from '../core/completeness.js';
import { InvalidInputError } from '../core/errors.js';
import type { Executions } from '../ports/executions.js';
import { sfnExecutions } from '../wiring/aws/sfn.js';
import { errorResponse, json, parseBody } from './http.js';

/** Step Functions execution names allow 1–80 of [A-Za-z0-9-_]. */
export function executionName(intentId: string): string {
  return intentId.replace(/[^A-Za-z0-9-_]/g, '_').slice(0, 80);
}

let executions: Executions | undefined;

/**
 * `POST /intents`: checks the intent is complete, then starts the pipeline with the intent id as the
 * execution name, so a resubmitted intent is the same execution (idempotent), not a second change.
 */
export async function submitIntent(
  event: APIGatewayProxyEvent,
  executions: Executions,
  catalog: Catalog,
  now: Date,
): Promise<APIGatewayProxyResult> {
  try {
    const raw = parseBody(event.body, event.isBase64Encoded);
    const checked = checkCompleteness(raw, catalog);
    if (!checked.ok) throw new InvalidInputError('the intent is incomplete', checked.issues);
    const status = `/intents/${checked.intentId}`;
    const started = await executions.start(executionName(checked.intentId), {
      intent: raw,
      source: 'api',
      submittedAt: now.toISOString(),
    });
    return started === 'duplicate'
      ? json(200, { intentId: checked.intentId, status, duplicate: true })
      : json(202, { intentId: checked.intentId, executionId: started.executionId, status });
  } catch (error) {
    return errorResponse(error);
  }
}

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>().handler(
  (event: APIGatewayProxyEvent) => {
    executions ??= sfnExecutions(process.env);
    return submitIntent(event, executions, loadCatalog(), new Date());
  },
);
