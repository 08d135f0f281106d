import * as z from 'zod';

/**
 * Grouping tags: dimensions of the enterprise taxonomy (`region`, `productLine`, `businessUnit` …), each a name and
 * a value, open-ended and free text. An intent carries its own; a service in the catalog may carry the ones that
 * are true of every change to it (its product line, its business unit), which the catalog's owners, not each
 * requester, answer for.
 */
export const tagMapSchema = z.record(z.string().min(1).max(64), z.string().max(256));

export type TagMap = z.infer<typeof tagMapSchema>;

/**
 * The tags a change is declared with, recorded on the ledger and grouped by: its service's, then its own, which
 * may add dimensions but never contradict the service's (`contradictedTags` refuses that at validation).
 */
export function declaredTags(serviceTags: TagMap | undefined, intentTags: TagMap): TagMap {
  return { ...serviceTags, ...intentTags };
}

/** Each tag of the intent that gives a dimension its service's catalog entry sets another value; none when all agree. */
export function contradictedTags(
  service: { name: string; tags?: TagMap },
  intentTags: TagMap,
): Array<{ path: string; message: string }> {
  return Object.entries(intentTags)
    .filter(([name, value]) => Object.hasOwn(service.tags ?? {}, name) && service.tags?.[name] !== value)
    .map(([name]) => ({
      path: `tags.${name}`,
      message: `the catalog records ${service.name}'s ${name} as "${service.tags?.[name]}": a change to it may add tags, not contradict its service's (leave ${name} out, or ask the catalog's owners to change it)`,
    }));
}
