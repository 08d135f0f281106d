/**
 * The reason a person's stop gives the release it stops or holds, written where CheckRelease, a held release's
 * decision and the stop route record it, and matched by the status that tells it once:
 * `{by: 'alice', reason: 'wrong audience'}` → `stopped by alice: wrong audience`.
 */
export function personStopReason(stop: { by: string; reason: string }): string {
  return `stopped by ${stop.by}: ${stop.reason}`;
}
