import type { PayloadRef } from '../lambdas/core/intake/payload-ref.js';
import type { Intent } from '../lambdas/core/intent.js';
import { ledgerPayloads } from '../lambdas/core/ledger/entry-payloads.js';
import { valuePerHour, valuePerHourPerEmployee } from '../lambdas/core/value.js';
import type { LedgerEntry } from '../lambdas/ports/ledger-store.js';
import { usd } from './format.js';

/**
 * What an intent changes, in the words a reviewer reads before deciding it: the facts `itv review` prints and
 * the console's intent page shows, composed once here so the two say the same.
 */
export interface DeclaredChange {
  intent: Intent;
  /** `Fewer late adjustments (metric post-close-adjustments, target 2)` */
  goal: string;
  /** `risk-reduced: $240,000.00 over 1 year, 9 employees` */
  valueModel: string;
  /** `reversible; on regression freeze; checks close-checklist-dry-run` */
  constraints: string;
  /** `ledger-close/close-checklist@1.0.0 (configuration)` */
  target: string;
  /** The content inline, or the reference it is held under. */
  content: { payload: Record<string, unknown> } | { payloadRef: PayloadRef };
  /** `$27.40` a declared value per hour, and per employee when the value model names them. */
  valuePerHourUsd: number;
  valuePerHourPerEmployeeUsd: number | undefined;
}

/** The intent an `intent.declared` payload holds, as its contract parses it. */
const declaredIntent = ledgerPayloads['intent.declared'].pick({ intent: true }).loose();

/**
 * The intent an `intent.declared` entry among `entries` holds, parsed as the contract says (the ledger's content is
 * read back, never cast); undefined when none was declared (an incomplete submission) or it does not parse.
 */
export function declaredChange(entries: readonly LedgerEntry[]): DeclaredChange | undefined {
  const declared = entries.find((entry) => entry.type === 'intent.declared');
  const parsed = declared ? declaredIntent.safeParse(declared.payload) : undefined;
  if (!parsed?.success) return undefined;
  const { intent } = parsed.data;
  const { goal, constraints, change } = intent;
  const model = goal.valueModel;
  const years = `${model.years} year${model.years === 1 ? '' : 's'}`;
  const growth =
    model.growth.model === 'none' ? '' : `, growth ${model.growth.model} at ${model.growth.rate}`;
  const employees = model.employeeCount === undefined ? '' : `, ${model.employeeCount} employees`;
  return {
    intent,
    goal: `${goal.outcome} (metric ${goal.metric}${goal.target === undefined ? '' : `, target ${goal.target}`})`,
    valueModel: `${model.basis}: ${usd(model.totalValueUsd)} over ${years}${employees}${growth}`,
    constraints: [
      constraints.reversibility,
      `on regression ${constraints.onRegression}`,
      constraints.checks.length > 0 ? `checks ${constraints.checks.join(', ')}` : 'no checks named',
      constraints.notBefore ? `not before ${constraints.notBefore}` : '',
      constraints.deadline ? `deadline ${constraints.deadline}` : '',
      constraints.maxRiskTier === undefined ? '' : `risk tier at most ${constraints.maxRiskTier}`,
    ]
      .filter(Boolean)
      .join('; '),
    target: changeLine(intent),
    content: change.payloadRef ? { payloadRef: change.payloadRef } : { payload: change.payload ?? {} },
    valuePerHourUsd: valuePerHour(model),
    valuePerHourPerEmployeeUsd: valuePerHourPerEmployee(model),
  };
}

/**
 * What changes, in one line: `ledger-close/close-checklist@1.0.0 (configuration)`, and the incident it fixes. A
 * schema update also names the version it registers: `launch-flags/flags@1.1.0 → 1.2.0 (schema-update)`.
 */
export function changeLine(intent: { change: Omit<Intent['change'], 'kind'> & { kind: string } }): string {
  const { service, profile, contractVersion, kind, fixes, payload } = intent.change;
  const registers =
    kind === 'schema-update' && typeof payload?.version === 'string' ? ` → ${payload.version}` : '';
  return `${service}/${profile}@${contractVersion}${registers} (${kind})${fixes ? `, fixes ${fixes}` : ''}`;
}

/** A payload as a reviewer reads it: indented JSON. */
export function payloadText(payload: Record<string, unknown>): string {
  return JSON.stringify(payload, null, 2);
}
