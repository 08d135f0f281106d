import { pathOf } from '../../lambdas/core/intake/door-issue.js';

/**
 * Where a request body holds the control plane's own secret (the `ItvLocal` credential in ITV_HOME, which acts as
 * any principal): the path of the first string that holds it (or of the object whose key does), as the door names fields (`reason`,
 * `tags.note`, `change.payload.items.2`, `pathOf`); `body` for a body that is not JSON yet holds it; undefined when none
 * does. Read as parsed, so a secret written with JSON escapes is found as well. The door's rules catch it behind
 * its scheme word; this catches it bare, which no pattern could tell from other random text.
 */
export function ownSecretIn(body: string, secret: string): string | undefined {
  let root: unknown;
  try {
    root = JSON.parse(body);
  } catch {
    return body.includes(secret) ? 'body' : undefined;
  }
  // Without recursion: no body can exhaust the stack.
  const pending: Array<{ value: unknown; segments: Array<string | number> }> = [
    { value: root, segments: [] },
  ];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value, segments } = next;
    const path = pathOf(segments) || 'body';
    if (typeof value === 'string') {
      if (value.includes(secret)) return path;
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--)
        pending.push({ value: value[i], segments: [...segments, i] });
    } else if (value !== null && typeof value === 'object') {
      const entries = Object.entries(value as Record<string, unknown>).reverse();
      for (const [key, inner] of entries) {
        // A key holding it is named by the object it is a key of: the answer never repeats the secret.
        if (key.includes(secret)) return path;
        pending.push({ value: inner, segments: [...segments, key] });
      }
    }
  }
  return undefined;
}
