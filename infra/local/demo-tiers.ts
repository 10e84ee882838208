// Work between the tiers of the demo province that a visitor can see at once: 北山街道 sent 上保社区 a task and a
// data request some days ago; 上保社区 has chosen (in its settings) to hand overdue work up, so the overdue sweep
// moves the task, whose deadline has passed, up to 北山街道 with its whole history. The past is written with the
// domain functions on a clock set back, as the demo's documents are; everything else goes through the API.
import { getCase, sweepSubtree } from '../../functions/tiers/escalation';
import { createAssignment, KIND as ASSIGNMENT } from '../../functions/tiers/assignments';
import { createDataRequest } from '../../functions/tiers/data-requests';
import { rulesOf } from '../../functions/tiers/effects';
import { depsFromEnv } from '../../shared/aws/deps-from-env';
import type { Principal } from '../../shared/roles';
import type { DemoContext } from './runtime';

const TOWNSHIP = '330106002000';
const VILLAGE = '330106002051';
const DAY = 86_400_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function seedDemoTiers(ctx: DemoContext): Promise<void> {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${ctx.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${await ctx.token('unit-admin', VILLAGE)}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = (await res.json()) as T;
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const settings = await call<{ v: number; overrides: { escalation?: { onOverdue?: boolean } } }>('GET', `/v1/units/${VILLAGE}/settings`);
  if (settings.overrides.escalation?.onOverdue) return;
  // The settings are saved whole: what the village set before stays.
  await call('PUT', `/v1/units/${VILLAGE}/settings`, { ...settings.overrides, v: settings.v, escalation: { onOverdue: true } });

  const deps = await depsFromEnv();
  const tenDaysAgo = { ...deps, now: () => new Date(Date.now() - 10 * DAY) };
  const clerk: Principal = { sub: `demo-staff-${TOWNSHIP}`, role: 'staff', unit: TOWNSHIP, dept: '综合办公室' };
  const task = await createAssignment(tenDaysAgo, clerk, TOWNSHIP, {
    title: '核查辖区消防通道占用情况',
    body: '请于3个工作日内核查本社区消防通道占用情况，报告核查结果和整改安排。',
    assignees: [VILLAGE],
    workingDays: 3,
  });
  await createDataRequest(deps, clerk, TOWNSHIP, {
    title: '报送2026年度社区人口基本情况',
    body: '请按表格填报本社区户数、常住人口和60岁以上老年人数。',
    assignees: [VILLAGE, '330106002052', '330106002053'],
    workingDays: 10,
    columns: [
      { key: 'households', label: '户数', type: 'integer', required: true },
      { key: 'residents', label: '常住人口', type: 'integer', required: true },
      { key: 'elderly', label: '60岁以上老年人', type: 'integer', required: true },
      { key: 'note', label: '备注', type: 'text', required: false },
    ],
  });
  // The task reaches the village by the tier transport; then the sweep (every quarter hour) finds it overdue.
  for (let i = 0; i < 120 && !(await getCase(deps, VILLAGE, ASSIGNMENT, task.id)); i++) await sleep(250);
  const swept = await sweepSubtree(deps, VILLAGE, rulesOf);
  ctx.log(`demo: 北山街道's task to 上保社区 (due ${task.due}) is overdue: flagged ${swept.flagged}, escalated ${swept.escalated} to 北山街道`);
}
