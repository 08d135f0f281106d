import { SendTaskSuccessCommand, type SFNClient, TaskDoesNotExist, TaskTimedOut } from '@aws-sdk/client-sfn';
import type { LaneWake } from '../../ports/lane-wake.js';

/**
 * Wakes an execution parked in AwaitLane, AwaitDue or AwaitChecks by sending its task token back; the state after
 * each park (AdmitPolicy, Verify) reads what it waited for, not this output.
 */
export class SfnLaneWake implements LaneWake {
  constructor(private readonly client: SFNClient) {}

  async wake(token: string): Promise<'woken' | 'gone'> {
    try {
      await this.client.send(
        new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ clear: false }) }),
      );
      return 'woken';
    } catch (error) {
      // TaskTimedOut: "the task token has either expired or the task associated with the token has already
      // been closed" (Step Functions API reference): the park ended by itself, or an earlier wake resumed it.
      if (error instanceof TaskTimedOut || error instanceof TaskDoesNotExist) return 'gone';
      throw error;
    }
  }
}
