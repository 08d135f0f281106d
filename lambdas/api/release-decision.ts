import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { InvalidInputError } from '../core/errors.js';
import type { PipelineDeps } from '../core/pipeline/deps.js';
import {
  NotAwaitingDecisionError,
  pendingReleaseDecision,
  RollbackUnavailableError,
  recordReleaseDecision,
} from '../core/pipeline/release-decision.js';
import type { Executions } from '../ports/executions.js';
import { awsPipelineDeps } from '../wiring/aws/pipeline-deps.js';
import { sfnExecutions } from '../wiring/aws/sfn.js';
import { telemetry } from '../wiring/aws/telemetry.js';
import { type Authenticate, iamCaller } from './caller.js';
import { withConventions } from './conventions.js';
import { errorResponse, json, parseBody } from './http.js';
import { conflict, notFound } from './problem.js';
import { bodyIssues, decisionBodySchema } from './request-bodies.js';
import { routeOf } from './routes.js';

let executions: Executions | undefined;

/**
 * `POST /intents/{id}/release-decision`: one of the service's owners decides what a held release does next
 * (`roll-forward`, `roll-back` or `hold`). The decider is the authenticated caller resolved to a catalog
 * principal. Records the decision, then resumes the execution; a retry of the same decision resumes again.
 * 400 bad body, 403 not an owner, 404 unknown intent, 409 nothing to decide (never held, already decided,
 * the wait expired, or a roll-back with no earlier configuration to go back to).
 */
export async function decideRelease(
  event: APIGatewayProxyEvent,
  deps: Pick<PipelineDeps, 'ledger' | 'ledgerName' | 'clock' | 'state' | 'catalog'>,
  executions: Executions,
  authenticate: Authenticate = iamCaller,
): Promise<APIGatewayProxyResult> {
  try {
    const id = event.pathParameters?.id ?? '';
    // Who calls is settled first: an unknown caller learns nothing about the body or the intent.
    const decider = authenticate(event, deps.catalog);
    const body = parseBody(event.body, event.isBase64Encoded);
    const parsed = decisionBodySchema.safeParse(body);
    if (!parsed.success) {
      throw new InvalidInputError(
        'invalid release decision',
        bodyIssues(parsed.error, body, (key) =>
          key === 'decider'
            ? 'the decider is the authenticated caller, never a body field'
            : 'not a field of a release decision (decision, reason)',
        ),
      );
    }
    if ((await deps.ledger.forIntent(deps.ledgerName, id)).length === 0) {
      return notFound(`no intent ${id} on the ledger`);
    }
    try {
      const { request, decided, retried } = await recordReleaseDecision(
        { intentId: id, decision: parsed.data.decision, reason: parsed.data.reason, decider },
        deps,
      );
      await executions.completeReleaseDecision(request, decided);
      return json(200, { intentId: id, decision: decided, retried });
    } catch (error) {
      if (!(error instanceof NotAwaitingDecisionError) && !(error instanceof RollbackUnavailableError)) {
        throw error;
      }
      // Past its deadline: the release stays held; the local runtime concludes it now (AWS already did).
      const request = await pendingReleaseDecision(id, deps);
      if (request && deps.clock.now().getTime() >= Date.parse(request.expiresAt)) {
        await executions.releaseDecisionExpired(request);
      }
      return conflict(error.name, error.message);
    }
  } catch (error) {
    return errorResponse(error);
  }
}

const deps = awsPipelineDeps('release-decision');

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(telemetry('DecideRelease'))
  .handler(
    withConventions(routeOf('POST /intents/{id}/release-decision'), async (event: APIGatewayProxyEvent) => {
      executions ??= sfnExecutions(process.env);
      return decideRelease(event, await deps(), executions);
    }),
  );
