import type { bundleFigures } from './bundles';
import { describeCounts, totalOf } from './ddb-proxy';
import type { importNational, importZhejiang } from './import-rate';
import type { pipelineOverhead } from './pipeline-overhead';
import type { rawWriteRates } from './raw-write-rate';
import type { requestsPerRoute } from './requests-per-route';
import type { NoticeReach } from './tier-notices';
import { fmt } from './stats';

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

/** The targets of the brief. */
export const TARGETS = {
  overheadMs: 0.3,
  bundleBytes: 250 * 1024,
  bundleLoadRatio: 1.5,
  zhejiangMs: 60_000,
  importVsRaw: 3,
  nationalMs: 120_000,
  noticeReachMs: 1_000,
};

export function pipelineReport(r: Awaited<ReturnType<typeof pipelineOverhead>>, print: Print): Verdict[] {
  const line = (what: string, s: { n: number; median: number; p99: number }) =>
    `  ${what.padEnd(30)} median ${fmt(s.median)} ms   p99 ${fmt(s.p99)} ms   (${s.n} requests)`;
  print('\n1. Per-request overhead of the pipeline — GET /v1/units/{code}, in-memory store');
  print(line('bare implementation (baseline)', r.bare));
  const verdicts: Verdict[] = [];
  for (const [what, v] of [
    ['pipeline, token cached', r.cachedToken],
    ['pipeline, fresh token (RS256)', r.freshToken],
  ] as const) {
    print(line(what, v.pipeline));
    print(`  ${''.padEnd(30)} overhead: median ${fmt(v.overheadMedian)} ms, p99 ${fmt(v.overheadP99)} ms; ${ratio(v.pipeline.median / r.bare.median)} the bare median`);
    if ('verifyAlone' in v) print(line('  of which RS256 verify alone', v.verifyAlone));
    verdicts.push({ figure: `pipeline overhead, ${what.replace('pipeline, ', '')}`, target: `≤ ${TARGETS.overheadMs} ms median`, measured: `${fmt(v.overheadMedian)} ms`, pass: v.overheadMedian <= TARGETS.overheadMs });
  }
  return verdicts;
}

export function bundlesReport(r: ReturnType<typeof bundleFigures>, print: Print): Verdict[] {
  print(`\n2. Function bundles as \`cdk synth\` stages them — load time against bare \`node -e 0\` (median ${fmt(r.bareMedianMs, 1)} ms)`);
  const row = (id: string, size: string, ms: number, r: number) =>
    print(`  ${id.padEnd(20)}${size.padStart(12)}${`${fmt(ms, 1)} ms`.padStart(12)}${ratio(r).padStart(9)}`);
  print(`  ${'function'.padEnd(20)}${'size'.padStart(12)}${'load'.padStart(12)}${'ratio'.padStart(9)}`);
  for (const f of r.functions) row(f.id, `${(f.bytes / 1024).toFixed(1)} KiB`, f.loadMedianMs, f.ratio);
  row('(empty .mjs module)', '0 KiB', r.emptyModule.loadMedianMs, r.emptyModule.ratio);
  const biggest = r.functions.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  const slowest = r.functions.reduce((a, b) => (b.ratio > a.ratio ? b : a));
  return [
    { figure: 'largest bundle', target: `≤ ${TARGETS.bundleBytes / 1024} KiB`, measured: `${(biggest.bytes / 1024).toFixed(1)} KiB (${biggest.id})`, pass: biggest.bytes <= TARGETS.bundleBytes },
    { figure: 'slowest bundle load', target: `≤ ${TARGETS.bundleLoadRatio}× bare node`, measured: `${ratio(slowest.ratio)} (${slowest.id})`, pass: slowest.ratio <= TARGETS.bundleLoadRatio },
  ];
}

export function routesReport(r: Awaited<ReturnType<typeof requestsPerRoute>>, print: Print): Verdict[] {
  print('\n3. DynamoDB requests per route — local runtime on DynamoDB Local, counted at a proxy in front of it');
  const width = Math.max(...r.rows.map((row) => row.route.length));
  const opsWidth = Math.max(...r.rows.map((row) => describeCounts(row.requests).length));
  for (const row of r.rows) print(`  ${row.route.padEnd(width)}  ${String(row.total).padStart(2)}  ${describeCounts(row.requests).padEnd(opsWidth)}  ${row.what}`);
  print(`  resolving a token's scope (a call the scope refuses): ${describeCounts(r.scope)} — in every count above but the citizen's and business's`);
  const scans = r.rows.filter((row) => row.requests.Scan);
  const most = r.rows.reduce((a, b) => (b.total > a.total ? b : a));
  // The unit and the caller's staff record, read in parallel: one round trip of latency.
  const scopeOk = totalOf(r.scope) <= 2 && r.scope.GetItem === totalOf(r.scope);
  const childTotals = new Set(r.children.map((c) => c.total));
  return [
    { figure: 'requests per route', target: 'no Scan', measured: `${scans.length} Scan; at most ${most.total} requests (${most.route})`, pass: scans.length === 0 },
    { figure: "resolving a token's scope", target: '≤ 2 GetItem, whatever the tree', measured: describeCounts(r.scope), pass: scopeOk },
    {
      figure: 'listing children',
      target: 'independent of the number of children',
      measured: r.children.map((c) => `${c.children} → ${c.total}`).join(', '),
      pass: childTotals.size === 1,
    },
  ];
}

export function importReport(
  raw: Awaited<ReturnType<typeof rawWriteRates>>,
  zhejiang: Awaited<ReturnType<typeof importZhejiang>>,
  national: Awaited<ReturnType<typeof importNational>>,
  print: Print,
): Verdict[] {
  print('\n4. Import throughput — local runtime on DynamoDB Local');
  for (const [what, w] of [
    ['raw BatchWriteItem ×25, 4 in flight', raw.batchWrite],
    ['raw TransactWriteItems ×100 conditional, 4 in flight', raw.transactWrite],
  ] as const) {
    print(`  ${what.padEnd(54)} ${w.items} items, ${w.calls} calls in ${seconds(w.ms)}: ${perSecond(w.perSecond)}`);
  }
  const vsBatch = raw.batchWrite.perSecond / zhejiang.perSecond;
  const vsTransact = raw.transactWrite.perSecond / zhejiang.perSecond;
  print(`  ${'Zhejiang through the API (1 POST, 1 job)'.padEnd(54)} ${zhejiang.units} units in ${seconds(zhejiang.ms)} (POST ${seconds(zhejiang.postMs)}): ${perSecond(zhejiang.perSecond)}`);
  print(`  ${''.padEnd(54)} raw rate / import rate: ${ratio(vsBatch)} (BatchWriteItem), ${ratio(vsTransact)} (TransactWriteItems)`);
  print(`  ${''.padEnd(54)} DynamoDB requests: ${describeCounts(zhejiang.requests)}`);
  print(`  ${'national tree to townships (31 POSTs, 31 jobs)'.padEnd(54)} ${national.units} units in ${seconds(national.ms)} (POSTs ${seconds(national.postsMs)}): ${perSecond(national.perSecond)}`);
  print(`  ${''.padEnd(54)} checked: ${national.checks.join('; ')}`);
  return [
    { figure: 'Zhejiang import, wall time', target: `< ${seconds(TARGETS.zhejiangMs)}`, measured: seconds(zhejiang.ms), pass: zhejiang.ms < TARGETS.zhejiangMs },
    { figure: 'Zhejiang import vs raw BatchWriteItem rate', target: `within ${TARGETS.importVsRaw}×`, measured: `${ratio(vsBatch)} (vs transactions: ${ratio(vsTransact)})`, pass: vsBatch <= TARGETS.importVsRaw },
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
