import { UnmappedOperationError } from '../errors.js';
import { type GatewayRequest, headerOf, jsonBodyOf, jsonTargetOf } from '../gateway-request.js';
import type { AuthorizationCheck, MappedOperation, MappingContext } from './authorization-check.js';

/** Operations on the alarms named by `AlarmNames` (or the one `AlarmName`). */
const alarmOperations = new Set([
  'DescribeAlarms',
  'EnableAlarmActions',
  'DisableAlarmActions',
  'DeleteAlarms',
  'PutMetricAlarm',
  'SetAlarmState',
  'DescribeAlarmHistory',
]);

/** Metric operations support no resource-level permissions: IAM authorizes them on `*`. */
const metricOperations = new Set(['GetMetricData', 'PutMetricData', 'GetMetricStatistics', 'ListMetrics']);

interface CloudWatchCall {
  operation: string;
  alarmNames: string[];
  namespace?: string;
}

/**
 * CloudWatch. The current SDK speaks awsJson1_0 (`X-Amz-Target: GraniteServiceVersion20100801.<Operation>`);
 * older clients (boto, the aws CLI v1) speak the query protocol (`Action=<Operation>` form), read here too.
 */
export function mapCloudWatch(request: GatewayRequest, context: MappingContext): MappedOperation {
  const call = headerOf(request, 'x-amz-target') ? fromJson(request) : fromQuery(request);
  const { operation } = call;
  const action = `cloudwatch:${operation}`;
  const alarmArn = (name: string) => `arn:aws:cloudwatch:${context.region}:${context.account}:alarm:${name}`;
  let checks: AuthorizationCheck[];
  if (alarmOperations.has(operation)) {
    // Without names (a listing or prefix search) the request covers every alarm of the account.
    const names = call.alarmNames.length ? call.alarmNames : ['*'];
    checks = names.map((name) => ({ action, resource: alarmArn(name) }));
  } else if (metricOperations.has(operation)) {
    checks = [
      {
        action,
        resource: '*',
        context: call.namespace ? { 'cloudwatch:namespace': call.namespace } : {},
      },
    ];
  } else {
    throw new UnmappedOperationError(`CloudWatch ${operation} is not mapped to IAM actions by the gateway`);
  }
  return { service: 'cloudwatch', operation, checks };
}

function fromJson(request: GatewayRequest): CloudWatchCall {
  const operation = jsonTargetOf(request, 'GraniteServiceVersion20100801');
  const body = jsonBodyOf(request, operation);
  const names = Array.isArray(body.AlarmNames) ? (body.AlarmNames as unknown[]) : [body.AlarmName];
  return {
    operation,
    alarmNames: names.filter((name): name is string => typeof name === 'string'),
    namespace: typeof body.Namespace === 'string' ? body.Namespace : undefined,
  };
}

function fromQuery(request: GatewayRequest): CloudWatchCall {
  const form = new URLSearchParams(request.body.toString('utf8'));
  for (const [key, value] of request.query) if (!form.has(key)) form.set(key, value);
  const operation = form.get('Action');
  if (!operation) throw new UnmappedOperationError('CloudWatch request with neither X-Amz-Target nor Action');
  const alarmNames = [...form.entries()]
    .filter(([key]) => /^AlarmNames\.member\.\d+$/.test(key) || key === 'AlarmName')
    .map(([, value]) => value);
  return { operation, alarmNames, namespace: form.get('Namespace') ?? undefined };
}
