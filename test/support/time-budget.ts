/**
 * Time limits that scale with the work a test does, not with how fast the machine happens to be: a limit is
 * there to catch a hang, so it is the size of the work times a generous budget per unit. One intent through
 * the eight stages on the embedded stack takes about a second on 2 idle cores and ten or more on a busy
 * machine (another suite or `stress --cpu 2` alongside); the budget allows 30 s. A limit hit while the work
 * goes on leaves it running after its file ends, where it fails the next files of the same worker: too
 * tight a limit costs far more than a hang that takes a few minutes to report.
 */
export const perIntentMs = 30_000;

/** Opening and closing an embedded stack (dynalite, tables, signer key) or a server. */
export const setupMs = 30_000;

/** The limit for work that carries `intents` intents through the pipeline. */
export function intentsBudgetMs(intents: number): number {
  return setupMs + intents * perIntentMs;
}

/**
 * One append on dynalite is three or four requests (head, marker, entry) at about 300 conditional writes a
 * second on 2 idle cores, so about 15 ms; the budget allows 250 ms.
 */
export const perAppendMs = 250;

/** The limit for work that makes `appends` ledger appends on dynalite (or `appends` calls of like weight). */
export function appendsBudgetMs(appends: number): number {
  return setupMs + appends * perAppendMs;
}
