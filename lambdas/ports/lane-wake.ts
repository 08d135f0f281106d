/**
 * Resumes an execution parked on a task token: waiting for its lane (AwaitLane), its due instant (AwaitDue) or
 * the results of its checks (AwaitChecks).
 */
export interface LaneWake {
  /**
   * Sends the token back, so the execution re-checks what it waited for. `gone` when no wait takes it any more: it
   * timed out, or an earlier wake already resumed it.
   */
  wake(token: string): Promise<'woken' | 'gone'>;
}
