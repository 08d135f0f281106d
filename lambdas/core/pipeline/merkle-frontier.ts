import { EMPTY_TREE_HASH, nodeHash } from '../ledger/index.js';

/**
 * The right edge of an RFC 9162 Merkle tree: the roots of its perfect subtrees, largest first. It lets a
 * checkpoint extend the previous one with only the new leaves instead of rehashing the whole ledger.
 */
export interface Frontier {
  size: number;
  nodes: Array<{ height: number; hash: string }>;
}

export const emptyFrontier: Frontier = { size: 0, nodes: [] };

/** Adds leaf hashes (hex) in order. */
export function extendFrontier(frontier: Frontier, leafHashes: string[]): Frontier {
  const nodes = [...frontier.nodes];
  for (const leaf of leafHashes) {
    let current = { height: 0, hash: leaf };
    while (nodes.length > 0 && nodes[nodes.length - 1]!.height === current.height) {
      const left = nodes.pop()!;
      current = { height: current.height + 1, hash: nodeHash(left.hash, current.hash) };
    }
    nodes.push(current);
  }
  return { size: frontier.size + leafHashes.length, nodes };
}

/** The RFC 9162 tree head: MTH of all leaves; SHA-256 of the empty string for an empty tree. */
export function frontierRoot(frontier: Frontier): string {
  if (frontier.nodes.length === 0) return EMPTY_TREE_HASH;
  let root = frontier.nodes[frontier.nodes.length - 1]!.hash;
  for (let index = frontier.nodes.length - 2; index >= 0; index--) {
    root = nodeHash(frontier.nodes[index]!.hash, root);
  }
  return root;
}
