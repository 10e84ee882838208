import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { shippedBundles } from '../support/shipped-bundles';
import { summary } from './stats';

/** Wall time of one `node` process running the given arguments, in milliseconds. */
function nodeRun(args: string[]): number {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited with ${r.status}`);
  return Number(process.hrtime.bigint() - t) / 1e6;
}

/**
 * For every function: the size of the bundle `cdk synth` produces, and the time `node` takes to load it against
 * `node -e 0` measured in the same rounds (each round runs the bare start and every bundle once, in turn).
 */
export function bundleFigures(rounds = 15) {
  const bundles = shippedBundles();
  const bare: number[] = [];
  const loads = new Map<string, number[]>([...bundles.keys()].map((id) => [id, []]));
  for (let i = 0; i < rounds + 2; i++) {
    const warm = i < 2; // the first rounds fill the file cache
    const b = nodeRun(['-e', '0']);
    if (!warm) bare.push(b);
    for (const [id, file] of bundles) {
      const t = nodeRun([file]);
      if (!warm) loads.get(id)!.push(t);
    }
  }
  const bareMedian = summary(bare).median;
  return {
    bareMedianMs: bareMedian,
    functions: [...bundles].map(([id, file]) => {
      const median = summary(loads.get(id)!).median;
      return { id, bytes: statSync(file).size, loadMedianMs: median, ratio: median / bareMedian };
    }),
  };
}
