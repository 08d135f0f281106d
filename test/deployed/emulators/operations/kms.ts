import { UnmappedOperationError } from '../errors.js';
import { type GatewayRequest, jsonBodyOf, jsonTargetOf } from '../gateway-request.js';
import type { MappedOperation, MappingContext } from './authorization-check.js';

/** Operations on one key, named by `KeyId` (key id, key ARN, alias name or alias ARN). */
const keyOperations = new Set([
  'Sign',
  'Verify',
  'GetPublicKey',
  'DescribeKey',
  'Encrypt',
  'Decrypt',
  'GenerateDataKey',
  'GenerateDataKeyWithoutPlaintext',
  'GenerateMac',
  'VerifyMac',
  'GetKeyPolicy',
  'GetKeyRotationStatus',
  'ListResourceTags',
  'ScheduleKeyDeletion',
  'DisableKey',
  'EnableKey',
]);

/** Operations that name no key; IAM authorizes them on `*`. */
const accountOperations = new Set(['CreateKey', 'ListKeys', 'ListAliases', 'GenerateRandom']);

/**
 * KMS, awsJson1_1 with `X-Amz-Target: TrentService.<Operation>`. A key named by an alias is authorized as
 * the key it points to (with `kms:RequestAlias` in the context); the key policy is always evaluated.
 */
export function mapKms(request: GatewayRequest, context: MappingContext): MappedOperation {
  const operation = jsonTargetOf(request, 'TrentService');
  const body = jsonBodyOf(request, operation);
  const action = `kms:${operation}`;
  if (accountOperations.has(operation)) {
    return { service: 'kms', operation, checks: [{ action, resource: '*' }] };
  }
  if (!keyOperations.has(operation)) {
    throw new UnmappedOperationError(`KMS ${operation} is not mapped to IAM actions by the gateway`);
  }
  const keyId = body.KeyId;
  if (typeof keyId !== 'string') {
    throw new UnmappedOperationError(
      `KMS ${operation} without KeyId: the gateway cannot tell which key policy applies`,
    );
  }
  const resolved = context.kmsKeys.resolve(keyId);
  if (!resolved) {
    throw new UnmappedOperationError(
      `KMS ${operation}: key ${keyId} is not registered with the gateway, so its key policy is unknown`,
    );
  }
  const requestContext: Record<string, string> = { 'kms:CallerAccount': context.account };
  if (resolved.alias) requestContext['kms:RequestAlias'] = resolved.alias;
  if (typeof body.SigningAlgorithm === 'string')
    requestContext['kms:SigningAlgorithm'] = body.SigningAlgorithm;
  if (typeof body.MessageType === 'string') requestContext['kms:MessageType'] = body.MessageType;
  return {
    service: 'kms',
    operation,
    checks: [
      { action, resource: resolved.key.keyArn, context: requestContext, resourcePolicy: resolved.key.policy },
    ],
  };
}
