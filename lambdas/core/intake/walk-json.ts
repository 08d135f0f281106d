import { controlCharacterReason, textRuleAt } from './control-characters.js';
import { namesCredential } from './credential-key.js';
import { type DoorIssue, pathOf } from './door-issue.js';
import { intentLimits, reservedKeys } from './limits.js';
import { findSecretIn, type SecretFinding, secretReason } from './secret-scan.js';

/**
 * What one walk over untrusted JSON finds. `unsafe` issues mean the value must not be parsed further, hashed
 * or stored (too deep, not JSON, a reserved key, a secret, a control character in text shown); `oversize` issues are limits a field of the
 * contract may name more precisely.
 */
export interface WalkResult {
  unsafe: DoorIssue[];
  oversize: DoorIssue[];
  secrets: SecretFinding[];
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Enough issues to fix a submission by; the rest are counted, so an answer stays small whatever came in. */
const MAX_ISSUES = 20;

interface Pending {
  value: unknown;
  segments: Array<string | number>;
  depth: number;
  /** Under a credential-named key, at any depth (`password`, `password[0]`, `password.value`): text there is one. */
  credential: boolean;
}

/**
 * Walks a value without recursion (so no input can exhaust the stack), checking every limit of
 * `intentLimits` but the total size, and scanning every key and string for secrets with `salt`. `at` places
 * the value inside an intent (a payload by reference is walked as `change.payload`, two levels deep).
 */
export function walkJson(
  root: unknown,
  salt: string,
  at: { segments: Array<string | number>; depth: number } = { segments: [], depth: 0 },
): WalkResult {
  const result: WalkResult = { unsafe: [], oversize: [], secrets: [] };
  let dropped = 0;
  const report = (list: DoorIssue[], segments: Array<string | number>, message: string) => {
    if (result.unsafe.length + result.oversize.length >= MAX_ISSUES) {
      dropped += 1;
      return;
    }
    const path = pathOf(segments);
    list.push({ path, message: `${path || 'intent'}: ${message}` });
  };
  const credential = at.segments.some((segment) => typeof segment === 'string' && namesCredential(segment));
  const stack: Pending[] = [{ value: root, segments: at.segments, depth: at.depth, credential }];
  while (stack.length > 0) {
    const pending = stack.pop() as Pending;
    const { value, segments, depth } = pending;
    if (typeof value === 'string') {
      checkString(value, pending, salt, result, report);
    } else if (typeof value === 'number') {
      if (!Number.isFinite(value)) {
        report(
          result.unsafe,
          segments,
          `must be a finite number, not ${value} (JSON numbers beyond ±1.8e308 are refused)`,
        );
      }
    } else if (value === null || typeof value === 'boolean') {
      // JSON's other scalars carry nothing to check.
    } else if (Array.isArray(value) || isPlainObject(value)) {
      if (depth >= intentLimits.depth) {
        report(
          result.unsafe,
          segments,
          `nests ${depth + 1 + nesting(value)} levels deep; an intent may nest at most ${intentLimits.depth}`,
        );
        continue;
      }
      pushChildren(value, pending, salt, stack, result, report);
    } else {
      report(result.unsafe, segments, `is not JSON (${typeof value})`);
    }
  }
  if (dropped > 0) {
    result.oversize.push({ path: '', message: `intent: ${dropped} more issues of the kinds above` });
  }
  return result;
}

type Report = (list: DoorIssue[], segments: Array<string | number>, message: string) => void;

function checkString(
  value: string,
  { segments, credential }: Pending,
  salt: string,
  result: WalkResult,
  report: Report,
): void {
  if (LONE_SURROGATE.test(value)) {
    report(
      result.unsafe,
      segments,
      'holds a lone UTF-16 surrogate, which has no UTF-8 form (RFC 8785 refuses it)',
    );
    return;
  }
  const rule = textRuleAt(segments);
  const control = rule === 'content' ? undefined : controlCharacterReason(value, rule === 'lines');
  if (control) {
    report(result.unsafe, segments, control);
    return;
  }
  const finding = findSecretIn(value, pathOf(segments), salt, credential);
  if (finding) {
    result.secrets.push(finding);
    report(result.unsafe, segments, secretReason(finding));
    return;
  }
  if (value.length > intentLimits.stringLength) {
    report(
      result.oversize,
      segments,
      `is ${value.length} characters long; a string may hold at most ${intentLimits.stringLength}`,
    );
  }
}

function pushChildren(
  value: unknown[] | Record<string, unknown>,
  { segments, depth, credential }: Pending,
  salt: string,
  stack: Pending[],
  result: WalkResult,
  report: Report,
): void {
  if (Array.isArray(value)) {
    if (value.length > intentLimits.arrayLength) {
      report(
        result.oversize,
        segments,
        `has ${value.length} items; an array may hold at most ${intentLimits.arrayLength}`,
      );
      return;
    }
    for (let index = value.length - 1; index >= 0; index -= 1) {
      stack.push({ value: value[index], segments: [...segments, index], depth: depth + 1, credential });
    }
    return;
  }
  const keys = Object.keys(value);
  if (keys.length > intentLimits.objectKeys) {
    report(
      result.oversize,
      segments,
      `has ${keys.length} keys; an object may hold at most ${intentLimits.objectKeys}`,
    );
    return;
  }
  for (let index = keys.length - 1; index >= 0; index -= 1) {
    const key = keys[index] as string;
    // A key that cannot be shown safely is named by its position instead.
    const shown = [...segments, `{key ${index}}`];
    if (LONE_SURROGATE.test(key)) {
      report(result.unsafe, shown, 'key holds a lone UTF-16 surrogate, which has no UTF-8 form');
      continue;
    }
    const control = textRuleAt(shown) === 'content' ? undefined : controlCharacterReason(key);
    if (control) {
      report(result.unsafe, shown, `key ${control}`);
      continue;
    }
    const finding = findSecretIn(key, pathOf(shown), salt);
    if (finding) {
      result.secrets.push(finding);
      report(result.unsafe, shown, `key ${secretReason(finding)}`);
      continue;
    }
    if (key.length > intentLimits.keyLength) {
      report(
        result.oversize,
        shown,
        `key is ${key.length} characters long; a key may hold at most ${intentLimits.keyLength}`,
      );
      continue;
    }
    if (reservedKeys.has(key)) {
      report(
        result.unsafe,
        [...segments, key],
        `"${key}" is reserved: JavaScript objects would take it for their prototype and drop it, so it is refused rather than lost`,
      );
      continue;
    }
    // An undefined property is absent, as in the JSON an in-process caller's object stands for.
    if (value[key] === undefined) continue;
    stack.push({
      value: value[key],
      segments: [...segments, key],
      depth: depth + 1,
      credential: credential || namesCredential(key),
    });
  }
}

/** How deep a value nests, counted without recursion; a cap on the nodes visited bounds the work. */
function nesting(root: unknown): number {
  let deepest = 0;
  let visited = 0;
  const stack: Array<[unknown, number]> = [[root, 0]];
  while (stack.length > 0 && visited < 1_000_000) {
    const [value, depth] = stack.pop() as [unknown, number];
    visited += 1;
    if (value === null || typeof value !== 'object') continue;
    deepest = Math.max(deepest, depth);
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
  return deepest;
}

// By tag, not prototype: objects from another realm (a vm context, a worker) are plain JSON objects too.
function isPlainObject(value: unknown): value is Record<string, unknown> {
  return Object.prototype.toString.call(value) === '[object Object]';
}
