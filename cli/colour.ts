/** ANSI foreground colours, each with the code that ends it. */
const codes = { green: 32, red: 31, yellow: 33, dim: 2 } as const;
export type Colour = keyof typeof codes;

/**
 * Colour only where a person reads it: on a terminal, unless NO_COLOR asks for none (https://no-color.org:
 * set and not empty) or the terminal says it cannot (TERM=dumb). Piped output and logs stay plain text.
 */
export function colourEnabled(
  stream: { isTTY?: boolean } = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  return stream.isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb';
}

/** `text` in `colour` when `enabled` (default: stdout may be coloured), else as it is. */
export function paint(text: string, colour: Colour, enabled: boolean = colourEnabled()): string {
  if (!enabled) return text;
  const end = colour === 'dim' ? 22 : 39;
  return `\u001b[${codes[colour]}m${text}\u001b[${end}m`;
}

/** The colour of an intent's status: green released, red ended without releasing, yellow on its way. */
export function statusColour(status: { status: string; outcome: string | null }): Colour {
  if (status.outcome === 'released') return 'green';
  if (status.outcome !== null || status.status === 'failed') return 'red';
  return 'yellow';
}
