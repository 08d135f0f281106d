import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import * as z from 'zod';
import { defaultPolicySet } from '../../policies/index.js';
import { InvalidInputError } from '../core/errors.js';
import type { PipelineDeps } from '../core/pipeline/deps.js';
import { NotAwaitingReviewError, recordReview } from '../core/pipeline/review.js';
import type { Executions } from '../ports/executions.js';
import { awsPipelineDeps } from '../wiring/aws/pipeline-deps.js';
import { sfnExecutions } from '../wiring/aws/sfn.js';
import { telemetry } from '../wiring/aws/telemetry.js';
import { type Authenticate, iamCaller } from './caller.js';
import { errorResponse, json, parseBody } from './http.js';

const reviewBodySchema = z.object({
  decision: z.enum(['approve', 'reject']),
  reason: z.string().max(2000).optional(),
});

let executions: Executions | undefined;

/**
 * `POST /intents/{id}/review`: the authenticated caller, resolved to a catalog principal before anything is
 * recorded, is the reviewer of record (never a name in the body). Records the decision with the identity
 * the caller authenticated as, then returns the task token to Step Functions.
 */
export async function reviewIntent(
  event: APIGatewayProxyEvent,
  deps: Pick<PipelineDeps, 'ledger' | 'ledgerName' | 'clock' | 'state' | 'catalog' | 'policies'>,
  executions: Executions,
  authenticate: Authenticate = iamCaller,
): Promise<APIGatewayProxyResult> {
  try {
    const id = event.pathParameters?.id ?? '';
    const parsed = reviewBodySchema.safeParse(parseBody(event.body, event.isBase64Encoded));
    if (!parsed.success) {
      throw new InvalidInputError(
        'invalid review',
        parsed.error.issues.map((issue) => ({
          path: issue.path.join('.') || 'body',
          message: issue.message,
        })),
      );
    }
    const reviewer = authenticate(event, deps.catalog);
    const { request, review } = await recordReview(
      {
        intentId: id,
        decision: parsed.data.decision === 'approve' ? 'approved' : 'rejected',
        reviewer,
        reason: parsed.data.reason,
      },
      deps,
    );
    await executions.completeReview(request, review);
    return json(200, { intentId: id, review });
  } catch (error) {
    if (error instanceof NotAwaitingReviewError)
      return json(409, { error: error.name, message: error.message });
    return errorResponse(error);
  }
}

const deps = awsPipelineDeps('review-intent', { policies: defaultPolicySet });

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(telemetry('ReviewIntent'))
  .handler(async (event: APIGatewayProxyEvent) => {
    executions ??= sfnExecutions(process.env);
    return reviewIntent(event, await deps(), executions);
  });
