import { loadCatalog } from '../../../catalog/index.js';
import type { IntakeDeps } from '../../api/submission.js';
import { requiredEnv } from '../env.js';
import { dynamoLedgerReader, dynamoState } from './dynamodb.js';
import { onFirstUse } from './on-first-use.js';

/**
 * What the functions that start intents use (`submit-intent`, `intake-event`): the catalog, the state table
 * (delegations, attempts) and the ledger, read to tell whether an intent's attempt ended unreleased.
 */
export function intakeDeps(env: NodeJS.ProcessEnv): IntakeDeps {
  let ledgerName: string | undefined;
  return {
    catalog: loadCatalog(),
    state: onFirstUse(() => dynamoState(env)),
    ledger: onFirstUse(() => dynamoLedgerReader(env)),
    get ledgerName() {
      ledgerName ??= requiredEnv('ITV_LEDGER_NAME', env);
      return ledgerName;
    },
  };
}
