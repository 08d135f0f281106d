import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { openLocalStack } from '../../../lambdas/wiring/local/local-stack.js';

/*
 * A home's tables are its owner's alone: dynalite accepts any credentials, so a port on loopback would let any
 * local user read or write the ledger and the delegations. The owner opens dynalite on no port at all.
 */

/** The TCP ports this process listens on (Linux: its socket inodes, matched against /proc/net/tcp{,6}). */
function listeningPorts(): Set<number> {
  const inodes = new Set(
    readdirSync('/proc/self/fd')
      .map((fd) => {
        try {
          return /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`))?.[1];
        } catch {
          return undefined;
        }
      })
      .filter((inode): inode is string => inode !== undefined),
  );
  const ports = new Set<number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local_address is HEX_IP:HEX_PORT, st 0A is LISTEN, the inode is the tenth field.
      if (fields[3] === '0A' && inodes.has(fields[9] ?? '')) {
        ports.add(Number.parseInt(fields[1]?.split(':')[1] ?? '', 16));
      }
    }
  }
  return ports;
}

// Sockets are read from /proc: registered where there is one, so no machine reports a skipped test.
const describeWhereProc = existsSync('/proc/self/fd') ? describe : () => {};

describeWhereProc("a home's dynalite", () => {
  test("listens on no port while its owner uses it, and keeps its files in a folder of the owner's alone", async () => {
    // Prepare
    const home = mkdtempSync(join(tmpdir(), 'itv-home-port-'));
    const before = listeningPorts();
    const stack = await openLocalStack({ home });
    try {
      // Act
      const answer = await stack.dynamo.send(
        new GetItemCommand({ TableName: 'itv-state', Key: { pk: { S: 'nothing' }, sk: { S: 'here' } } }),
      );
      const opened = [...listeningPorts()].filter((port) => !before.has(port));

      // Assess
      expect(answer.Item).toBeUndefined();
      expect(opened).toEqual([]);
      expect(stack).not.toHaveProperty('dynamoEndpoint');
      // Nor are its files anybody else's to read: the folder is the owner's alone.
      expect((statSync(join(home, 'dynamodb')).mode & 0o777).toString(8)).toBe('700');
    } finally {
      await stack.close();
      rmSync(home, { recursive: true, force: true });
    }
  });
});
