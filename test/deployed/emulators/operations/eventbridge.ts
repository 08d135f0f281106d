import { UnmappedOperationError } from '../errors.js';
import { type GatewayRequest, jsonBodyOf, jsonTargetOf } from '../gateway-request.js';
import type { MappedOperation, MappingContext } from './authorization-check.js';

interface PutEventsEntry {
  EventBusName?: string;
  Source?: string;
  DetailType?: string;
}

/** EventBridge, awsJson1_1 with `X-Amz-Target: AWSEvents.<Operation>`. */
export function mapEventBridge(request: GatewayRequest, context: MappingContext): MappedOperation {
  const operation = jsonTargetOf(request, 'AWSEvents');
  if (operation !== 'PutEvents') {
    throw new UnmappedOperationError(`EventBridge ${operation} is not mapped to IAM actions by the gateway`);
  }
  const entries = jsonBodyOf(request, operation).Entries;
  if (!Array.isArray(entries)) throw new UnmappedOperationError('PutEvents: no Entries');
  // Each entry is authorized on its own bus, with its source and detail type as condition keys.
  const checks = (entries as PutEventsEntry[]).map((entry) => {
    const bus = entry.EventBusName ?? 'default';
    const context_: Record<string, string> = {};
    if (entry.Source) context_['events:source'] = entry.Source;
    if (entry.DetailType) context_['events:detail-type'] = entry.DetailType;
    const resource = bus.startsWith('arn:')
      ? bus
      : `arn:aws:events:${context.region}:${context.account}:event-bus/${bus}`;
    const resourcePolicy = context.eventBusPolicyOf(resource);
    return {
      action: 'events:PutEvents',
      resource,
      context: context_,
      // The bus's own policy is evaluated beside the caller's: its explicit denies bind even callers of the
      // bus's account, whose identity policy alone would otherwise allow them.
      ...(resourcePolicy ? { resourcePolicy } : {}),
    };
  });
  return { service: 'events', operation, checks };
}
