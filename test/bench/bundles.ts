import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shippedBundles } from '../support/shipped-bundles';
import { rounds as spread, summary } from './stats';

/** Preloaded into every measured process: reports, as it exits, the CPU time the whole process used (all threads). */
const CPU_REPORTER = "process.on('exit', () => { const u = process.cpuUsage(); process.stderr.write(`\\ngovtiers-cpu-us ${u.user + u.system}\\n`); });\n";

interface Load {
  wallMs: number;
  cpuMs: number;
}

/** One `node` process running the given arguments: its wall time and the CPU time it used, in milliseconds. */
function nodeRun(reporter: string, args: string[]): Load {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--import', reporter, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  const wallMs = Number(process.hrtime.bigint() - t) / 1e6;
  const cpu = /govtiers-cpu-us (\d+)/.exec(r.stderr.toString());
  if (r.status !== 0 || !cpu) throw new Error(`node ${args.join(' ')} exited with ${r.status}: ${r.stderr.toString().slice(0, 500)}`);
  return { wallMs, cpuMs: Number(cpu[1]) / 1000 };
}

/**
 * For every function: the size of the bundle `cdk synth` produces, and what `node` takes to load it against
 * `node -e 0` in the same rounds (each round runs the bare start and every bundle once, in turn). An empty ES module
 * runs in the same rounds too: what loading any `.mjs` entry costs before a byte of the bundle counts.
 *
 * Both wall time and CPU time are taken. The verdict judges CPU time: on two cores shared by other work, a process
 * start's wall time mostly measures how long it waited for a core (ratios from 0.3× to 4× in one run at a load
 * average of 25), while the CPU it uses is what a Lambda cold start spends. Each load is set against the bare start
 * of its own round; the rounds form BLOCKS blocks, each the median of its rounds' ratios, and the verdict judges the
 * median block.
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
  const reporter = join(scratch, 'cpu-reporter.mjs');
  writeFileSync(reporter, CPU_REPORTER);
  const bare: Load[] = [];
  const empty: Load[] = [];
  const loads = new Map<string, Load[]>([...bundles.keys()].map((id) => [id, []]));
  try {
    for (let i = 0; i < rounds + 2; i++) {
      const warm = i < 2; // the first rounds fill the file cache
      const b = nodeRun(reporter, ['-e', '0']);
      const e = nodeRun(reporter, [emptyModule]);
      if (!warm) {
        bare.push(b);
        empty.push(e);
      }
      for (const [id, file] of bundles) {
        const t = nodeRun(reporter, [file]);
        if (!warm) loads.get(id)!.push(t);
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const size = rounds / BLOCKS;
  const ratios = (samples: Load[], of: keyof Load) => {
    const paired = samples.map((s, i) => s[of] / bare[i]![of]);
    return spread(Array.from({ length: BLOCKS }, (_, k) => summary(paired.slice(k * size, (k + 1) * size)).median));
  };
  const figure = (samples: Load[]) => ({
    wallMedianMs: summary(samples.map((s) => s.wallMs)).median,
    cpuMedianMs: summary(samples.map((s) => s.cpuMs)).median,
    wallRatio: ratios(samples, 'wallMs'),
    cpuRatio: ratios(samples, 'cpuMs'),
  });
  return {
    bare: { wallMedianMs: summary(bare.map((s) => s.wallMs)).median, cpuMedianMs: summary(bare.map((s) => s.cpuMs)).median },
    emptyModule: figure(empty),
    functions: [...bundles.keys()].map((id) => ({ id, bytes: bytes.get(id)!, ...figure(loads.get(id)!) })),
  };
}
