import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import {
  DynaliteHeldError,
  type OwnedDynalite,
  openDynalite,
} from '../../../lambdas/adapters/local/dynalite-server.js';

/**
 * A home's tables are held by the one process that opened them (LevelDB's lock): a control plane still running
 * for a home under the path it had before a move holds them. A second opener must fail at once with an error that
 * says so, not open lazily and crash on its first write ("Database is closed").
 */
describe('opening tables another opener holds', () => {
  let folder: string;
  let first: OwnedDynalite | undefined;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'itv-dynalite-held-'));
  });
  afterEach(async () => {
    await first?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  test('is refused naming the folder, after waiting as long as asked for it to be let go', async () => {
    // Prepare
    const path = join(folder, 'dynamodb');
    first = await openDynalite({ path });

    // Act
    const second = openDynalite({ path, heldWaitMs: 0 });

    // Assess
    await expect(second).rejects.toThrow(DynaliteHeldError);
    await expect(second).rejects.toThrow(`${path} is held by another process`);
  });

  test('opens once the holder lets go within the wait', async () => {
    // Prepare
    const path = join(folder, 'dynamodb');
    const holder = await openDynalite({ path });

    // Act: the holder closes while the second opener waits.
    const second = openDynalite({ path, heldWaitMs: 60_000 });
    await holder.close();
    first = await second;

    // Assess
    await expect(first.client().send(new ListTablesCommand({}))).resolves.toBeDefined();
  });
});
