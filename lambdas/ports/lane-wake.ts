/** Resumes an execution parked on a task token: waiting for its lane (AwaitLane) or its due instant (AwaitDue). */
export interface LaneWake {
  /**
   * Sends the token back, so the execution re-checks its admission. `gone` when no wait takes it any more: it
   * timed out, or an earlier wake already resumed it.
   */
  wake(token: string): Promise<'woken' | 'gone'>;
}
