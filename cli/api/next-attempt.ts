import { attemptOfRun, attemptRunId } from '../../lambdas/core/pipeline/attempts.js';

/** The attempt that ran a concluded intent again: its id, and who asked for it (a resubmission names nobody). */
export interface RetriedAs {
  intentId: string;
  retriedBy?: string;
}

/** An intent as `GET /intents/{id}?include=entries` answers it, as far as this reads it. */
interface IntentAnswer {
  intentId: string;
  outcome: string | null;
  entries?: Array<{ type: string; payload: unknown }>;
}

/**
 * The attempt that ran a concluded intent again, if one did: attempt n+1 of the same intent, whose declaration
 * links back to this one (`attempt.previousIntentId`). `get` reads the API (`GET` of a path, its status and body).
 */
export async function nextAttempt(
  intent: { intentId: string; outcome: string | null },
  get: (path: string) => Promise<{ status: number; body: unknown }>,
): Promise<RetriedAs | undefined> {
  if (intent.outcome === null) return undefined;
  const { intentId, number } = attemptOfRun(intent.intentId);
  const next = attemptRunId(intentId, number + 1);
  const answer = await get(`/intents/${encodeURIComponent(next)}?include=entries`);
  if (answer.status !== 200) return undefined;
  const body = answer.body as IntentAnswer;
  const declared = body.entries?.find((entry) => entry.type === 'intent.declared');
  const attempt = (
    declared?.payload as
      | { attempt?: { previousIntentId?: unknown; retriedBy?: { principal?: unknown } } }
      | undefined
  )?.attempt;
  if (attempt?.previousIntentId !== intent.intentId) return undefined;
  const retriedBy = attempt.retriedBy?.principal;
  return { intentId: body.intentId, ...(typeof retriedBy === 'string' ? { retriedBy } : {}) };
}
