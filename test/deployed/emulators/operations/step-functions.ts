import { UnmappedOperationError } from '../errors.js';
import { type GatewayRequest, jsonBodyOf, jsonTargetOf, requiredString } from '../gateway-request.js';
import type { MappedOperation, MappingContext } from './authorization-check.js';

const stateMachineOperations = new Set([
  'StartExecution',
  'StartSyncExecution',
  'DescribeStateMachine',
  'ListExecutions',
]);
const executionOperations = new Set([
  'DescribeExecution',
  'StopExecution',
  'GetExecutionHistory',
  'DescribeStateMachineForExecution',
]);
const taskResponseOperations = new Set(['SendTaskSuccess', 'SendTaskFailure', 'SendTaskHeartbeat']);

/**
 * Step Functions, awsJson1_0 with `X-Amz-Target: AWSStepFunctions.<Operation>`.
 *
 * SendTask* carry only an opaque token, and the Service Authorization Reference lists no resource type for
 * them; yet AWS authorizes them against the state machine that issued the token (its AccessDenied names
 * `arn:aws:states:…:stateMachine:…`, and a grant on that ARN is what works for Lambda callback tasks, as the CDK
 * team found when designing `grantTaskResponse`). The gateway asks whoever issued the token for that ARN.
 */
export function mapStepFunctions(request: GatewayRequest, context: MappingContext): MappedOperation {
  const operation = jsonTargetOf(request, 'AWSStepFunctions');
  const body = jsonBodyOf(request, operation);
  const action = `states:${operation}`;
  if (stateMachineOperations.has(operation)) {
    const resource = requiredString(body, 'stateMachineArn', operation);
    return { service: 'states', operation, checks: [{ action, resource }] };
  }
  if (executionOperations.has(operation)) {
    const resource = requiredString(body, 'executionArn', operation);
    return { service: 'states', operation, checks: [{ action, resource }] };
  }
  if (taskResponseOperations.has(operation)) {
    const token = requiredString(body, 'taskToken', operation);
    const owner = context.taskTokenOwnerOf(token);
    if (!owner) {
      throw new UnmappedOperationError(
        `${operation}: the task token was not issued by a state machine the gateway knows, cannot tell its resource`,
      );
    }
    return { service: 'states', operation, checks: [{ action, resource: owner, resourceLevel: 'observed' }] };
  }
  if (operation === 'ListStateMachines' || operation === 'ListActivities') {
    return { service: 'states', operation, checks: [{ action, resource: '*' }] };
  }
  throw new UnmappedOperationError(`Step Functions ${operation} is not mapped to IAM actions by the gateway`);
}
