import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shippedBundles } from '../support/shipped-bundles';
import { rounds as spread, summary } from './stats';

/** Wall time of one `node` process running the given arguments, in milliseconds. */
function nodeRun(args: string[]): number {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited with ${r.status}`);
  return Number(process.hrtime.bigint() - t) / 1e6;
}

/**
 * For every function: the size of the bundle `cdk synth` produces, and the time `node` takes to load it against
 * `node -e 0` measured in the same rounds (each round runs the bare start and every bundle once, in turn). An empty
 * ES module runs in the same rounds too: what loading any `.mjs` entry costs before a byte of the bundle counts.
 * The rounds form BLOCKS blocks, each giving one ratio; the verdict judges the median block.
 */
const BLOCKS = 3;

export function bundleFigures(rounds = 15) {
  const scratch = mkdtempSync(join(tmpdir(), 'govtiers-bench-'));
  // The cloud assembly goes into the scratch folder, removed with it (the CDK would leave a temporary one behind).
  process.env.CDK_OUTDIR = join(scratch, 'cdk.out');
  const bundles = shippedBundles();
  const bytes = new Map([...bundles].map(([id, file]) => [id, statSync(file).size]));
  const emptyModule = join(scratch, 'empty.mjs');
  writeFileSync(emptyModule, '');
  const bare: number[] = [];
  const empty: number[] = [];
  const loads = new Map<string, number[]>([...bundles.keys()].map((id) => [id, []]));
  try {
    for (let i = 0; i < rounds + 2; i++) {
      const warm = i < 2; // the first rounds fill the file cache
      const b = nodeRun(['-e', '0']);
      const e = nodeRun([emptyModule]);
      if (!warm) {
        bare.push(b);
        empty.push(e);
      }
      for (const [id, file] of bundles) {
        const t = nodeRun([file]);
        if (!warm) loads.get(id)!.push(t);
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const bareMedian = summary(bare).median;
  const emptyMedian = summary(empty).median;
  const size = rounds / BLOCKS;
  // Each load is set against the bare start of its own round, so that a burst of load on the shared cores falls on
  // both sides of a ratio; a block's figure is the median of its rounds' ratios.
  const ratios = (samples: number[]) => {
    const paired = samples.map((t, i) => t / bare[i]!);
    return spread(Array.from({ length: BLOCKS }, (_, k) => summary(paired.slice(k * size, (k + 1) * size)).median));
  };
  return {
    bareMedianMs: bareMedian,
    emptyModule: { loadMedianMs: emptyMedian, ratio: ratios(empty) },
    functions: [...bundles.keys()].map((id) => ({ id, bytes: bytes.get(id)!, loadMedianMs: summary(loads.get(id)!).median, ratio: ratios(loads.get(id)!) })),
  };
}
