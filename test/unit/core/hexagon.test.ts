import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The core depends on nothing above it: its modules import each other and the ports, never adapters, wiring,
 * the policy set or the catalog (those are handed in by the composition roots), and never an AWS SDK.
 */
const root = fileURLToPath(new URL('../../../', import.meta.url));
const core = path.join(root, 'lambdas/core');
const allowed = [core, path.join(root, 'lambdas/ports')];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

describe('lambdas/core, the hexagon', () => {
  const imports = sources(core).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/^(?:import|export)[^'"]*from '([^']+)'/gm)].map((m) => ({
      file: path.relative(root, file),
      specifier: m[1]!,
    })),
  );

  test('has modules to check', () => {
    expect(imports.length).toBeGreaterThan(100);
  });

  test('imports only itself and the ports', () => {
    const outside = imports
      .filter(({ specifier }) => specifier.startsWith('.'))
      .filter(({ file, specifier }) => {
        const target = path.resolve(root, path.dirname(file), specifier);
        return !allowed.some((dir) => target.startsWith(`${dir}${path.sep}`));
      })
      .map(({ file, specifier }) => `${file} → ${specifier}`);
    expect(outside).toEqual([]);
  });

  test('never imports an AWS SDK', () => {
    expect(imports.filter(({ specifier }) => specifier.startsWith('@aws-sdk/')).map((i) => i.file)).toEqual(
      [],
    );
  });
});
