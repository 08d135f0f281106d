import { randomUUID } from 'node:crypto';
import type { GatewayRequest, GatewayResponse } from './gateway-request.js';
import { headerOf } from './gateway-request.js';
import type { IamService } from './operations/authorization-check.js';

/** A refusal, in the words AWS uses for its kind. */
export interface Refusal {
  kind: 'access-denied' | 'unknown-access-key' | 'unsigned';
  message: string;
}

const jsonVersion: Partial<Record<IamService, string>> = {
  dynamodb: '1.0',
  states: '1.0',
  cloudwatch: '1.0',
  kms: '1.1',
  events: '1.1',
};

/**
 * The error response AWS sends for the service's protocol, so the SDK raises the error it would raise on AWS:
 * awsJson → 400 with `__type`; restJson1 (AppConfig) → 403 with `x-amzn-ErrorType`; S3 (REST XML) → 403
 * `<Error><Code>AccessDenied</Code>`; CloudWatch's query protocol → 403 `<ErrorResponse>`.
 */
export function refusalResponse(
  service: IamService | undefined,
  request: GatewayRequest,
  refusal: Refusal,
): GatewayResponse {
  const requestId = randomUUID();
  if (service === 's3') return s3Refusal(request, refusal, requestId);
  if (service === 'appconfig') {
    const type = refusal.kind === 'access-denied' ? 'AccessDeniedException' : 'UnrecognizedClientException';
    return {
      status: 403,
      headers: {
        'content-type': 'application/json',
        'x-amzn-errortype': type,
        'x-amzn-requestid': requestId,
      },
      body: JSON.stringify({ Message: refusal.message }),
    };
  }
  if (service === 'cloudwatch' && !headerOf(request, 'x-amz-target')) {
    const code = refusal.kind === 'access-denied' ? 'AccessDenied' : 'InvalidClientTokenId';
    return {
      status: 403,
      headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
      body: `<ErrorResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${xmlEscape(refusal.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    };
  }
  const type = {
    'access-denied': 'AccessDeniedException',
    'unknown-access-key': 'UnrecognizedClientException',
    unsigned: 'MissingAuthenticationTokenException',
  }[refusal.kind];
  return {
    status: 400,
    headers: {
      'content-type': `application/x-amz-json-${(service && jsonVersion[service]) ?? '1.0'}`,
      'x-amzn-requestid': requestId,
    },
    body: JSON.stringify({ __type: type, message: refusal.message }),
  };
}

function s3Refusal(request: GatewayRequest, refusal: Refusal, requestId: string): GatewayResponse {
  const code = refusal.kind === 'unknown-access-key' ? 'InvalidAccessKeyId' : 'AccessDenied';
  const headers = { 'content-type': 'application/xml', 'x-amz-request-id': requestId };
  // A HEAD response has no body: S3 sends the status alone and the SDK names the error after it.
  if (request.method === 'HEAD') return { status: 403, headers, body: '' };
  return {
    status: 403,
    headers,
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xmlEscape(refusal.message)}</Message><RequestId>${requestId}</RequestId><HostId>${requestId}</HostId></Error>`,
  };
}

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
