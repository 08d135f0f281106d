import { UnmappedOperationError } from '../errors.js';
import type { GatewayRequest } from '../gateway-request.js';
import { mapAppConfig } from './appconfig.js';
import type { IamService, MappedOperation, MappingContext } from './authorization-check.js';
import { mapCloudWatch } from './cloudwatch.js';
import { mapDynamoDb } from './dynamodb.js';
import { mapEventBridge } from './eventbridge.js';
import { mapKms } from './kms.js';
import { mapS3 } from './s3.js';
import { mapStepFunctions } from './step-functions.js';

/** SigV4 signing names differ from IAM prefixes for CloudWatch only (`monitoring`). */
const serviceBySigningName: Record<string, IamService> = {
  dynamodb: 'dynamodb',
  kms: 'kms',
  s3: 's3',
  monitoring: 'cloudwatch',
  events: 'events',
  appconfig: 'appconfig',
  states: 'states',
};

const mappers: Record<IamService, (request: GatewayRequest, context: MappingContext) => MappedOperation> = {
  dynamodb: mapDynamoDb,
  kms: mapKms,
  s3: mapS3,
  cloudwatch: mapCloudWatch,
  events: mapEventBridge,
  appconfig: mapAppConfig,
  states: mapStepFunctions,
};

export function serviceOfSigningName(signingName: string): IamService | undefined {
  return serviceBySigningName[signingName];
}

/** The operation of a request and each (action, resource) AWS authorizes for it; throws when it cannot tell. */
export function mapOperation(
  service: IamService,
  request: GatewayRequest,
  context: MappingContext,
): MappedOperation {
  const mapped = mappers[service](request, context);
  if (mapped.checks.length === 0) {
    throw new UnmappedOperationError(
      `${service} ${mapped.operation}: the request names no resource to authorize`,
    );
  }
  return mapped;
}
