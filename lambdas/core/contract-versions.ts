import type { Profile } from './catalog-schema.js';

/** Orders `x.y.z` versions numerically: negative when a < b. */
export function compareSemver(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

/** The highest contract version of a profile, e.g. `1.2.0`. */
export function latestContractVersion(profile: Profile): string {
  return Object.keys(profile.contracts).sort(compareSemver).at(-1) ?? '0.0.0';
}
