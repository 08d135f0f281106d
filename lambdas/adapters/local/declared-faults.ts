import * as z from 'zod';
import { simulationSchema } from '../../core/intent.js';
import type { LedgerStore } from '../../ports/ledger-store.js';
import type { FaultSource } from './simulated-deployment.js';

const declaredEntry = z.object({ intent: z.object({ simulation: simulationSchema.optional() }) });

/**
 * The fault each intent declared in its `simulation` block, read back from its `intent.declared` ledger
 * entry: the local runtime shows it in the synthetic telemetry, while the release port carries no
 * simulation concept and AWS never sees one.
 */
export function declaredFaults(ledger: LedgerStore, ledgerName: string): FaultSource {
  return async (intentId) => {
    const entries = await ledger.forIntent(ledgerName, intentId);
    const declared = entries.find((stored) => stored.entry.type === 'intent.declared');
    const parsed = declaredEntry.safeParse(declared?.entry.payload);
    return parsed.success ? parsed.data.intent.simulation?.fault : undefined;
  };
}
