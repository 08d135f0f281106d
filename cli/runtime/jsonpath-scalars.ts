import { JSONPath } from 'jsonpath-plus';

/**
 * aws-local-stepfunctions evaluates every path of the state machine (InputPath, Parameters, ResultSelector, each
 * Choice rule's Variable…) with jsonpath-plus's `JSONPath({ path, json, wrap: false })`, called without `new`.
 * jsonpath-plus hands a scalar answer back by constructing and throwing an error of its own class (`NewError`),
 * which it catches at once (its `JSONPath` function). Every pipeline query answers a scalar, about 41 an intent,
 * and each error captured a stack trace nobody reads: 0.6–0.8 ms of the local pipeline's CPU per intent.
 *
 * This gives that class a base that builds no stack trace: `super()` in a derived class calls whatever its
 * prototype is when it runs, so with NewError's prototype set to a plain constructor, its errors are still
 * `instanceof Error` and still carry what jsonpath-plus reads (`avoidNew`, `value`). Only a jsonpath-plus that
 * throws such an error, of a class derived straight from Error, is changed; idempotent. The local runtime's
 * alone: the deployed stack runs the state machine in Step Functions.
 */
export function lightenScalarAnswers(): void {
  const thrown = scalarAnswerThrown();
  if (thrown === undefined) return;
  const ScalarAnswer = thrown.constructor;
  if (Object.getPrototypeOf(ScalarAnswer) === Error) Object.setPrototypeOf(ScalarAnswer, StacklessError);
}

/** What `new JSONPath(…)` throws for a scalar answer: jsonpath-plus's NewError (`avoidNew`), if it throws one. */
export function scalarAnswerThrown(): { constructor: object; avoidNew: true; stack?: string } | undefined {
  const construct = JSONPath as unknown as new (options: object) => unknown;
  try {
    new construct({ path: '$.a', json: { a: 1 }, wrap: false });
  } catch (error) {
    if ((error as { avoidNew?: unknown })?.avoidNew === true)
      return error as { constructor: object; avoidNew: true; stack?: string };
  }
  return undefined;
}

function StacklessError(this: { message: string }, message: string): void {
  this.message = message;
}
