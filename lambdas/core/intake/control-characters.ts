/*
 * Text an intent or a person's reason carries is shown on terminals and pages long after it was recorded. A
 * control character in it is an instruction to the terminal, not text: ESC starts a sequence that can recolour,
 * erase or retitle, CR returns to the line's start to overwrite it, and a bidirectional override reorders what
 * follows. So the door refuses them, and the CLI escapes any that an earlier entry carries.
 */

/**
 * C0 controls, DEL, C1 controls, and Unicode's bidirectional formatting characters (the marks, embeddings,
 * overrides and isolates: U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069).
 */
export function isControlCharacter(code: number): boolean {
  return (
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x061c ||
    code === 0x200e ||
    code === 0x200f ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  );
}

const codePoint = (code: number) => `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * Why `text` may not be recorded, or undefined. A `multiline` text (an outcome, a detail, a reason) may break its
 * lines with LF or CRLF and hold tabs; no other text may hold any control character.
 *
 * @example controlCharacterReason('EU\u001b[2J') // 'holds the control character U+001B at character 3: …'
 */
export function controlCharacterReason(text: string, multiline = false): string | undefined {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (!isControlCharacter(code)) continue;
    if (multiline && (code === 0x0a || code === 0x09)) continue;
    if (multiline && code === 0x0d && text.charCodeAt(index + 1) === 0x0a) continue;
    const allowed = multiline ? ' (but line breaks and tabs)' : '';
    return `holds the control character ${codePoint(code)} at character ${index + 1}: text shown on terminals and pages may hold no control character${allowed} — C0, DEL, C1 or bidirectional formatting — which would rewrite what a reader sees`;
  }
  return undefined;
}

/**
 * `text` with every control character written out as `\u001b`, for a terminal: what an entry recorded before the
 * door refused them holds is shown, never obeyed. Line breaks are escaped too, so one field stays on one line.
 *
 * @example escapeControlCharacters('EU\u001b[2J') // 'EU\\u001b[2J'
 */
export function escapeControlCharacters(text: string): string {
  let escaped = '';
  for (const char of text) {
    const code = char.charCodeAt(0);
    escaped += isControlCharacter(code) ? `\\u${code.toString(16).padStart(4, '0')}` : char;
  }
  return escaped;
}

/**
 * How the door reads a string at `segments` of an intent: the payload is configuration content, not text shown
 * (`content`); the outcome and a test result's detail are prose that may span lines (`lines`); the rest is one
 * line each (`line`).
 */
export function textRuleAt(segments: ReadonlyArray<string | number>): 'content' | 'line' | 'lines' {
  const [first, second, third] = segments;
  if (first === 'change' && second === 'payload') return 'content';
  if (first === 'goal' && second === 'outcome') return 'lines';
  if (first === 'testResults' && third === 'detail') return 'lines';
  return 'line';
}
