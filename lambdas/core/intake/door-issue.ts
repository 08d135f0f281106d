/** A reason an intent is refused at the door: the field it concerns and why, limits and actual values named. */
export interface DoorIssue {
  path: string;
  message: string;
}

/** `testResults.0.detail` from path segments, as zod's issues are named; the root is the empty string. */
export function pathOf(segments: ReadonlyArray<string | number>): string {
  return segments.map(String).join('.');
}
