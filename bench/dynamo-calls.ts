import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { currentStage, trackStages } from '../cli/runtime/stage-scope.js';
import { DirectDynaliteClient } from '../lambdas/adapters/local/dynalite-direct.js';

/** DynamoDB calls by the Task state that made them, and by operation: `counts.get(stage).get('PutItem')`. */
export type CallCounts = Map<string, Map<string, number>>;

/**
 * Counts every call made through `client` from now on, by the stage running when it was sent (`outside` for
 * calls no stage made, e.g. the bench's own reads). It wraps `send`, not the middleware stack, because the
 * local stack's clients resolve their middleware once (`cacheMiddleware`); retries inside the SDK count once,
 * as the code asked for them.
 */
export function countDynamoCalls(client: DynamoDBClient): { counts: CallCounts; reset(): void } {
  trackStages();
  const counts: CallCounts = new Map();
  const send = client.send.bind(client) as (command: object, ...rest: unknown[]) => Promise<unknown>;
  const count = (operation: string) => {
    const stage = currentStage() ?? 'outside';
    const byOperation = counts.get(stage) ?? new Map<string, number>();
    byOperation.set(operation, (byOperation.get(operation) ?? 0) + 1);
    counts.set(stage, byOperation);
  };
  (client as { send: unknown }).send = (command: object, ...rest: unknown[]) => {
    count(command.constructor.name.replace(/Command$/, ''));
    return send(command, ...rest);
  };
  // The owner's in-process client also takes the ledger's PutItem without a Command, and answers an index's
  // partition (a Query's answer) from its range: counted as the calls they stand for.
  if (client instanceof DirectDynaliteClient) {
    const putItem = client.putItem.bind(client);
    client.putItem = (input) => {
      count('PutItem');
      return putItem(input);
    };
    const indexPartition = client.indexPartition.bind(client);
    client.indexPartition = (...args) => {
      count('Query');
      return indexPartition(...args);
    };
  }
  return { counts, reset: () => counts.clear() };
}

/** Lines of calls per intent by stage, largest first, with each stage's operations. */
export function callsPerIntent(counts: CallCounts, intents: number): string[] {
  const perStage = [...counts]
    .filter(([stage]) => stage !== 'outside')
    .map(([stage, ops]) => ({ stage, ops, total: [...ops.values()].reduce((a, b) => a + b, 0) }))
    .sort((a, b) => b.total - a.total);
  const total = perStage.reduce((sum, { total }) => sum + total, 0);
  const per = (n: number) => (n / intents).toFixed(1);
  return [
    `  DynamoDB calls per intent      ${per(total)}   (counted over ${intents} further intents)`,
    ...perStage.map(
      ({ stage, ops, total }) =>
        `    ${stage.padEnd(22)} ${per(total).padStart(5)}   ${[...ops]
          .sort((a, b) => b[1] - a[1])
          .map(([op, n]) => `${op} ${per(n)}`)
          .join(', ')}`,
    ),
  ];
}
