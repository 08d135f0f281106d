import type { Catalog } from '../../lambdas/core/catalog-schema.js';
import { actingAs } from '../api/acting-as.js';
import { chosenTarget, connect } from '../api/itv-api.js';
import { ConsoleApi } from '../console/console-api.js';
import { startConsole } from '../console/server.js';
import { portOption } from '../port-option.js';

/** The id of the catalog principal `named` denotes, and the catalog; refused when it denotes nobody. */
async function knownPrincipal(named: string): Promise<{ id: string; catalog: Catalog }> {
  const [{ loadCatalog }, { findPrincipal, notAPrincipal }, { InvalidInputError }] = await Promise.all([
    import('../../catalog/index.js'),
    import('../../lambdas/core/principals/index.js'),
    import('../../lambdas/core/errors.js'),
  ]);
  const catalog = loadCatalog();
  const id = findPrincipal(catalog, named);
  if (id !== undefined) return { id, catalog };
  throw new InvalidInputError(`itv console cannot act as ${named}`, [
    { path: '--as', message: notAPrincipal(catalog, named) },
  ]);
}

/**
 * `itv console`: the web console on 127.0.0.1 for the current target — the local stack as `--as` (or
 * ITV_PRINCIPAL), or a deployed stack with every request signed by the user's own AWS credentials — until
 * Ctrl-C. It prints the one link that opens it: the link carries a secret that signs in one browser, once.
 */
export async function consoleCommand(options: {
  port?: string;
  as?: string;
  json?: boolean;
}): Promise<number> {
  const port = portOption(options.port, 0, 'itv console');
  const target = await chosenTarget();
  const as = actingAs(target, options.as, 'itv console');
  // Locally the named principal is checked when the console acts; a name nobody holds would serve every page
  // and fail each act, so it is refused here, as the stack refuses it to every other command.
  const known = as === undefined ? undefined : await knownPrincipal(as.named);
  const api = new ConsoleApi(await connect(target), as, known?.id, known?.catalog);
  const running = await startConsole({ api, port });
  if (options.json) console.log(JSON.stringify({ url: running.url, target: api.actingAs }));
  else {
    console.log(`itv console for ${api.actingAs}`);
    console.log(`open ${running.url}`);
    console.log(
      '(the link signs in one browser, once: share it with nobody; for another, run itv console again). Ctrl-C stops.',
    );
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await running.close();
  return 0;
}
