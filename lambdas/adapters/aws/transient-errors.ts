import { TransientError } from '../../core/errors.js';

// Names the AWS SDK v3 and the services use for throttling and short outages. The SDK has already
// retried these with backoff before they reach us; surfacing them as TransientError lets the state
// machine's Retry take over. The SDK's own classification (@smithy/core/retry) is the reference: a test
// checks that everything it calls transient, throttling or a server error is transient here too. It is not
// imported at run time because its module index registers the retry middleware as a side effect, which
// puts 14 KB into every function bundle for these few lines.
const TRANSIENT_NAMES = new Set([
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'PriorRequestNotComplete',
  // S3's throttling: the evidence store meets it under load.
  'SlowDown',
  'TransactionInProgressException',
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestThrottled',
  'RequestThrottledException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
  'InternalServerError',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'KMSInternalException',
  'KeyUnavailableException',
  'DependencyTimeoutException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
]);

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

// The SDK wraps a network error from another realm (e.g. under a test runner's VM) as a plain Error whose
// message is all that is left of the code.
const NETWORK_MESSAGE = new RegExp(`\\b(${[...NETWORK_CODES].join('|')})\\b|socket hang up`);

interface AwsLikeError {
  name?: string;
  code?: string;
  message?: string;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
}

/** Whether an AWS SDK call failed for want of a connection (no route, no name, refused, reset, timed out). */
export function isNetworkFailure(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as AwsLikeError;
  return (
    NETWORK_CODES.has(e.code ?? '') || NETWORK_MESSAGE.test(e.message ?? '') || e.name === 'TimeoutError'
  );
}

/** Whether an AWS SDK or network error is worth retrying later (throttling, 5xx, connection loss). */
export function isTransientAwsError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as AwsLikeError;
  const status = e.$metadata?.httpStatusCode ?? 0;
  return (
    Boolean(e.$retryable) ||
    TRANSIENT_NAMES.has(e.name ?? '') ||
    NETWORK_CODES.has(e.code ?? '') ||
    NETWORK_MESSAGE.test(e.message ?? '') ||
    status === 429 ||
    status >= 500
  );
}

/** The error to throw for a failed AWS call: a `TransientError` keeping the cause, or the error itself. */
export function transientOr(error: unknown, operation: string): unknown {
  if (!isTransientAwsError(error)) return error;
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new TransientError(`${operation} failed transiently (${detail})`, { cause: error });
}
