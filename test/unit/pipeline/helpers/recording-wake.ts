import type { LaneWake } from '../../../../lambdas/ports/lane-wake.js';

/** Task tokens sent back, as Step Functions takes them: each token resumes its park once. */
export function recordingWake(): LaneWake & { woken: string[] } {
  const woken: string[] = [];
  return {
    woken,
    async wake(token) {
      if (woken.includes(token)) return 'gone';
      woken.push(token);
      return 'woken';
    },
  };
}
