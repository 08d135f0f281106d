/**
 * Reads a JSONPath reference path of the simple form ASL's `SecondsPath` and EventBridge's `InputPathsMap`
 * use (`$`, `$.a.b`): undefined where a step is missing. Example: readReferencePath({ a: { b: 2 } }, '$.a.b') → 2.
 */
export function readReferencePath(value: unknown, path: string): unknown {
  let current = value;
  for (const part of path
    .replace(/^\$\.?/, '')
    .split('.')
    .filter(Boolean)) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}
