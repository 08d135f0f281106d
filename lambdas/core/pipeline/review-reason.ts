/**
 * Why a rejection without a reason is refused: the seed's evidence wants a decision's rationale, and the requester
 * has nothing to act on without one. Every entry point (CLI, API, console) refuses it with these words.
 */
export const rejectionReasonRequired =
  'is required to reject: the rejection is recorded on the ledger with it, for the requester to act on';

/** Whether a review's decision lacks the reason it needs: a rejection says why; an approval may not. */
export function lacksRequiredReason(decision: 'approved' | 'rejected', reason: string | undefined): boolean {
  return decision === 'rejected' && !reason?.trim();
}
