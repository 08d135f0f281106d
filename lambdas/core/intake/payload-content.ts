import { createHash } from 'node:crypto';
import type { DoorIssue } from './door-issue.js';
import { jsonTextIssues } from './json-text.js';
import { payloadLimits } from './limits.js';
import type { PayloadRef } from './payload-ref.js';
import type { SecretFinding } from './secret-scan.js';
import { walkJson } from './walk-json.js';

export interface CheckedPayload {
  /** Empty when the content may be stored, referenced and released. */
  issues: DoorIssue[];
  secrets: SecretFinding[];
  /** The reference that names these bytes. */
  ref: PayloadRef;
  /** The parsed JSON object, when there are no issues. */
  content?: Record<string, unknown>;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The door's checks on a payload's bytes, whether uploaded (`POST /payloads`) or fetched for a reference: at
 * most `payloadLimits.bytes`, UTF-8 JSON holding an object, and every check an inline payload gets (nesting,
 * sizes, finite numbers, reserved keys, secrets), its fields named as `change.payload.…`.
 */
export function checkPayloadBytes(bytes: Uint8Array, salt: string): CheckedPayload {
  const ref: PayloadRef = {
    sha256: createHash('sha256').update(bytes).digest('hex'),
    size: bytes.byteLength,
    mediaType: 'application/json',
  };
  const refuse = (message: string): CheckedPayload => ({
    issues: [{ path: 'change.payload', message: `change.payload: ${message}` }],
    secrets: [],
    ref,
  });
  if (bytes.byteLength > payloadLimits.bytes) {
    return refuse(
      `is ${bytes.byteLength} bytes; a payload by reference may hold at most ${payloadLimits.bytes} bytes (AppConfig's hosted configuration quota)`,
    );
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch (error) {
    return refuse(`is not UTF-8 (${(error as Error).message})`);
  }
  let content: unknown;
  try {
    content = JSON.parse(text);
  } catch (error) {
    const documents = jsonLines(text);
    if (documents !== undefined) {
      return refuse(
        `is not one JSON document: it holds ${documents}, one a line (JSON Lines?); a payload is one JSON object`,
      );
    }
    return refuse(`is not JSON (${(error as Error).message})`);
  }
  if (content === null || typeof content !== 'object' || Array.isArray(content)) {
    return refuse('must be a JSON object: profile content is an object of keys');
  }
  const walked = walkJson(content, salt, { segments: ['change', 'payload'], depth: 2 });
  const issues = [...walked.unsafe, ...walked.oversize, ...jsonTextIssues(text, ['change', 'payload'])];
  if (issues.length > 0) return { issues, secrets: walked.secrets, ref };
  return { issues: [], secrets: [], ref, content: content as Record<string, unknown> };
}

/** How many JSON documents `text` holds one a line, when it is JSON Lines of at least two; else undefined. */
function jsonLines(text: string): number | undefined {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  if (lines.length < 2) return undefined;
  for (const line of lines) {
    try {
      JSON.parse(line);
    } catch {
      return undefined;
    }
  }
  return lines.length;
}
