export { UnknownCallerError, UnmappedOperationError } from './errors.js';
export type { GatewayRequest, GatewayResponse } from './gateway-request.js';
export { type IamCheck, IamCheckLog } from './iam-check-log.js';
export { IamGateway, type IamGatewayOptions, type Interceptor } from './iam-gateway.js';
export type { KmsKeyRegistration } from './kms-key-directory.js';
export type {
  AuthorizationCheck,
  IamService,
  MappedOperation,
  PolicyDocument,
} from './operations/authorization-check.js';
export type { Caller } from './policy-evaluation.js';
