import type { ClockAccount } from '../core/ledger/checkpoint.js';

/** Time comes in through this port so the core stays pure and the local runtime can run on virtual time. */
export interface Clock {
  now(): Date;
  /**
   * What this clock is — the wall's time or a virtual clock, where it started — as signed checkpoints state it.
   * A clock without it leaves checkpoints silent on the matter, as they were before.
   */
  account?(): ClockAccount;
}

/** A source of unique ids (deployment ids, execution names). */
export interface IdSource {
  next(prefix: string): string;
}
