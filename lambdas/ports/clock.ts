/** Time comes in through this port so the core stays pure and the local runtime can run on virtual time. */
export interface Clock {
  now(): Date;
}

/** A source of unique ids (deployment ids, execution names). */
export interface IdSource {
  next(prefix: string): string;
}
