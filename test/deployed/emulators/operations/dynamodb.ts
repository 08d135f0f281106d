import { UnmappedOperationError } from '../errors.js';
import { type GatewayRequest, jsonBodyOf, jsonTargetOf, requiredString } from '../gateway-request.js';
import type { AuthorizationCheck, MappedOperation, MappingContext } from './authorization-check.js';

/** Operations that act on the one table named by `TableName` (an index too, where `IndexName` is given). */
const singleTableOperations = new Set([
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'Query',
  'Scan',
  'DescribeTable',
  'CreateTable',
  'DeleteTable',
  'UpdateTable',
  'DescribeTimeToLive',
  'UpdateTimeToLive',
  'DescribeContinuousBackups',
]);

/** Inside a transaction AWS authorizes each item as the single-item action it performs. */
const transactItemActions: Record<string, string> = {
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  ConditionCheck: 'dynamodb:ConditionCheckItem',
  Get: 'dynamodb:GetItem',
};

/** DynamoDB, awsJson1_0 with `X-Amz-Target: DynamoDB_20120810.<Operation>`. */
export function mapDynamoDb(request: GatewayRequest, context: MappingContext): MappedOperation {
  const operation = jsonTargetOf(request, 'DynamoDB_20120810');
  const body = jsonBodyOf(request, operation);
  const tableArn = (name: string) =>
    name.startsWith('arn:') ? name : `arn:aws:dynamodb:${context.region}:${context.account}:table/${name}`;
  const mapped = (checks: AuthorizationCheck[]): MappedOperation => ({
    service: 'dynamodb',
    operation,
    checks,
  });

  if (singleTableOperations.has(operation)) {
    const table = tableArn(requiredString(body, 'TableName', operation));
    // A Query or Scan on an index is authorized against the index ARN, not the table's.
    const index = typeof body.IndexName === 'string' ? `${table}/index/${body.IndexName}` : undefined;
    return mapped([{ action: `dynamodb:${operation}`, resource: index ?? table }]);
  }
  if (operation === 'BatchGetItem' || operation === 'BatchWriteItem') {
    const tables = Object.keys(objectField(body, 'RequestItems', operation));
    return mapped(tables.map((name) => ({ action: `dynamodb:${operation}`, resource: tableArn(name) })));
  }
  if (operation === 'TransactWriteItems' || operation === 'TransactGetItems') {
    const items = body.TransactItems;
    if (!Array.isArray(items)) throw new UnmappedOperationError(`${operation}: no TransactItems`);
    return mapped(
      items.flatMap((item: Record<string, { TableName?: string }>) =>
        Object.entries(item).map(([kind, detail]) => {
          const action = transactItemActions[kind];
          if (!action || typeof detail?.TableName !== 'string') {
            throw new UnmappedOperationError(`${operation}: cannot authorize a ${kind} item`);
          }
          return { action, resource: tableArn(detail.TableName) };
        }),
      ),
    );
  }
  if (operation === 'ListTables') return mapped([{ action: 'dynamodb:ListTables', resource: '*' }]);
  throw new UnmappedOperationError(`DynamoDB ${operation} is not mapped to IAM actions by the gateway`);
}

function objectField(
  body: Record<string, unknown>,
  field: string,
  operation: string,
): Record<string, unknown> {
  const value = body[field];
  if (!value || typeof value !== 'object') throw new UnmappedOperationError(`${operation}: no ${field}`);
  return value as Record<string, unknown>;
}
