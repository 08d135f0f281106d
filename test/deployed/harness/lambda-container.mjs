// One emulated Lambda execution environment: a fresh Node.js process that imports a function's bundled asset
// from cdk.out and answers invocations sent over IPC, as the Lambda runtime would. Time is real time plus the
// offset of the deployment's virtual clock, which arrives with each invocation.
import { pathToFileURL } from 'node:url';

const [bundlePath, handlerName] = process.argv.slice(2);
const RealDate = Date;
let offsetMs = 0;

function VirtualDate(...args) {
  if (!new.target) return new RealDate(RealDate.now() + offsetMs).toString();
  return args.length === 0 ? new RealDate(RealDate.now() + offsetMs) : new RealDate(...args);
}
VirtualDate.prototype = RealDate.prototype;
VirtualDate.now = () => RealDate.now() + offsetMs;
VirtualDate.parse = RealDate.parse;
VirtualDate.UTC = RealDate.UTC;
globalThis.Date = VirtualDate;

let handlerPromise;
function loadHandler() {
  handlerPromise ??= import(pathToFileURL(bundlePath).href).then((module) => {
    const handler = module[handlerName];
    if (typeof handler !== 'function') {
      throw Object.assign(new Error(`${bundlePath} does not export ${handlerName}`), {
        name: 'Runtime.HandlerNotFound',
      });
    }
    return handler;
  });
  return handlerPromise;
}

process.on('message', async (message) => {
  if (message?.type !== 'invoke') return;
  offsetMs = message.offsetMs;
  const context = {
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: '$LATEST',
    invokedFunctionArn: message.functionArn,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: message.requestId,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, message.deadlineMs - RealDate.now()),
  };
  try {
    const handler = await loadHandler();
    const value = await handler(message.event, context);
    process.send({ type: 'result', id: message.id, ok: true, value: value === undefined ? null : value });
  } catch (error) {
    // The Node.js runtime reports `error.name` as errorType: Step Functions Retry/Catch match on it.
    const errorType = typeof error?.name === 'string' ? error.name : 'Error';
    process.send({
      type: 'result',
      id: message.id,
      ok: false,
      error: {
        errorType,
        errorMessage: String(error?.message ?? error),
        trace: String(error?.stack ?? '').split('\n'),
      },
    });
  }
});
process.send({ type: 'ready' });
