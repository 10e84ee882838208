import type { bundleFigures } from './bundles';
import { describeCounts, totalOf } from './ddb-proxy';
import type { importNational, importZhejiang } from './import-rate';
import type { pipelineOverhead } from './pipeline-overhead';
import type { rawWriteRates } from './raw-write-rate';
import type { requestsPerRoute } from './requests-per-route';
import type { NoticeReach } from './tier-notices';
import type { WebFigures } from './web';
import type { WorkbenchFigures } from './workbench-pages';
import { fmt, rounds, type Rounds } from './stats';

/** One target of the brief, as measured in this run. */
export interface Verdict {
  figure: string;
  target: string;
  measured: string;
  pass: boolean;
}

type Print = (line: string) => void;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const perSecond = (n: number) => `${Math.round(n).toLocaleString('en')}/s`;
const ratio = (r: number) => `${r.toFixed(2)}×`;
/** A figure of several rounds: the median judged, the spread beside it. */
const spread = (r: Rounds, show: (n: number) => string) => `${show(r.median)} (${show(r.min)}–${show(r.max)} over ${r.n} rounds)`;
const ms = (n: number) => `${fmt(n)} ms`;

/** The targets of the brief. */
export const TARGETS = {
  /** A public page, everything it loads (the web brief: under 100 KiB, readable without JavaScript). */
  webPageKiB: 100,
  /** Largest Contentful Paint on a throttled phone. */
  webLcpMs: 1500,
  overheadMs: 0.3,
  bundleBytes: 250 * 1024,
  bundleLoadRatio: 1.5,
  zhejiangMs: 60_000,
  importVsRaw: 3,
  nationalMs: 120_000,
  requestsPerRoute: 8,
  noticeReachMs: 1_000,
  /** The workbench's worklist of 1,000 due records, server time. */
  worklistMs: 300,
};

export function pipelineReport(r: Awaited<ReturnType<typeof pipelineOverhead>>, print: Print): Verdict[] {
  const line = (what: string, s: { n: number; median: number; p99: number }) =>
    `  ${what.padEnd(30)} median ${fmt(s.median)} ms   p99 ${fmt(s.p99)} ms   (${s.n} requests)`;
  print('\n1. Per-request overhead of the pipeline — GET /v1/units/{code}, in-memory store');
  print(line('bare implementation (baseline)', r.bare));
  print(line('pipeline, token cached', r.cachedToken.pipeline));
  print(`  ${''.padEnd(30)} overhead: ${spread(r.cachedToken.overhead, ms)}`);
  print(line('pipeline, fresh token (RS256)', r.freshToken.pipeline));
  print(`  ${''.padEnd(30)} overhead: ${spread(r.freshToken.overhead, ms)}`);
  print(line('RS256 signature check alone', r.freshToken.verifyAlone));
  print(`  ${''.padEnd(30)} overhead beyond the check: ${spread(r.freshToken.beyondVerify, ms)}`);
  return [
    { figure: 'pipeline overhead, token cached', target: `≤ ${TARGETS.overheadMs} ms median`, measured: spread(r.cachedToken.overhead, ms), pass: r.cachedToken.overhead.median <= TARGETS.overheadMs },
    {
      figure: 'pipeline overhead beyond the RS256 check, fresh token',
      target: `≤ ${TARGETS.overheadMs} ms median`,
      measured: `${spread(r.freshToken.beyondVerify, ms)}; the check alone ${ms(r.freshToken.verifyAlone.median)}`,
      pass: r.freshToken.beyondVerify.median <= TARGETS.overheadMs,
    },
  ];
}

export function bundlesReport(r: ReturnType<typeof bundleFigures>, print: Print): Verdict[] {
  print(`\n2. Function bundles as \`cdk synth\` stages them — load against bare \`node -e 0\` (median ${fmt(r.bare.cpuMedianMs, 1)} ms CPU, ${fmt(r.bare.wallMedianMs, 1)} ms wall)`);
  print(`  ${'function'.padEnd(20)}${'size'.padStart(12)}${'CPU'.padStart(10)}   ${'CPU ratio (median block, spread)'.padEnd(36)}${'wall'.padStart(10)}   wall ratio`);
  const row = (id: string, size: string, f: ReturnType<typeof bundleFigures>['emptyModule']) =>
    print(
      `  ${id.padEnd(20)}${size.padStart(12)}${`${fmt(f.cpuMedianMs, 1)} ms`.padStart(10)}   ${spread(f.cpuRatio, ratio).padEnd(36)}` +
        `${`${fmt(f.wallMedianMs, 1)} ms`.padStart(10)}   ${spread(f.wallRatio, ratio)}`,
    );
  for (const f of r.functions) row(f.id, `${(f.bytes / 1024).toFixed(1)} KiB`, f);
  row('(empty .mjs module)', '0 KiB', r.emptyModule);
  const biggest = r.functions.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  const slowest = r.functions.reduce((a, b) => (b.cpuRatio.median > a.cpuRatio.median ? b : a));
  return [
    { figure: 'largest bundle', target: `≤ ${TARGETS.bundleBytes / 1024} KiB`, measured: `${(biggest.bytes / 1024).toFixed(1)} KiB (${biggest.id})`, pass: biggest.bytes <= TARGETS.bundleBytes },
    {
      figure: 'slowest bundle load, CPU time',
      target: `≤ ${TARGETS.bundleLoadRatio}× bare node`,
      measured: `${spread(slowest.cpuRatio, ratio)} (${slowest.id}); wall ${spread(slowest.wallRatio, ratio)}`,
      pass: slowest.cpuRatio.median <= TARGETS.bundleLoadRatio,
    },
  ];
}

/**
 * Routes whose count is bounded by something other than a constant, each with why (BENCHMARKS.md says more): they are
 * printed with the rest and kept out of the cap's verdict.
 */
const OUTSIDE_THE_CAP: Record<string, string> = {
  'GET /health': "the local runtime's own probes (emulators, tier backlog over 20 pending-index partitions); the deployed function reads one item",
  'GET /v1/units/{code}/stats': 'one Query per direct child (a province has 11 cities, a township up to a few dozen villages)',
  'GET /v1/units/{code}/catalog':
    "one Query per unit of the caller's line (at most five) and one BatchGetItem per level of adoptions between it and the definers (at most four), or per word and unit for word search: never more with more adopters",
  'GET /v1/units/{code}/tickets/{id}/duplicates':
    'one Query per geohash cell the 250 m circle touches (at most four) and per indexed word (at most ten), each capped at 40 items: never more with more open tickets',
  'POST /v1/units/{code}/tickets/{id}/merge': 'the reads of two tickets (content, case, the dispatcher’s standing to each) before one transaction',
  'POST /v1/units/{code}/tickets/{id}/unmerge': 'the reads of two tickets (content, case, the dispatcher’s standing) before one transaction',
  // 政务公开: the search index is kept in the store, so writing a document writes its postings (a BatchWriteItem per
  // 25 words) and the province's totals, and a search reads one Query per word (and per ancestor, on a unit's site).
  'POST /v1/units/{code}/disclosure/documents': "the document's postings in the search index, a BatchWriteItem per 25 words, and the province's totals",
  'POST /v1/units/{code}/disclosure/documents/{id}/publication': 'as publishing: the postings and totals',
  'PATCH /v1/units/{code}/disclosure/documents/{id}': 'as publishing: the changed postings and totals',
  'POST /v1/units/{code}/disclosure/documents/{id}/withdrawal': "removing the document's postings, a transaction per 100 words",
  'GET /v1/units/{code}/disclosure/search': "one Query per word of the query in the subtree, and one per ancestor on a unit's own site",
  'GET /v1/units/{code}/disclosure/freshness': "the subtree's figures: one Query per direct child, as the stats route",
};

export function routesReport(r: Awaited<ReturnType<typeof requestsPerRoute>>, print: Print): Verdict[] {
  print('\n3. DynamoDB requests per route — local runtime on DynamoDB Local, counted at a proxy in front of it');
  const width = Math.max(...r.rows.map((row) => row.route.length));
  const opsWidth = Math.max(...r.rows.map((row) => describeCounts(row.requests).length));
  for (const row of r.rows) print(`  ${row.route.padEnd(width)}  ${String(row.total).padStart(2)}  ${describeCounts(row.requests).padEnd(opsWidth)}  ${row.what}`);
  print(`  resolving a token's scope (a call the scope refuses): ${describeCounts(r.scope)} — in every count above but the citizen's and business's`);
  const scans = r.rows.filter((row) => row.requests.Scan);
  const most = r.rows.reduce((a, b) => (b.total > a.total ? b : a));
  const over = r.rows.filter((row) => !(row.route in OUTSIDE_THE_CAP) && row.total > TARGETS.requestsPerRoute);
  // The caller's unit with those above it (one BatchGetItem) and its account record (one GetItem), in parallel: one
  // round trip of latency, whatever the tree.
  const scopeOk = totalOf(r.scope) === 2 && r.scope.BatchGetItem === 1 && r.scope.GetItem === 1;
  const childTotals = new Set(r.children.map((c) => c.total));
  return [
    {
      figure: 'requests per route',
      target: `no Scan, ≤ ${TARGETS.requestsPerRoute} each (but ${Object.keys(OUTSIDE_THE_CAP).join(', ')})`,
      measured: `${scans.length} Scan; at most ${most.total} requests (${most.route})${over.length > 0 ? `; over the cap: ${over.map((row) => `${row.route} ${row.total}`).join(', ')}` : ''}`,
      pass: scans.length === 0 && over.length === 0,
    },
    { figure: "resolving a token's scope", target: '1 BatchGetItem + 1 GetItem, whatever the tree', measured: describeCounts(r.scope), pass: scopeOk },
    {
      figure: 'listing children',
      target: 'independent of the number of children',
      measured: r.children.map((c) => `${c.children} → ${c.total}`).join(', '),
      pass: childTotals.size === 1,
    },
  ];
}

/** One round of the import section: a raw pass and a 浙江省 import, one after the other. */
export interface ImportRound {
  raw: Awaited<ReturnType<typeof rawWriteRates>>;
  zhejiang: Awaited<ReturnType<typeof importZhejiang>>;
}

export function importReport(importRounds: ImportRound[], national: Awaited<ReturnType<typeof importNational>>, print: Print): Verdict[] {
  print('\n4. Import throughput — local runtime on DynamoDB Local, raw passes and imports interleaved');
  importRounds.forEach(({ raw, zhejiang }, i) => {
    print(`  round ${i + 1}`);
    for (const [what, w] of [
      ['raw BatchWriteItem ×25, 4 in flight', raw.batchWrite],
      ['raw TransactWriteItems ×100 conditional, 4 in flight', raw.transactWrite],
    ] as const) {
      print(`    ${what.padEnd(54)} ${w.items} items, ${w.calls} calls in ${seconds(w.ms)}: ${perSecond(w.perSecond)}`);
    }
    print(`    ${'Zhejiang through the API (1 POST, 1 job)'.padEnd(54)} ${zhejiang.units} units in ${seconds(zhejiang.ms)} (POST ${seconds(zhejiang.postMs)}): ${perSecond(zhejiang.perSecond)}`);
    print(`    ${''.padEnd(54)} raw rate / import rate: ${ratio(raw.batchWrite.perSecond / zhejiang.perSecond)} (BatchWriteItem), ${ratio(raw.transactWrite.perSecond / zhejiang.perSecond)} (TransactWriteItems)`);
    print(`    ${''.padEnd(54)} DynamoDB requests: ${describeCounts(zhejiang.requests)}`);
  });
  const vsBatch = rounds(importRounds.map((r) => r.raw.batchWrite.perSecond / r.zhejiang.perSecond));
  const vsTransact = rounds(importRounds.map((r) => r.raw.transactWrite.perSecond / r.zhejiang.perSecond));
  const wall = rounds(importRounds.map((r) => r.zhejiang.ms));
  print(`  raw BatchWriteItem rate / import rate: ${spread(vsBatch, ratio)}`);
  print(`  raw TransactWriteItems rate / import rate: ${spread(vsTransact, ratio)}`);
  print(`  ${'national tree to townships (31 POSTs, 31 jobs)'.padEnd(56)} ${national.units} units in ${seconds(national.ms)} (POSTs ${seconds(national.postsMs)}): ${perSecond(national.perSecond)}`);
  print(`  ${''.padEnd(56)} checked: ${national.checks.join('; ')}`);
  return [
    { figure: 'Zhejiang import, wall time', target: `< ${seconds(TARGETS.zhejiangMs)}`, measured: spread(wall, seconds), pass: wall.median < TARGETS.zhejiangMs },
    {
      figure: 'Zhejiang import vs raw BatchWriteItem rate',
      target: `within ${TARGETS.importVsRaw}×`,
      measured: `${spread(vsBatch, ratio)}; vs transactions ${spread(vsTransact, ratio)}`,
      pass: vsBatch.median <= TARGETS.importVsRaw,
    },
    { figure: 'national import, wall time', target: `< ${seconds(TARGETS.nationalMs)}`, measured: seconds(national.ms), pass: national.ms < TARGETS.nationalMs },
  ];
}

export function verdictsReport(verdicts: Verdict[], print: Print): void {
  print('\nTargets');
  const w = Math.max(...verdicts.map((v) => v.figure.length));
  const t = Math.max(...verdicts.map((v) => v.target.length));
  for (const v of verdicts) print(`  ${v.pass ? 'PASS' : 'MISS'}  ${v.figure.padEnd(w)}  ${v.target.padEnd(t)}  ${v.measured}`);
}

export function noticesReport(r: NoticeReach, print: Print): Verdict[] {
  print(`\n5. A notice to every unit under 浙江省 (${r.villages.toLocaleString('en')} villages among them), published once`);
  print(`  POST /v1/units/330000000000/notices    median ${r.publishMedianMs} ms   ${describeCounts(r.publishRequests)}`);
  print(`  the same from one county (西湖区)        ${describeCounts(r.countyPublishRequests)}`);
  print(`  from the POST until the last village's inbox shows it: median ${r.lastShownMedianMs} ms, worst ${r.lastShownMaxMs} ms (${r.rounds} rounds)`);
  print(`  one village inbox page: ${r.inboxRequestsPerRead} requests on average (200 villages across the province, all showing it)`);
  return [
    { figure: 'notice to all of 浙江省: last village sees it', target: `< ${TARGETS.noticeReachMs} ms median`, measured: `${r.lastShownMedianMs} ms median`, pass: r.lastShownMedianMs < TARGETS.noticeReachMs },
    {
      figure: 'notice: DynamoDB requests to publish',
      target: 'independent of the units reached',
      measured: `${r.publishTotal} (province) vs ${r.countyPublishTotal} (one county)`,
      pass: r.publishTotal === r.countyPublishTotal,
    },
  ];
}

export function webReport(r: WebFigures, print: Print): Verdict[] {
  const kib = (b: number) => `${(b / 1024).toFixed(1)} KiB`;
  print(`\n7. Web pages: weight (gzip as sent compressed; no fonts, no scripts) and server time over ${r.renders} renders on the local runtime`);
  print('  page                                 HTML (gzip)        CSS (gzip)       JS  total gzip   render median / p99');
  for (const w of r.weights) {
    print(
      `  ${w.page.padEnd(36)} ${kib(w.htmlBytes).padStart(8)} (${kib(w.htmlGzip)})  ${kib(w.cssBytes).padStart(7)} (${kib(w.cssGzip)})  ${String(w.jsBytes).padStart(3)}  ${kib(w.totalGzip).padStart(9)}   ${w.renderMedianMs} / ${w.renderP99Ms} ms`,
    );
  }
  print('  Chromium, 360 px phone, 4× CPU throttling, slow 4G (562.5 ms, 1.6 Mbit/s), cold cache, median of 3:');
  for (const p of r.paints) print(`  ${p.page.padEnd(36)} LCP ${p.lcpMs} ms   TBT ${p.tbtMs} ms   ${kib(p.transferredBytes)} transferred`);
  const heaviest = Math.max(...r.weights.map((w) => w.htmlBytes + w.cssBytes + w.jsBytes));
  const slowest = Math.max(...r.paints.map((p) => p.lcpMs));
  return [
    { figure: 'web: heaviest public page (HTML+CSS+JS, uncompressed)', target: `< ${TARGETS.webPageKiB} KiB`, measured: kib(heaviest), pass: heaviest < TARGETS.webPageKiB * 1024 },
    { figure: 'web: LCP, unit home and a service guide (4× CPU, slow 4G)', target: `< ${TARGETS.webLcpMs} ms`, measured: `${slowest} ms`, pass: slowest < TARGETS.webLcpMs },
  ];
}

export function workbenchReport(r: WorkbenchFigures, print: Print): Verdict[] {
  const kib = (b: number) => `${(b / 1024).toFixed(1)} KiB`;
  print(`\nWorkbench pages: weight and server time over ${r.renders} renders, signed in, on the local runtime`);
  print('  page                                       HTML (gzip)        CSS gzip   render median / p99   vs. baseline');
  const base = r.pages[0]!;
  for (const p of r.pages) {
    print(
      `  ${p.page.padEnd(42)} ${kib(p.htmlBytes).padStart(9)} (${kib(p.htmlGzip)})  ${kib(p.cssGzip).padStart(8)}   ${p.renderMedianMs} / ${p.renderP99Ms} ms   ${(p.renderMedianMs / base.renderMedianMs).toFixed(2)}×`,
    );
  }
  const full = r.pages[1]!;
  return [
    {
      figure: `workbench: worklist of ${r.cases.toLocaleString('en')} open records, server time median`,
      target: `< ${TARGETS.worklistMs} ms`,
      measured: `${full.renderMedianMs} ms (p99 ${full.renderP99Ms} ms; ${(full.renderMedianMs / base.renderMedianMs).toFixed(1)}× the empty list)`,
      pass: full.renderMedianMs < TARGETS.worklistMs,
    },
  ];
}
