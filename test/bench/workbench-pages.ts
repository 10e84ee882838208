// The staff workbench's pages on the local runtime (the browser tests' slice of 浙江省): each page's weight and its
// server time, signed in as 北山街道's unit admin, with the township holding 1,000 open tasks (a third of them past
// their due date) — the worklist's target is under 300 ms for 1,000 due records. The same worklist with nothing due
// is the baseline measured in the same run.
import { gzipSync } from 'node:zlib';
import { createAssignment } from '../../functions/tiers/assignments';
import { listCases } from '../../functions/tiers/lists';
import { depsFromEnv } from '../../shared/aws/deps-from-env';
import { startWorld, WORLD } from '../browser/world';
import { signedIn } from './workbench';

export interface WorkbenchPage {
  page: string;
  path: string;
  htmlBytes: number;
  htmlGzip: number;
  cssGzip: number;
  renderMedianMs: number;
  renderP99Ms: number;
}

export interface WorkbenchFigures {
  cases: number;
  renders: number;
  pages: WorkbenchPage[];
}

const CASES = Number(process.env.BENCH_WORKLIST_CASES ?? 1_000);
const RENDERS = Number(process.env.BENCH_WORKBENCH_RENDERS ?? 30);
const DAY = 86_400_000;
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
const round = (ms: number) => Math.round(ms * 10) / 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function workbenchFigures(log: (line: string) => void): Promise<WorkbenchFigures> {
  const world = await startWorld();
  try {
    const send = await signedIn(world.url, `demo-unit-admin-${WORLD.township}`);
    const weigh = async (page: string, path: string): Promise<WorkbenchPage> => {
      const first = await send('GET', path, 200);
      const css = await Promise.all([...first.text.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)].map(async (m) => (await send('GET', m[1]!, 200)).text));
      const times: number[] = [];
      for (let i = 0; i < RENDERS; i++) {
        const t0 = performance.now();
        await send('GET', path, 200);
        times.push(performance.now() - t0);
      }
      log(`workbench: ${page} rendered ${RENDERS} times`);
      return {
        page,
        path,
        htmlBytes: Buffer.byteLength(first.text),
        htmlGzip: gzipSync(first.text).length,
        cssGzip: gzipSync(css.join('')).length,
        renderMedianMs: round(quantile(times, 0.5)),
        renderP99Ms: round(quantile(times, 0.99)),
      };
    };
    const pages: WorkbenchPage[] = [await weigh('worklist, nothing due (baseline)', '/work')];

    const deps = await depsFromEnv();
    const clerk = { sub: 'bench-county-clerk', role: 'staff' as const, unit: WORLD.county };
    for (let i = 0; i < CASES; i++) {
      // Sent over the last 30 days with 5 to 20 working days each: some already late, some due soon, most later.
      const then = { ...deps, now: () => new Date(Date.now() - (i % 30) * DAY) };
      await createAssignment(then, clerk, WORLD.county, { title: `基准任务 ${i + 1}`, body: '请按期办理。', assignees: [WORLD.township], workingDays: 5 + (i % 16) });
    }
    // The tasks reach the township through the tier transport.
    const count = async () => {
      let n = 0;
      let cursor: string | undefined;
      do {
        const page = await listCases(deps.store, WORLD.township, { open: true, limit: 200, cursor });
        n += page.items.length;
        cursor = page.cursor;
      } while (cursor);
      return n;
    };
    for (let waited = 0; (await count()) < CASES; waited++) {
      if (waited > 600) throw new Error(`only ${await count()} of ${CASES} tasks arrived`);
      await sleep(1000);
    }
    log(`workbench: ${CASES} tasks held by ${WORLD.township}`);
    pages.push(await weigh(`worklist, ${CASES.toLocaleString('en')} open (${WORLD.township})`, '/work'));
    pages.push(await weigh('tier inbox', '/work/inbox'));
    pages.push(await weigh('dashboard (北山街道)', `/work/dashboard/${WORLD.township}`));
    pages.push(await weigh('unit administration', `/work/units/${WORLD.township}`));
    return { cases: CASES, renders: RENDERS, pages };
  } finally {
    await world.stop();
  }
}
