import { evaluatePolicy } from '../policy/index.js';
import { validateStructure } from '../structure.js';
import { type PipelineDeps, record } from './deps.js';
import { stateKeys } from './keys.js';
import { declaredIntent } from './parsed-intent.js';
import { type PipelineState, type VerificationResult, verificationResultSchema } from './state.js';

interface CheckRecord {
  passed: boolean;
  detail: string;
}

/**
 * Stage 5: automated checks. Contract validation and the policy set run here again against the signed
 * decision's inputs; checks the intent names read the results CI attached to the intent or posted since. Gates are progressive: a fail-fast
 * gate (high tiers) fails on a missing result, an auto-continue gate (low tiers) records it and goes on.
 */
export async function verify(state: PipelineState, deps: PipelineDeps): Promise<VerificationResult> {
  const { intent, intentId } = declaredIntent(state);
  const admission = state.admission;
  if (!admission) throw new Error('Verify needs the admission result');
  const service = deps.catalog.services[intent.change.service];
  if (!service) throw new Error(`service ${intent.change.service} is not in the catalog`);
  const structure = validateStructure(intent, deps.catalog);
  const policy = evaluatePolicy({ intent, service, catalog: deps.catalog, now: deps.clock.now() });
  const results: VerificationResult['results'] = [
    {
      check: 'contract',
      passed: structure.verdict === 'valid',
      detail: `payload against ${intent.change.service}/${intent.change.profile}@${intent.change.contractVersion}: ${structure.verdict}`,
    },
    {
      check: 'policy-set',
      passed: policy.verdict === 'allow',
      detail:
        policy.verdict === 'allow'
          ? `${policy.results.length} rules, none failed`
          : `failed: ${policy.failed.map((r) => r.rule).join(', ')}`,
    },
  ];
  for (const check of intent.constraints.checks) {
    const { pk } = stateKeys.review(intentId);
    const posted = await deps.state.get<CheckRecord>(pk, `CHECK#${check}`);
    const attached = intent.testResults.find((result) => result.check === check);
    if (posted) {
      results.push({ check, passed: posted.data.passed, detail: posted.data.detail });
    } else if (attached) {
      results.push({
        check,
        passed: attached.passed,
        detail: attached.detail || (attached.url ?? 'attached by CI'),
      });
    } else if (admission.gate === 'fail-fast') {
      results.push({
        check,
        passed: false,
        detail: 'no result posted; a fail-fast gate does not continue without it',
      });
    } else {
      results.push({ check, passed: true, detail: 'no result posted yet; auto-continue gate for this tier' });
    }
  }
  const result: VerificationResult = {
    passed: results.every((r) => r.passed),
    requiresReview: admission.requiresReviewer,
    results,
  };
  const stored = await record(deps, intentId, result.passed ? 'verification.passed' : 'verification.failed', {
    gate: admission.gate,
    ...result,
  });
  return verificationResultSchema.parse(stored.entry.payload);
}
