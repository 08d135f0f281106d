import {
  ConditionalCheckFailedException,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import { isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';
import { isTransientAwsError, transientOr } from '../../../lambdas/adapters/aws/transient-errors.js';
import { TransientError } from '../../../lambdas/core/errors.js';

const metadata = (httpStatusCode: number) => ({ $metadata: { httpStatusCode } });
const named = (name: string, extra: object = {}) =>
  Object.assign(new Error(`${name} happened`), { name }, extra);

describe('which AWS errors are transient', () => {
  test.each([
    [
      'a DynamoDB throughput error',
      new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }),
    ],
    ['HTTP 429', named('SomethingNew', metadata(429))],
    ['HTTP 503', named('SomethingNew', metadata(503))],
    ['HTTP 599', named('SomethingNew', metadata(599))],
    ['a connection reset', Object.assign(new Error('socket closed'), { code: 'ECONNRESET' })],
    ['a refused connection known only by its message', new Error('connect ECONNREFUSED 127.0.0.1:4566')],
    ['an aborted connection', Object.assign(new Error('aborted'), { code: 'ECONNABORTED' })],
    ['a KMS outage', named('KMSInternalException', metadata(500))],
    ['a KMS key briefly unavailable (400)', named('KeyUnavailableException', metadata(400))],
    ['a request timeout', named('TimeoutError')],
    ['an error the SDK marks retryable', named('Odd', { $retryable: {} })],
  ])('%s is transient', (_what, error) => {
    expect(isTransientAwsError(error)).toBe(true);
  });

  test.each([
    ['a lost conditional write', new ConditionalCheckFailedException({ message: 'no', $metadata: {} })],
    ['a validation error (400)', named('ValidationException', metadata(400))],
    ['access denied (403)', named('AccessDeniedException', metadata(403))],
    ['an abort', named('AbortError')],
    ['a string', 'ThrottlingException'],
    ['null', null],
  ])('%s is not', (_what, error) => {
    expect(isTransientAwsError(error)).toBe(false);
  });

  test('transientOr wraps a transient error as TransientError keeping the cause, and passes others through', () => {
    const throttled = named('ThrottlingException', metadata(400));
    const wrapped = transientOr(throttled, 'PutItem');
    expect(wrapped).toBeInstanceOf(TransientError);
    expect((wrapped as Error).message).toBe(
      'PutItem failed transiently (ThrottlingException: ThrottlingException happened)',
    );
    expect((wrapped as Error).cause).toBe(throttled);
    const denied = named('AccessDeniedException', metadata(403));
    expect(transientOr(denied, 'PutItem')).toBe(denied);
  });
});

describe('agreement with the SDK own classification (@smithy/core/retry)', () => {
  // Every error code the SDK's classification lists, and the status codes it looks at.
  const names = [
    ...[
      'BandwidthLimitExceeded',
      'EC2ThrottledException',
      'LimitExceededException',
      'PriorRequestNotComplete',
    ],
    ...['ProvisionedThroughputExceededException', 'RequestLimitExceeded', 'RequestThrottled', 'SlowDown'],
    ...['RequestThrottledException', 'ThrottledException', 'Throttling', 'ThrottlingException'],
    ...['TooManyRequestsException', 'TransactionInProgressException', 'TimeoutError', 'RequestTimeout'],
    ...[
      'RequestTimeoutException',
      'ValidationException',
      'AccessDeniedException',
      'ResourceNotFoundException',
    ],
  ];
  const statuses = [400, 403, 404, 409, 429, 500, 501, 502, 503, 504, 599];
  const codes = [
    'ECONNRESET',
    'ECONNREFUSED',
    'EPIPE',
    'ETIMEDOUT',
    'EHOSTUNREACH',
    'ENETUNREACH',
    'ENOTFOUND',
  ];
  const cases = [
    ...names.map((name) => named(name, metadata(400))),
    ...statuses.map((status) => named('UnknownError', metadata(status))),
    ...[...codes, 'EAI_AGAIN'].map((code) => Object.assign(new Error('network'), { code })),
  ];

  test('whatever the SDK would retry is transient here too', () => {
    const sdkSays = (e: Error) =>
      isThrottlingError(e as never) || isTransientError(e as never) || isServerError(e as never);
    const missed = cases
      .filter((e) => sdkSays(e) && !isTransientAwsError(e))
      .map((e) => `${e.name}/${(e as { code?: string }).code ?? ''}`);
    expect(missed).toEqual([]);
    // And the comparison is not empty: the SDK does call most of these transient.
    expect(cases.filter(sdkSays).length).toBeGreaterThan(20);
  });
});
