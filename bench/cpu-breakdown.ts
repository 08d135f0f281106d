import { Session } from 'node:inspector/promises';

/**
 * Where a stretch of work spends its CPU, from V8's sampling profiler: each sample goes to the innermost frame
 * of its stack that one of the categories below claims (a native call such as `open` or `sign` has no source
 * and is claimed by the code that made it). Samples of the main thread only: what the thread pool does for it
 * (file system calls, asynchronous crypto) shows as the process's CPU beyond the samples.
 */
const categories: ReadonlyArray<readonly [string, (url: string) => boolean]> = [
  ['signatures and hashes (node:crypto)', (url) => url.startsWith('node:internal/crypto/')],
  ['evidence files (fs)', (url) => url.startsWith('node:internal/fs/') || url.endsWith('evidence-store.ts')],
  ['DynamoDB client (AWS SDK)', (url) => /node_modules\/@(smithy|aws-sdk|aws-crypto)\//.test(url)],
  [
    'DynamoDB server (dynalite)',
    (url) =>
      /node_modules\/(dynalite|[a-z-]*level[a-z-]*|lazy|big\.js|lock|once|buffer-crc32)\//.test(url) ||
      /adapters\/local\/dynalite-/.test(url),
  ],
  [
    'state machine interpreter',
    (url) => /node_modules\/(aws-local-stepfunctions|jsonpath-plus|p-limit)\//.test(url),
  ],
  ['schemas (zod, ajv)', (url) => /node_modules\/(zod|ajv|ajv-formats)\//.test(url)],
  ['canonical JSON', (url) => /node_modules\/canonicalize\//.test(url) || url.endsWith('canonical-json.ts')],
  ['itv code', (url) => /\/(lambdas|cli|statemachines|policies|bench)\//.test(url)],
];

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

export interface CpuBreakdown {
  /** Milliseconds of main-thread samples by category, largest first. */
  byCategory: Array<[string, number]>;
  /** The itv source files that take most of the category `itv code`, with their milliseconds. */
  itvFiles: Array<[string, number]>;
  /** Main-thread milliseconds sampled, idle left out. */
  sampledMs: number;
  /** The process's CPU (all threads) over the same stretch. */
  processMs: number;
}

/** Runs `work` under the sampling profiler and sorts its main-thread CPU into categories. */
export async function profileCpu(work: () => Promise<void>): Promise<CpuBreakdown> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 500 });
    await session.post('Profiler.start');
    const cpu0 = process.cpuUsage();
    await work();
    const used = process.cpuUsage(cpu0);
    const { profile } = await session.post('Profiler.stop');
    return {
      ...categorize(profile as { nodes: ProfileNode[]; samples?: number[]; timeDeltas?: number[] }),
      processMs: (used.user + used.system) / 1000,
    };
  } finally {
    session.disconnect();
  }
}

function categorize(profile: { nodes: ProfileNode[]; samples?: number[]; timeDeltas?: number[] }) {
  const parent = new Map<number, ProfileNode>();
  const byId = new Map<number, ProfileNode>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node);
  }
  const categoryOf = new Map<number, string>();
  /** The source file whose frame claimed each node for its category. */
  const claimedBy = new Map<number, string>();
  const classify = (node: ProfileNode): string => {
    const known = categoryOf.get(node.id);
    if (known !== undefined) return known;
    const { functionName, url } = node.callFrame;
    let category: string;
    if (functionName === '(garbage collector)') category = 'garbage collection';
    else if (functionName === '(idle)') category = '(idle)';
    // The profiler's own work (its session's dispatch, as the profile is taken and handed over) is not the
    // pipeline's: left out as idle is.
    else if (url.endsWith('/bench/cpu-breakdown.ts')) category = '(profiler)';
    else {
      const claimed = categories.find(([, claims]) => claims(url))?.[0];
      const up = parent.get(node.id);
      category = claimed ?? (up ? classify(up) : 'other (Node.js, modules)');
      const by = claimed !== undefined ? url : up ? claimedBy.get(up.id) : undefined;
      if (by !== undefined) claimedBy.set(node.id, by);
    }
    categoryOf.set(node.id, category);
    return category;
  };
  const totals = new Map<string, number>();
  const itvFiles = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const node = byId.get(samples[i]!);
    if (node === undefined) continue;
    const category = classify(node);
    const ms = (deltas[i] ?? 0) / 1000;
    totals.set(category, (totals.get(category) ?? 0) + ms);
    const file = claimedBy.get(node.id);
    if (category === 'itv code' && file !== undefined) {
      const short = file.replace(/^.*?\/(lambdas|cli|statemachines|policies|bench)\//, '$1/');
      itvFiles.set(short, (itvFiles.get(short) ?? 0) + ms);
    }
  }
  totals.delete('(idle)');
  totals.delete('(profiler)');
  const byCategory = [...totals].sort((a, b) => b[1] - a[1]);
  return {
    byCategory,
    itvFiles: [...itvFiles].sort((a, b) => b[1] - a[1]).slice(0, 6),
    sampledMs: byCategory.reduce((sum, [, ms]) => sum + ms, 0),
  };
}

/** Printable lines: each category's CPU per unit of work, and what the main thread's samples do not show. */
export function breakdownLines(breakdown: CpuBreakdown, units: number, unit: string): string[] {
  const per = (ms: number) => (ms / units).toFixed(1);
  const outside = Math.max(0, breakdown.processMs - breakdown.sampledMs);
  return [
    `  where the CPU goes, ms per ${unit} (V8 profile of ${units} further ${unit}s; process ${per(breakdown.processMs)}, main thread sampled ${per(breakdown.sampledMs)}):`,
    ...breakdown.byCategory.flatMap(([category, ms]) => [
      `    ${category.padEnd(38)} ${per(ms).padStart(6)}`,
      ...(category === 'itv code'
        ? breakdown.itvFiles.map(([file, fileMs]) => `      ${file.padEnd(54)} ${per(fileMs).padStart(6)}`)
        : []),
    ]),
    `    ${'other threads (thread pool, GC, JIT)'.padEnd(38)} ${per(outside).padStart(6)}`,
  ];
}
