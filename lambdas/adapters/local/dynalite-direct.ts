// Before any module of dynalite's is loaded (see the module).
import './dynalite-memory-encoding.js';
import { createRequire } from 'node:module';
import * as modeledErrors from '@aws-sdk/client-dynamodb';
import {
  type AttributeValue,
  BatchGetItemCommand,
  BatchWriteItemCommand,
  DeleteItemCommand,
  DynamoDBClient,
  type DynamoDBClientConfig,
  DynamoDBServiceException,
  GetItemCommand,
  PutItemCommand,
  type PutItemCommandInput,
  QueryCommand,
  ScanCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { memoiseExpressionParsers } from './dynalite-expressions.js';
import { keepingTables } from './dynalite-tables.js';
import { typedRequest } from './dynalite-types.js';
import { fromTheWire, onTheWire } from './dynalite-wire.js';
import { StoreHealth } from './store-failure.js';

/** dynalite's store: opaque here, handed back to its own validations and actions. */
export type DynaliteStore = object;

type Action = (store: DynaliteStore, data: unknown, done: (error: unknown, result?: unknown) => void) => void;
interface ActionValidation {
  types: object;
  custom?: unknown;
}
interface Validations {
  checkTypes(data: unknown, types: unknown): unknown;
  checkValidations(data: unknown, types: unknown, custom: unknown, store: DynaliteStore): void;
}

const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
const validations = fromDynalite('./validations') as Validations;
const expressionParsers = [fromDynalite('./db/conditionParser'), fromDynalite('./db/updateParser')];
/** dynalite's key encodings (dynalite/db/index.js), which name every item's place in its LevelDB. */
const keys = fromDynalite('./db') as {
  hashPrefix(value: string, type: 'S'): string;
  toRangeStr(value: string, type: 'S'): string;
  validationError(message: string): unknown;
};

/** The parts of the store `indexPartition` reads: its table lookup and its LevelDB. */
interface IndexedStore {
  getTable(name: string, done: (error: unknown, table?: TableDescription) => void): void;
  db: {
    values(range: { gte: string; lt: string }): { all(): Promise<Array<Record<string, AttributeValue>>> };
  };
}
interface TableDescription {
  GlobalSecondaryIndexes?: Array<{
    IndexName: string;
    KeySchema: Array<{ AttributeName: string; KeyType: string }>;
  }>;
  AttributeDefinitions: Array<{ AttributeName: string; AttributeType: string }>;
}

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

const putItem = itemOperations.get(PutItemCommand) as { action: Action; validation: ActionValidation };

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

  /**
   * `send(new PutItemCommand(input))`, the same call and answer, without the Command: the SDK builds a middleware
   * stack for each Command, which this client never runs. For the hottest write there is, the ledger's append.
   */
  putItem(input: PutItemCommandInput): Promise<Record<string, unknown>> {
    return this.call(putItem, input);
  }

  /**
   * Every item in the partition `value` of the global secondary index `indexName` (its partition key a string), in
   * the index's order: what a Query of that partition answers, all pages together, read from the very LevelDB range
   * dynalite's Query reads, without its request validation, expression parsing and streams (a tenth of the time, or
   * less). The items are the index's own: read them, never change them. A table or index that does not exist is
   * refused as the Query would refuse it.
   */
  indexPartition(
    tableName: string,
    indexName: string,
    value: string,
  ): Promise<Array<Record<string, AttributeValue>>> {
    const store = this.store as IndexedStore;
    return new Promise((resolve, reject) => {
      try {
        this.health.check();
      } catch (error) {
        reject(error);
        return;
      }
      store.getTable(tableName, (error, table) => {
        const refused = error ?? (table === undefined ? undefined : stringPartitionKey(table, indexName));
        if (refused) {
          reject(refusal(refused));
          return;
        }
        store.db
          .values(indexRange(tableName, indexName, value))
          .all()
          .then(resolve, (failure: unknown) => reject(refusal(this.health.observe(failure))));
      });
    });
  }

  private call(
    { action, validation }: { action: Action; validation: ActionValidation },
    input: unknown,
  ): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      let data: unknown;
      try {
        this.health.check();
        const wire = onTheWire(input);
        data = typedRequest(wire, validation.types) ?? validations.checkTypes(wire, validation.types);
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

/** The range of dynalite's LevelDB that holds one partition of a global secondary index, from its first key. */
function indexRange(tableName: string, indexName: string, value: string): { gte: string; lt: string } {
  // dynalite's getIndexDb names the index's keys `index-global~TABLE~INDEX~`, and its Query reads one partition
  // from `hashPrefix(value)/toRangeStr(value)/` up to `~` (dynalite/actions/query.js).
  const gte = `index-global~${tableName}~${indexName}~${keys.hashPrefix(value, 'S')}/${keys.toRangeStr(value, 'S')}/`;
  return { gte, lt: `${gte}~` };
}

/** The index's partition key when it is a string attribute; otherwise the refusal a Query would give. */
function stringPartitionKey(table: TableDescription, indexName: string): unknown {
  const index = table.GlobalSecondaryIndexes?.find((candidate) => candidate.IndexName === indexName);
  if (index === undefined)
    return keys.validationError(`The table does not have the specified index: ${indexName}`);
  const hash = index.KeySchema.find((key) => key.KeyType === 'HASH')?.AttributeName;
  const type = table.AttributeDefinitions.find(
    (definition) => definition.AttributeName === hash,
  )?.AttributeType;
  return type === 'S'
    ? undefined
    : keys.validationError(
        'One or more parameter values were invalid: Condition parameter type does not match schema type',
      );
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
