import { stateKeys } from '../../lambdas/core/state-keys.js';
import type { StateStore } from '../../lambdas/ports/state-store.js';
import type { Scheduler } from './event-scheduler.js';

/** A wait for a person that parks the execution: a review, or a held release's decision. */
export type PersonWait = 'review' | 'release-decision';

export interface ParkedWait {
  intentId: string;
  wait: PersonWait;
  /** When the wait's Task times out on AWS (TimeoutSeconds from its start). */
  expiresAt: string;
}

/**
 * The executions parked at a wait for a person, each with the instant its Task's TimeoutSeconds ends it. Step
 * Functions keeps those deadlines itself; locally a parked execution is not running, so they are kept here: armed
 * on the scheduler while the process runs (it fires `onDue` once time passes the instant: the wall's, or the
 * virtual clock's when other work moves it on), and recorded in the state store (`stateKeys.parkedWait`) so the
 * next start finds the waits that expired meanwhile and arms the others again.
 */
export class ParkedWaits {
  private readonly armed = new Map<string, () => void>();
  /** What runs when a wait's deadline passes: the executions' owner resumes it into its timeout. */
  onDue: (parked: ParkedWait) => void = () => {};

  constructor(
    private readonly state: StateStore,
    private readonly scheduler: Scheduler,
  ) {}

  /** The execution of `parked.intentId` parks at the wait: recorded, and armed. */
  async park(parked: ParkedWait): Promise<void> {
    const key = stateKeys.parkedWait(parked.intentId);
    await this.state.put(key.pk, key.sk, parked);
    this.arm(parked);
  }

  /** Arms the deadline of a recorded wait (a start of the process finds it), replacing any armed before. */
  arm(parked: ParkedWait): void {
    this.armed.get(parked.intentId)?.();
    const cancel = this.scheduler.deadline(new Date(parked.expiresAt), () => {
      this.armed.delete(parked.intentId);
      this.onDue(parked);
    });
    this.armed.set(parked.intentId, cancel);
  }

  /** The execution passed the wait (decided, stopped, or timed out): no deadline is kept for it any more. */
  async leave(intentId: string): Promise<void> {
    this.armed.get(intentId)?.();
    this.armed.delete(intentId);
    const key = stateKeys.parkedWait(intentId);
    await this.state.delete(key.pk, key.sk);
  }

  /** Every wait recorded as parked, as an earlier process left them. */
  async recorded(): Promise<ParkedWait[]> {
    return (await this.state.list<ParkedWait>(stateKeys.parkedWaits().pk)).map((item) => item.data);
  }
}
