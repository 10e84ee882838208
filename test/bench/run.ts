// `npm run bench`: every figure of BENCHMARKS.md in one run, printed and written to .cache/bench/latest.json.
// BENCH_ONLY=pipeline,bundles,routes,import runs some sections only. Speeds are ratios against a baseline measured
// in the same run, since the machine is shared; absolute figures are kept beside them.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { startLocalRuntime, type LocalRuntime } from '../../infra/local/runtime';
import { apiClient } from './api';
import { bundleFigures } from './bundles';
import { countingProxy, type CountingProxy } from './ddb-proxy';
import { emptyTables, importNational, importZhejiang, zhejiangItems } from './import-rate';
import { divertStdout } from './output';
import { pipelineOverhead } from './pipeline-overhead';
import { rawWriteRates } from './raw-write-rate';
import { bundlesReport, importReport, noticesReport, pipelineReport, routesReport, verdictsReport, webReport, workbenchReport, type ImportRound, type Verdict } from './report';
import { workbenchFigures } from './workbench-pages';
import { webFigures } from './web';
import { requestsPerRoute } from './requests-per-route';
import { noticeReach } from './tier-notices';
import { tierReliability, tierReport } from './tier-reliability';
import { servicesFigures, servicesReport } from './services';
import { ticketFigures } from './tickets';
import { disclosureFigures, disclosureReach, disclosureReport, type DisclosureFigures, type DisclosureReach } from './disclosure';

const SECTIONS = ['pipeline', 'bundles', 'routes', 'import', 'notices', 'tiers', 'services', 'tickets', 'disclosure', 'web', 'workbench'] as const;
type Section = (typeof SECTIONS)[number];
const OUT_DIR = fileURLToPath(new URL('../../.cache/bench/', import.meta.url));
/**
 * Raw passes and 浙江省 imports interleaved, the import verdicts judging the median round. Five, not three: at a
 * load average of 22 on the two cores, three rounds once spread from 0.99× to 9.36×.
 */
const IMPORT_ROUNDS = 5;
const ROLLUP_EVENTS = Number(process.env.BENCH_TIER_ROLLUP_EVENTS ?? 100_000);
/**
 * Well past the ~4 minutes a run takes (9 on a crowded machine), plus the roll-up's time when the tiers section runs
 * (about 30 ms an event; 60 allowed), or BENCH_WATCHDOG_MINUTES on a crowded machine: a hung run must not keep the
 * process forever.
 */
const WATCHDOG_MS = Number(process.env.BENCH_WATCHDOG_MINUTES ?? 0) * 60_000 || 25 * 60_000 + (selected().has('tiers') ? ROLLUP_EVENTS * 60 : 0);

function selected(): Set<Section> {
  const only = process.env.BENCH_ONLY?.trim();
  const asked = only ? only.split(',').map((s) => s.trim()) : [...SECTIONS];
  const wrong = asked.filter((s) => !(SECTIONS as readonly string[]).includes(s));
  if (wrong.length > 0) throw new Error(`BENCH_ONLY: unknown section ${wrong.join(', ')} (known: ${SECTIONS.join(', ')})`);
  return new Set(asked as Section[]);
}

/**
 * The one local runtime of the run (its handlers keep their clients for the process's life), DynamoDB behind the
 * counting proxy. Only the jobs queue is polled, as Lambda would, for the imports: the tier transport (streams, inbox
 * queues, reconciler, sweep) stays still, so that none of its background work lands in the requests counted per route.
 */
async function startRuntime(log: (line: string) => void): Promise<{ rt: LocalRuntime; proxy: CountingProxy; stop(): Promise<void> }> {
  let proxy: CountingProxy | undefined;
  const rt = await startLocalRuntime({
    dataDir: ':memory:',
    port: 0,
    polling: 'manual',
    log,
    dynamodbEndpointOverride: async (emulator) => (proxy = await countingProxy(emulator)).url,
  });
  let polling = true;
  const jobs = (async () => {
    while (polling) if ((await rt.pollers.pollOnce('jobs').catch(() => 0)) === 0) await new Promise((r) => setTimeout(r, 200));
  })();
  return {
    rt,
    proxy: proxy!,
    stop: async () => {
      polling = false;
      await jobs;
      await rt.stop();
      await proxy!.close();
    },
  };
}

async function main(): Promise<void> {
  const sections = selected();
  const out = divertStdout(`${OUT_DIR}handlers.log`);
  const t0 = performance.now();
  const machine = { nproc: os.availableParallelism(), cpu: os.cpus()[0]?.model ?? 'unknown', node: process.version, date: new Date().toISOString(), loadAtStart: os.loadavg() };
  out.print(`govtiers bench — ${machine.nproc} cores (${machine.cpu}), Node ${machine.node}, ${machine.date}, load ${machine.loadAtStart.map((l) => l.toFixed(2)).join(' ')}`);
  out.print(`(handler logs: ${OUT_DIR}handlers.log)`);
  const figures: Record<string, unknown> = {};
  const verdicts: Verdict[] = [];

  // In-process figures first, before DynamoDB Local's JVM shares the two cores.
  if (sections.has('pipeline')) {
    const r = await pipelineOverhead();
    figures.pipeline = r;
    verdicts.push(...pipelineReport(r, out.print));
  }
  if (sections.has('bundles')) {
    const r = bundleFigures();
    figures.bundles = r;
    verdicts.push(...bundlesReport(r, out.print));
  }
  if (sections.has('tickets')) {
    // BENCH_TICKETS (tickets round the loop) and BENCH_TICKETS_OPEN (open tickets, two sizes) scale it.
    const r = await ticketFigures(out.print);
    figures.tickets = r.figures;
    verdicts.push(...r.verdicts);
  }
  // 政务公开's search and pages in process (BENCH_DISCLOSURE_DOCS scales it down), its publication on the tree below.
  let disclosure: { figures?: DisclosureFigures; reach?: DisclosureReach } | undefined;
  if (sections.has('disclosure')) {
    const sizes = (process.env.BENCH_DISCLOSURE_DOCS ?? '1000,10000').split(',').map(Number);
    disclosure = { figures: await disclosureFigures(sizes) };
  }
  const onTree = sections.has('routes') || sections.has('import') || sections.has('notices') || sections.has('disclosure');
  // One runtime for every section that needs one: the handlers keep the first runtime's issuer keys for the process's life.
  if (onTree || sections.has('services')) {
    const { rt, proxy, stop } = await startRuntime(out.log);
    try {
      const api = apiClient(rt.url, rt.issuer);
      // Routes and notices are measured on the imported tree, right after the first 浙江省 import.
      const onImportedTree = async () => {
        if (sections.has('routes')) {
          const r = await requestsPerRoute(api, proxy);
          figures.requestsPerRoute = r;
          verdicts.push(...routesReport(r, out.print));
        }
        if (sections.has('notices')) {
          const r = await noticeReach(api, proxy);
          figures.notices = r;
          verdicts.push(...noticesReport(r, out.print));
        }
        if (disclosure) {
          disclosure.reach = await disclosureReach(api, proxy);
          figures.disclosure = disclosure;
          verdicts.push(...disclosureReport(disclosure.figures, disclosure.reach, out.print));
        }
      };
      if (!onTree) {
        // Services only: its own small tree, no import.
      } else if (!sections.has('import')) {
        await importZhejiang(api, proxy);
        await onImportedTree();
      } else {
        const items = await zhejiangItems();
        // DynamoDB Local is a JVM, slower for its first tens of thousands of writes while its JIT warms up: an
        // untimed raw pass first, so that no round pays for it.
        await rawWriteRates(items);
        const rounds: ImportRound[] = [];
        for (let i = 0; i < IMPORT_ROUNDS; i++) {
          // From empty tables each time, as the first import started: its units would otherwise be skipped.
          if (i > 0) await emptyTables(rt.resources);
          // Raw first in rounds 1, 3 and 5, the import first in the others, so that drift in load falls on both alike.
          let raw: ImportRound['raw'] | undefined;
          if (i % 2 === 0) raw = await rawWriteRates(items);
          const zhejiang = await importZhejiang(api, proxy);
          if (i === 0) await onImportedTree();
          raw ??= await rawWriteRates(items);
          rounds.push({ raw, zhejiang });
        }
        await emptyTables(rt.resources);
        const national = await importNational(api);
        figures.import = { rounds, national };
        verdicts.push(...importReport(rounds, national, out.print));
      }
      if (sections.has('services')) {
        // Its own tree (贵州省's codes, clear of 浙江省). BENCH_SERVICES_CASES and BENCH_SERVICES_STORE (store sizes,
        // comma-separated) scale it down.
        const r = await servicesFigures(api, proxy, {
          cases: Number(process.env.BENCH_SERVICES_CASES ?? 10_000),
          sizes: (process.env.BENCH_SERVICES_STORE ?? '10000,100000').split(',').map(Number),
          log: out.log,
        });
        figures.services = r;
        verdicts.push(...servicesReport(r, out.print));
      }
    } finally {
      await stop();
    }
  }

  if (sections.has('tiers')) {
    // Its own runtime, on disk: it restarts it. BENCH_TIER_MESSAGES, BENCH_TIER_ROLLUP_EVENTS and
    // BENCH_TIER_ESCALATION_ROUNDS scale it down.
    const r = await tierReliability({
      messages: Number(process.env.BENCH_TIER_MESSAGES ?? 10_000),
      rollupEvents: ROLLUP_EVENTS,
      escalationRounds: Number(process.env.BENCH_TIER_ESCALATION_ROUNDS ?? 25),
      log: out.log,
    });
    figures.tiers = r;
    verdicts.push(...tierReport(r, out.print));
  }

  if (sections.has('web')) {
    // Its own runtime with a slice of the demo province, and Chromium for the paint figures.
    const r = await webFigures(out.log);
    figures.web = r;
    verdicts.push(...webReport(r, out.print));
  }

  if (sections.has('workbench')) {
    // The browser tests' world, its own runtime: BENCH_WORKLIST_CASES and BENCH_WORKBENCH_RENDERS scale it.
    const r = await workbenchFigures(out.log);
    figures.workbench = r;
    verdicts.push(...workbenchReport(r, out.print));
  }

  verdictsReport(verdicts, out.print);
  const totalSeconds = Math.round((performance.now() - t0) / 100) / 10;
  const result = { machine: { ...machine, loadAtEnd: os.loadavg() }, sections: [...sections], totalSeconds, figures, verdicts };
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(`${OUT_DIR}latest.json`, `${JSON.stringify(result, null, 2)}\n`);
  out.print(`\n${verdicts.filter((v) => !v.pass).length} of ${verdicts.length} targets missed; ${totalSeconds} s in all; written to ${OUT_DIR}latest.json`);
  out.close();
}

setTimeout(() => {
  process.stderr.write(`bench: still running after ${WATCHDOG_MS / 60_000} minutes, giving up\n`);
  process.exit(2);
}, WATCHDOG_MS).unref();

// The handlers keep warm SDK clients and sockets for the process's life, as Lambda instances do: exit once done.
main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`bench failed: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
