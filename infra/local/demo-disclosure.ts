// The demo province's 政务公开: documents written for this project in every category at five tiers (some shared
// down the tree, one republished and so linked to its original, one changed, one withdrawn, some stale, drafts
// near and past their deadline), and requests for information in every state. Through the API as staff and
// citizens would; what happened weeks ago goes through the same domain functions with the clock set back.
import { createDocument } from '../../functions/disclosure/documents';
import { submitRequest } from '../../functions/disclosure/requests';
import { depsFromEnv } from '../../shared/aws/deps-from-env';
import type { Level } from '../../shared/levels';
import type { Principal, Role } from '../../shared/roles';
import { toChinaDate } from '../../shared/working-days';
import { CORPUS } from './disclosure-corpus';
import type { DemoContext } from './runtime';

/** Who publishes at each level of the demo's branch: 浙江省 › 杭州市 › 西湖区 › 北山街道 › 上保社区. */
const PUBLISHERS: Record<Level, { unit: string; role: Role }> = {
  province: { unit: '330000000000', role: 'province-admin' },
  city: { unit: '330100000000', role: 'unit-admin' },
  county: { unit: '330106000000', role: 'staff' },
  township: { unit: '330106002000', role: 'staff' },
  village: { unit: '330106002051', role: 'unit-admin' },
};
const TOWNSHIP = PUBLISHERS.township.unit;
const DAY = 86_400_000;

export async function seedDisclosure(ctx: DemoContext): Promise<void> {
  const call = async <T>(role: Role, unit: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${ctx.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${await ctx.token(role, unit)}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = (await res.json()) as T;
    if (res.status >= 300 && res.status !== 409) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const village = PUBLISHERS.village.unit;
  const seen = await fetch(`${ctx.url}/v1/units/${village}/disclosure/documents?limit=1`).then((r) => r.json() as Promise<{ items?: unknown[] }>);
  if (seen.items?.length) return;
  // 西湖区 publishes through a staff account of its own, in a department of its own.
  const admin = (method: string, path: string, body?: unknown) => call<{ id: string; items?: { id: string; name: string }[] }>('province-admin', PUBLISHERS.province.unit, method, path, body);
  const county = PUBLISHERS.county;
  const depts = await admin('GET', `/v1/units/${county.unit}/departments?limit=100`);
  const deptId = depts.items?.find((d) => d.name === '政务公开办公室')?.id ?? (await admin('POST', `/v1/units/${county.unit}/departments`, { name: '政务公开办公室' })).id;
  await admin('POST', `/v1/units/${county.unit}/staff`, { sub: `demo-staff-${county.unit}`, name: '西湖区政务公开专员', role: 'staff', deptId });

  const deps = await depsFromEnv();
  const past = (days: number) => ({ ...deps, now: () => new Date(Date.now() - days * DAY) });
  const actor = (level: Level): Principal => ({ sub: `demo-${PUBLISHERS[level].role}-${PUBLISHERS[level].unit}`, role: PUBLISHERS[level].role, unit: PUBLISHERS[level].unit });
  const today = toChinaDate(new Date());
  const ids = new Map<string, { id: string; v: number }>();
  const step = async (what: string, run: () => Promise<unknown>) => {
    try {
      await run();
    } catch (e) {
      ctx.log(`demo: 政务公开 ${what} skipped: ${(e as Error).message}`);
    }
  };

  for (const d of CORPUS) {
    const { unit, role } = PUBLISHERS[d.level];
    const input = {
      title: d.title,
      category: d.category,
      subjects: d.subjects,
      body: d.body,
      ...(d.docNumber ? { docNumber: d.docNumber } : {}),
      ...(d.shared ? {} : { reach: { levels: [], units: [] } }),
    };
    await step(d.key, async () => {
      if (d.daysAgo) {
        const then = past(d.daysAgo);
        const made = await createDocument(then, actor(d.level), unit, { ...input, writtenOn: toChinaDate(then.now()), attachments: [] });
        ids.set(d.key, made);
      } else {
        ids.set(d.key, await call<{ id: string; v: number }>(role, unit, 'POST', `/v1/units/${unit}/disclosure/documents`, { ...input, writtenOn: today }));
      }
    });
  }
  await step('republished', () =>
    // The township republishes the province's notice: the same text, so a reference to it, not a second copy.
    call('staff', TOWNSHIP, 'POST', `/v1/units/${TOWNSHIP}/disclosure/documents`, {
      title: '转发《关于做好2026年春季农业生产工作的通知》',
      category: 'policy',
      writtenOn: today,
      body: CORPUS.find((d) => d.key === 'spring-farming')!.body,
      reach: { levels: [], units: [] },
    }),
  );
  await step('changed', async () => {
    const d = ids.get('county-renovation')!;
    await call(county.role, county.unit, 'PATCH', `/v1/units/${county.unit}/disclosure/documents/${d.id}`, {
      v: d.v,
      body: `${CORPUS.find((c) => c.key === 'county-renovation')!.body}（更新：新增文三新村、保俶北路两个小区。）`,
    });
  });
  await step('withdrawn', async () => {
    const d = await call<{ id: string; v: number }>(county.role, county.unit, 'POST', `/v1/units/${county.unit}/disclosure/documents`, {
      title: '西湖区2026年春节期间公交线路临时调整公告',
      category: 'other',
      writtenOn: today,
      body: '春节期间部分公交线路临时调整，节后恢复原线路。',
    });
    await call(county.role, county.unit, 'POST', `/v1/units/${county.unit}/disclosure/documents/${d.id}/withdrawal`, { v: d.v, reason: '调整期已结束，公告失效' });
  });
  await step('drafts', async () => {
    // A draft formed five weeks ago, past its 20 working days, and one formed last week.
    const then = past(35);
    await createDocument(then, actor('township'), TOWNSHIP, { title: '北山街道2026年度部门预算', category: 'budget', subjects: ['预算'], body: '街道2026年度部门预算草稿。', writtenOn: toChinaDate(then.now()), attachments: [], draft: true });
    await call('staff', TOWNSHIP, 'POST', `/v1/units/${TOWNSHIP}/disclosure/documents`, {
      title: '北山街道社区工作者招聘计划',
      category: 'personnel',
      body: '街道计划招聘社区工作者若干名，条件和程序另行公告。',
      writtenOn: toChinaDate(new Date(Date.now() - 7 * DAY)),
      draft: true,
    });
  });

  // Requests for information at 北山街道, one in each state.
  const citizen = (n: number): Principal => ({ sub: `demo-citizen-${n}`, role: 'citizen', unit: village });
  const ask = async (n: number, title: string) => {
    const r = await fetch(`${ctx.url}/v1/units/${TOWNSHIP}/disclosure/requests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await ctx.token('citizen', `${village}`)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title, description: `申请人${n}：申请获取${title}。` }),
    });
    if (r.status !== 201) throw new Error(`request: ${r.status}`);
    return ((await r.json()) as { id: string }).id;
  };
  const act = (id: string, body: unknown) => call('staff', TOWNSHIP, 'POST', `/v1/units/${TOWNSHIP}/disclosure/requests/${id}/actions`, body);
  // Each on its own, so that one refused (a deadline past the calendar's last shipped year, say) leaves the others.
  await step('request received', () => ask(1, '北山街道2026年道路维修计划'));
  await step('request correcting', async () => act(await ask(2, '保俶路沿线停车位规划'), { action: 'correction', note: '请说明需要的是哪一路段' }));
  await step('request consulting', async () => act(await ask(3, '某小区加装电梯财政补助发放情况'), { action: 'consult', thirdParty: '该小区业主委员会' }));
  await step('request extended', async () => act(await ask(4, '街道2025年办公经费支出明细'), { action: 'extend', days: 1, note: '涉及多个科室，需汇总' }));
  await step('request published', async () =>
    act(await ask(5, '北山街道2026年为民办实事项目'), { action: 'reply', reply: { type: 'published', where: `/v1/units/${village}/disclosure/documents` } }),
  );
  await step('request registration', async () =>
    act(await ask(6, '某企业的营业执照登记信息'), { action: 'reply', reply: { type: 'registration', registry: 'market', where: '杭州市市场监督管理局登记窗口' } }),
  );
  await step('request withheld', async () =>
    act(await ask(7, '某居民的个人收入情况'), { action: 'reply', reply: { type: 'withheld', reason: '涉及个人隐私', legalBasis: '《中华人民共和国政府信息公开条例》第十五条' } }),
  );
  await step('request not responsible', async () =>
    act(await ask(8, '西湖区教育局人员编制'), { action: 'reply', reply: { type: 'not-responsible', agency: '西湖区委机构编制委员会办公室' } }),
  );
  await step('request abandoned', async () => {
    const abandoned = await ask(9, '辖区内某工地施工许可');
    await act(abandoned, { action: 'correction', note: '请提供工地名称或地址' });
    await act(abandoned, { action: 'abandon', note: '申请人逾期未补正' });
  });
  // Received five weeks ago and never answered: overdue, for the sweep to flag (and escalate where set).
  await step('request overdue', () =>
    submitRequest(past(35), citizen(10), TOWNSHIP, { title: '北山街道2025年垃圾清运合同', description: '申请获取街道2025年生活垃圾清运服务合同。' }),
  );
  ctx.log(`demo: 政务公开 documents at ${Object.values(PUBLISHERS).map((p) => p.unit).join(', ')} and requests at ${TOWNSHIP} (README: 政务公开)`);
}
