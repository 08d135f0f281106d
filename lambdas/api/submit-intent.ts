import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { loadCatalog } from '../../catalog/index.js';
import { checkCompleteness } from '../core/completeness.js';
import { InvalidInputError } from '../core/errors.js';
import { requiredEnv } from '../wiring/env.js';
import { errorResponse, json, parseBody } from './http.js';

/** Step Functions execution names allow 1–80 of [A-Za-z0-9-_]. */
export function executionName(intentId: string): string {
  return intentId.replace(/[^A-Za-z0-9-_]/g, '_').slice(0, 80);
}

let sfn: SFNClient | undefined;

/**
 * `POST /intents`: checks the intent is complete, then starts the pipeline with the intent id as the
 * execution name, so a resubmitted intent is the same execution (idempotent), not a second change.
 */
export async function submitIntent(
  event: APIGatewayProxyEvent,
  client: SFNClient,
  stateMachineArn: string,
): Promise<APIGatewayProxyResult> {
  try {
    const raw = parseBody(event.body, event.isBase64Encoded);
    const checked = checkCompleteness(raw, loadCatalog());
    if (!checked.ok) throw new InvalidInputError('the intent is incomplete', checked.issues);
    const name = executionName(checked.intentId);
    const input = JSON.stringify({ intent: raw, source: 'api', submittedAt: new Date().toISOString() });
    try {
      const started = await client.send(new StartExecutionCommand({ stateMachineArn, name, input }));
      return json(202, {
        intentId: checked.intentId,
        executionArn: started.executionArn,
        status: `/intents/${checked.intentId}`,
      });
    } catch (error) {
      if (error instanceof ExecutionAlreadyExists) {
        return json(200, {
          intentId: checked.intentId,
          status: `/intents/${checked.intentId}`,
          duplicate: true,
        });
      }
      throw error;
    }
  } catch (error) {
    return errorResponse(error);
  }
}

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>().handler(
  (event: APIGatewayProxyEvent) => {
    sfn ??= new SFNClient({});
    return submitIntent(event, sfn, requiredEnv('ITV_STATE_MACHINE_ARN'));
  },
);
