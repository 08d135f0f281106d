import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/*
 * Every link between the project's Markdown files goes somewhere: the file it names exists, and the heading its
 * `#fragment` names is in that file, as GitHub makes a heading's anchor. Sections move between the README and
 * docs/; a link left pointing at the old place fails here.
 */

const root = resolve(import.meta.dirname, '..', '..', '..');
const skipped = new Set(['node_modules', '.git', 'cdk.out', 'coverage', '.itv']);

function markdownFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    if (skipped.has(name)) return [];
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return markdownFiles(path);
    return name.endsWith('.md') ? [path] : [];
  });
}

/** The text outside fenced code blocks. */
function unfenced(text: string): string {
  return text.replace(/^```[\s\S]*?^```/gm, '');
}

/** The text outside code, fenced or inline, where a link is a link. */
function prose(text: string): string {
  return unfenced(text).replace(/`[^`\n]*`/g, '');
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens; repeats numbered. */
function anchorsOf(text: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const [, heading] of unfenced(text).matchAll(/^#{1,6} +(.+?) *#*$/gm)) {
    const base = heading!
      .replace(/`/g, '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\- _]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

const files = markdownFiles(root);
const links = files.flatMap((file) =>
  [...prose(readFileSync(file, 'utf8')).matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1]!)
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target))
    .map((target) => ({ file: relative(root, file), target })),
);

test('the project has Markdown files with links between them', () => {
  expect(files.length).toBeGreaterThan(5);
  expect(links.length).toBeGreaterThan(20);
});

test.each(links)('$file → $target', ({ file, target }) => {
  const [path, fragment] = target.split('#') as [string, string | undefined];
  const destination = path === '' ? join(root, file) : resolve(dirname(join(root, file)), decodeURI(path));
  expect(existsSync(destination) ? relative(root, destination) : `missing: ${target}`).toBe(
    relative(root, destination),
  );
  if (fragment !== undefined && destination.endsWith('.md')) {
    const anchors = anchorsOf(readFileSync(destination, 'utf8'));
    expect(
      anchors.has(fragment) ? fragment : `no heading #${fragment} in ${relative(root, destination)}`,
    ).toBe(fragment);
  }
});
