import { createRequire } from 'node:module';
import * as modeledErrors from '@aws-sdk/client-dynamodb';
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  DeleteItemCommand,
  DynamoDBClient,
  type DynamoDBClientConfig,
  DynamoDBServiceException,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { memoiseExpressionParsers } from './dynalite-expressions.js';
import { keepingTables } from './dynalite-tables.js';
import { fromTheWire, onTheWire } from './dynalite-wire.js';
import { StoreHealth } from './store-failure.js';

/** dynalite's store: opaque here, handed back to its own validations and actions. */
export type DynaliteStore = object;

type Action = (store: DynaliteStore, data: unknown, done: (error: unknown, result?: unknown) => void) => void;
interface ActionValidation {
  types: unknown;
  custom?: unknown;
}
interface Validations {
  checkTypes(data: unknown, types: unknown): unknown;
  checkValidations(data: unknown, types: unknown, custom: unknown, store: DynaliteStore): void;
}

const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
const validations = fromDynalite('./validations') as Validations;
const expressionParsers = [fromDynalite('./db/conditionParser'), fromDynalite('./db/updateParser')];

/**
 * The item operations itv's adapters send, and dynalite's action and request validation for each — the very
 * modules dynalite's HTTP handler calls (dynalite/index.js: `checkTypes`, `checkValidations`, then the action).
 */
const itemOperations = new Map<unknown, { action: Action; validation: ActionValidation }>(
  (
    [
      [GetItemCommand, 'getItem'],
      [PutItemCommand, 'putItem'],
      [UpdateItemCommand, 'updateItem'],
      [DeleteItemCommand, 'deleteItem'],
      [QueryCommand, 'query'],
      [ScanCommand, 'scan'],
      [BatchGetItemCommand, 'batchGetItem'],
      [BatchWriteItemCommand, 'batchWriteItem'],
    ] as const
  ).map(([command, name]) => [
    command,
    {
      action: fromDynalite(`./actions/${name}`) as Action,
      validation: fromDynalite(`./validations/${name}`) as ActionValidation,
    },
  ]),
);

/**
 * A DynamoDB client for the process that owns a dynalite store: item operations (the calls every stage makes)
 * go straight to dynalite's request validation and action, as its HTTP handler would run them, without the
 * SDK's middleware and the request's serialization both ways. Anything else (creating and describing tables)
 * goes through the SDK as usual, with `config` (the owner's in-process request handler).
 *
 * What the adapters see is what the SDK would hand them: the request is the command's input as JSON (what the
 * SDK puts on the wire; binary values in base64), the answer the action's result as JSON with binary values
 * decoded, plus `$metadata`; a refusal is thrown as the SDK throws it — the modeled exception class for its
 * `__type` (`ConditionalCheckFailedException`, `ResourceNotFoundException`, …) or a `DynamoDBServiceException`
 * named for it (`ValidationException`), with the message, `$fault` and the HTTP status dynalite gives it.
 * What differs from a call through the SDK: no retries (dynalite never throttles, and a refusal is final) and
 * no middleware (count calls by wrapping `send`, as bench/dynamo-calls.ts does).
 */
export class DirectDynaliteClient extends DynamoDBClient {
  /** `health` is shared by every client of the store: one that failed a write fails every call after it. */
  /** The store as item operations see it: each table's description kept (`keepingTables`). */
  private readonly store: DynaliteStore;

  constructor(
    store: DynaliteStore,
    config: DynamoDBClientConfig,
    private readonly health: StoreHealth = new StoreHealth('dynalite'),
  ) {
    super(config);
    this.store = keepingTables(store);
    // dynalite's parsers are modules of its own: kept parses serve any dynalite in this process.
    memoiseExpressionParsers(expressionParsers);
  }

  // biome-ignore lint/suspicious/noExplicitAny: the SDK's overloaded send, passed through unchanged.
  override send(command: any, ...rest: any[]): any {
    const operation = itemOperations.get(command.constructor);
    if (operation === undefined) return super.send(command, ...rest);
    const callback = typeof rest.at(-1) === 'function' ? rest.at(-1) : undefined;
    const answer = this.call(operation, command.input);
    if (callback === undefined) return answer;
    answer.then((output) => callback(null, output), callback);
  }

  private call(
    { action, validation }: { action: Action; validation: ActionValidation },
    input: unknown,
  ): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      let data: unknown;
      try {
        this.health.check();
        data = validations.checkTypes(onTheWire(input), validation.types);
        validations.checkValidations(data, validation.types, validation.custom, this.store);
      } catch (error) {
        reject(refusal(error));
        return;
      }
      action(this.store, data, (error, result) => {
        if (error) reject(refusal(this.health.observe(error)));
        else
          resolve({
            ...(result === undefined ? {} : (fromTheWire(result) as Record<string, unknown>)),
            $metadata: { httpStatusCode: 200, attempts: 1, totalRetryDelay: 0 },
          });
      });
    });
  }
}

/** dynalite's refusal (`statusCode`, `body.__type`, `body.message`) as the SDK would throw it. */
function refusal(error: unknown): unknown {
  const failure = error as {
    statusCode?: number;
    body?: { __type?: string; message?: string; Message?: string };
  };
  if (failure?.statusCode === undefined || failure.body === undefined) return error;
  const name = (failure.body.__type ?? 'UnknownError').split('#').pop() ?? 'UnknownError';
  const message = failure.body.message ?? failure.body.Message ?? name;
  const modeled = (modeledErrors as Record<string, unknown>)[name];
  const Exception =
    typeof modeled === 'function' && modeled.prototype instanceof DynamoDBServiceException
      ? (modeled as new (
          options: object,
        ) => DynamoDBServiceException)
      : undefined;
  const metadata = { httpStatusCode: failure.statusCode, attempts: 1, totalRetryDelay: 0 };
  const fault = failure.statusCode >= 500 ? 'server' : 'client';
  if (Exception) {
    const thrown = new Exception({ message, $metadata: metadata });
    return Object.assign(thrown, { message, __type: failure.body.__type });
  }
  return Object.assign(new DynamoDBServiceException({ name, $fault: fault, $metadata: metadata, message }), {
    __type: failure.body.__type,
  });
}
