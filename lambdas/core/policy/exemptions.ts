import * as z from 'zod';
import type { PolicyEvaluation } from './types.js';

/**
 * What an `exempted` rule result records of the exemption that let the change through (`context.exemption`):
 * which kind, declared by whom, for what incident. The engine reads it without knowing any rule.
 */
export const policyExemptionSchema = z.object({
  rule: z.string(),
  kind: z.string(),
  by: z.string(),
  role: z.string().optional(),
  team: z.string().optional(),
  fixes: z.string().optional(),
});

export type PolicyExemption = z.infer<typeof policyExemptionSchema>;

const exemptionContext = policyExemptionSchema.omit({ rule: true }).loose();

/** Whether an `exempted` result records its exemption: who declared it, of what kind. */
export function recordsExemption(context: Record<string, unknown>): boolean {
  return exemptionContext.safeParse(context.exemption).success;
}

/**
 * The exemptions an evaluation granted, one per `exempted` result (`evaluatePolicy` has made any that records
 * none non-compliant).
 * Example: the freeze rule's break-glass → `[{ rule: 'operational-freeze-window', kind: 'emergency-fix', by: 'alice', fixes: 'INC-4711', … }]`.
 */
export function exemptionsOf(evaluation: Pick<PolicyEvaluation, 'results'>): PolicyExemption[] {
  return evaluation.results.flatMap((result) => {
    // Only an exempted result is read: parsing every result's context first made a refusal (a ZodError and its
    // issues) for each of the others, at every decision.
    if (result.status !== 'exempted') return [];
    const parsed = exemptionContext.safeParse(result.context.exemption);
    if (!parsed.success) return [];
    const { kind, by, role, team, fixes } = parsed.data;
    return {
      rule: result.rule,
      kind,
      by,
      ...(role ? { role } : {}),
      ...(team ? { team } : {}),
      ...(fixes ? { fixes } : {}),
    };
  });
}
