import { ApiError } from '../../shared/errors';
import type { Reply } from '../../shared/http/context';
import type { Text } from '../../shared/i18n';
import {
  BUSINESS_STAGE_LABELS,
  browse,
  guide,
  ITEM_TYPE_LABELS,
  KIND_LABELS,
  LIFE_EVENT_LABELS,
  ONLINE_LABELS,
  search,
  type Topic,
} from '../services/catalog';
import { progress, REF_PATTERN, type Status } from '../services/applications';
import { isUnitCode } from '../../shared/codes';
import { html, type Html } from './html';
import { layout } from './layout';
import { htmlReply, t, type PageContext } from './page';
import { crumbsOf, notFoundPage } from './pages';
import { unitView } from './site';

/** The services pages: the catalogue by life event and business stage, each service guide (办事指南), case progress. */

const PAGE = 50;

const LIFE_EN: Record<keyof typeof LIFE_EVENT_LABELS, string> = {
  birth: 'Having a baby',
  school: 'Going to school',
  employment: 'Work',
  family: 'Marriage and family',
  housing: 'Housing',
  'social-insurance': 'Social insurance',
  medical: 'Medical care',
  elderly: 'Old age',
  'after-death': 'After a death',
  household: 'Household registration',
  travel: 'Travel',
  relief: 'Assistance',
};
const BIZ_EN: Record<keyof typeof BUSINESS_STAGE_LABELS, string> = {
  start: 'Starting up',
  permit: 'Licences to operate',
  operate: 'Running a business',
  change: 'Changes',
  close: 'Closing down',
  construction: 'Investment and building',
  hiring: 'Hiring',
  tax: 'Tax',
};

export const STATUS: Record<Status, Text> = {
  submitted: { zh: '已提交，待受理', en: 'Submitted, waiting to be accepted' },
  supplement: { zh: '待补正材料', en: 'Waiting for more documents from you' },
  accepted: { zh: '已受理', en: 'Accepted' },
  rejected: { zh: '不予受理', en: 'Not accepted' },
  'in-review': { zh: '审查中', en: 'Being reviewed' },
  approved: { zh: '已批准', en: 'Approved' },
  denied: { zh: '不予批准', en: 'Refused' },
  completed: { zh: '已办结', en: 'Completed' },
};

const L = {
  services: { zh: '办事服务', en: 'Services' },
  byLife: { zh: '个人办事：按人生事件', en: 'For residents: by life event' },
  byBiz: { zh: '企业办事：按经营阶段', en: 'For businesses: by stage' },
  search: { zh: '搜索事项', en: 'Search services' },
  searchButton: { zh: '搜索', en: 'Search' },
  all: { zh: '全部事项', en: 'All services' },
  none: { zh: '没有找到相关事项。', en: 'No services found.' },
  more: { zh: '下一页', en: 'Next page' },
  doneAt: { zh: '办理地', en: 'Done at' },
  promised: { zh: '承诺时限', en: 'Promised within' },
  workingDays: { zh: '{n} 个工作日', en: '{n} working days' },
  onTheSpot: { zh: '当场办结', en: 'done on the spot' },
  guide: { zh: '办事指南', en: 'Service guide' },
  type: { zh: '事项类型', en: 'Kind of service' },
  competent: { zh: '主管部门', en: 'Responsible department' },
  basis: { zh: '设定依据', en: 'Legal basis' },
  conditions: { zh: '办理条件', en: 'Who can apply' },
  materials: { zh: '申请材料', en: 'Documents to bring' },
  material: { zh: '材料名称', en: 'Document' },
  needed: { zh: '是否必需', en: 'Required' },
  copies: { zh: '份数', en: 'Copies' },
  yes: { zh: '必需', en: 'Yes' },
  no: { zh: '视情况', en: 'If it applies' },
  fee: { zh: '收费标准', en: 'Fee' },
  limits: { zh: '办理时限', en: 'Time limits' },
  statutory: { zh: '法定办结时限', en: 'Statutory limit' },
  where: { zh: '办理地点', en: 'Where to go' },
  department: { zh: '办理部门', en: 'Department' },
  address: { zh: '地址', en: 'Address' },
  hours: { zh: '办公时间', en: 'Opening hours' },
  phone: { zh: '咨询电话', en: 'Phone' },
  online: { zh: '网办深度', en: 'Online' },
  form: { zh: '申请表内容', en: 'What the application form asks' },
  applyOnline: { zh: '在线申请', en: 'Apply online' },
  print: { zh: '打印本页可在窗口使用。', en: 'Print this page to take to the counter.' },
  progress: { zh: '办件进度查询', en: 'Check an application' },
  progressLede: { zh: '输入办件编号和申请人姓名。', en: "Enter the reference number and the applicant's name." },
  ref: { zh: '办件编号', en: 'Reference number' },
  refHint: { zh: '例如 330106000000-260302-7K3D9Q', en: 'For example 330106000000-260302-7K3D9Q' },
  name: { zh: '申请人姓名', en: "Applicant's name" },
  check: { zh: '查询', en: 'Check' },
  notFoundCase: {
    zh: '没有找到：请核对办件编号和申请人姓名。',
    en: 'Nothing found: check the reference number and the name.',
  },
  status: { zh: '办理状态', en: 'Status' },
  due: { zh: '办结期限', en: 'Due by' },
  overdue: { zh: '已超期，已督促办理单位。', en: 'Overdue; the office has been told.' },
  applicant: { zh: '申请人', en: 'Applicant' },
  steps: { zh: '办理过程', en: 'What has happened' },
  errorRef: { zh: '请填写正确的办件编号，例如 330106000000-260302-7K3D9Q', en: 'Enter a valid reference number, e.g. 330106000000-260302-7K3D9Q' },
  errorName: { zh: '请填写申请人姓名', en: "Enter the applicant's name" },
  errorSummary: { zh: '请修改以下问题', en: 'There is a problem' },
} satisfies Record<string, Text>;

const days = (ctx: PageContext, n: number) => (n === 0 ? t(ctx, L.onTheSpot) : t(ctx, L.workingDays).replace('{n}', String(n)));
const lifeLabel = (ctx: PageContext, k: keyof typeof LIFE_EVENT_LABELS) => (ctx.lang === 'en' ? LIFE_EN[k] : LIFE_EVENT_LABELS[k]);
const bizLabel = (ctx: PageContext, k: keyof typeof BUSINESS_STAGE_LABELS) => (ctx.lang === 'en' ? BIZ_EN[k] : BUSINESS_STAGE_LABELS[k]);

/** The unit home's services block: the ways into the catalogue. */
export function servicesBlock(ctx: PageContext, code: string): Html {
  const base = `/units/${code}/services`;
  return html`<section aria-labelledby="services"><h2 id="services">${t(ctx, L.services)}</h2>
<h3>${t(ctx, L.byLife)}</h3>
<ul class="units">${(Object.keys(LIFE_EVENT_LABELS) as (keyof typeof LIFE_EVENT_LABELS)[]).map((k) => html`<li><a href="${base}?life=${k}">${lifeLabel(ctx, k)}</a></li>`)}</ul>
<h3>${t(ctx, L.byBiz)}</h3>
<ul class="units">${(Object.keys(BUSINESS_STAGE_LABELS) as (keyof typeof BUSINESS_STAGE_LABELS)[]).map((k) => html`<li><a href="${base}?biz=${k}">${bizLabel(ctx, k)}</a></li>`)}</ul>
${searchForm(ctx, code, '')}
<p><a href="${base}">${t(ctx, L.all)}</a> · <a href="/progress">${t(ctx, L.progress)}</a></p></section>`;
}

export function searchForm(ctx: PageContext, code: string, q: string): Html {
  return html`<form class="search" method="get" action="/units/${code}/services" role="search">
<label for="q">${t(ctx, L.search)}</label>
<div class="row"><input id="q" name="q" type="search" maxlength="50" value="${q}"><button class="button" type="submit">${t(ctx, L.searchButton)}</button></div>
</form>`;
}

export async function catalogPage(ctx: PageContext, code: string, query: { life?: string; biz?: string; q?: string; cursor?: string }): Promise<Reply> {
  const v = isUnitCode(code) ? await unitView(ctx.deps.store, code) : undefined;
  if (!v) return notFoundPage(ctx);
  const life = query.life && Object.hasOwn(LIFE_EVENT_LABELS, query.life) ? (query.life as keyof typeof LIFE_EVENT_LABELS) : undefined;
  const biz = query.biz && Object.hasOwn(BUSINESS_STAGE_LABELS, query.biz) ? (query.biz as keyof typeof BUSINESS_STAGE_LABELS) : undefined;
  if ((query.life && !life) || (query.biz && !biz)) return notFoundPage(ctx);
  const q = query.q?.trim().slice(0, 50) ?? '';
  const topic: Topic | undefined = life ? { life } : biz ? { biz } : undefined;
  let found: Awaited<ReturnType<typeof browse>>;
  try {
    found = q ? await search(ctx.deps.store, code, q, PAGE) : await browse(ctx.deps.store, code, topic, PAGE, query.cursor);
  } catch (e) {
    if (e instanceof ApiError && e.code === 'invalid_cursor') return notFoundPage(ctx);
    throw e;
  }
  const title = life ? lifeLabel(ctx, life) : biz ? bizLabel(ctx, biz) : q ? `${t(ctx, L.search)}：${q}` : t(ctx, L.all);
  const names = new Map([...v.ancestors, v.unit].map((u) => [u.code, u.name]));
  const filter = life ? `life=${life}&` : biz ? `biz=${biz}&` : '';
  const body = html`<h1>${title}</h1>
${searchForm(ctx, code, q)}
${
  found.items.length
    ? html`<ul class="items">${found.items.map(
        (i) => html`<li><a href="/units/${code}/services/${i.unit}/${i.code}">${i.name}</a>
<span>${i.competentDepartment} · ${KIND_LABELS[i.kind]} · ${ONLINE_LABELS[i.online]} · ${t(ctx, L.promised)} ${days(ctx, i.offer.promisedDays)} · ${t(ctx, L.doneAt)} ${names.get(i.offer.at) ?? i.offer.at}</span></li>`,
      )}</ul>`
    : html`<p>${t(ctx, L.none)}</p>`
}
${found.cursor ? html`<p class="pager"><a href="/units/${code}/services?${filter}cursor=${encodeURIComponent(found.cursor)}">${t(ctx, L.more)}</a></p>` : ''}`;
  return htmlReply(
    200,
    layout(ctx, {
      title: `${title} - ${v.unit.name}`,
      body,
      site: v.site,
      crumbs: crumbsOf(ctx, v, { href: `/units/${code}/services`, label: t(ctx, L.services) }),
      canonical: `${ctx.origin}/units/${code}/services${life ? `?life=${life}` : biz ? `?biz=${biz}` : ''}`,
    }),
  );
}

export async function guidePage(ctx: PageContext, code: string, definer: string, item: string): Promise<Reply> {
  const v = isUnitCode(code) && isUnitCode(definer) ? await unitView(ctx.deps.store, code) : undefined;
  if (!v) return notFoundPage(ctx);
  let g: Awaited<ReturnType<typeof guide>>;
  try {
    g = await guide(ctx.deps.store, code, definer, item);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return notFoundPage(ctx);
    throw e;
  }
  const names = new Map([...v.ancestors, v.unit].map((u) => [u.code, u.name]));
  const o = g.offer;
  const row = (k: Text, value: string | Html | undefined) => (value ? html`<dt>${t(ctx, k)}</dt><dd>${value}</dd>` : '');
  const body = html`<h1>${g.name}</h1>
<p class="lede">${t(ctx, L.guide)} · ${names.get(o.at) ?? o.at}</p>
<dl class="facts">
${row(L.type, ITEM_TYPE_LABELS[g.type])}
${row(L.competent, g.competentDepartment)}
${row(L.online, ONLINE_LABELS[g.online])}
</dl>
<h2>${t(ctx, L.where)}</h2>
<dl class="facts">
${row(L.doneAt, names.get(o.at) ?? o.at)}
${row(L.department, o.department)}
${row(L.address, o.address)}
${row(L.hours, o.hours)}
${row(L.phone, o.phone)}
</dl>
<h2>${t(ctx, L.limits)}</h2>
<dl class="facts">
${row(L.promised, `${days(ctx, o.promisedDays)}（${KIND_LABELS[g.kind]}）`)}
${row(L.statutory, days(ctx, g.statutoryDays))}
</dl>
<h2>${t(ctx, L.conditions)}</h2><p class="prose">${g.conditions}</p>
<h2>${t(ctx, L.materials)}</h2>
<div class="scroll"><table><thead><tr><th scope="col">${t(ctx, L.material)}</th><th scope="col">${t(ctx, L.needed)}</th><th scope="col">${t(ctx, L.copies)}</th></tr></thead>
<tbody>${g.materials.map((m) => html`<tr><td>${m.name}${m.note ? html`<br><small>${m.note}</small>` : ''}</td><td>${t(ctx, m.required ? L.yes : L.no)}</td><td>${m.copies ?? 1}</td></tr>`)}</tbody></table></div>
<h2>${t(ctx, L.fee)}</h2><p>${g.fee}</p>
<h2>${t(ctx, L.basis)}</h2><p class="prose">${g.legalBasis}</p>
${g.form.length ? html`<h2>${t(ctx, L.form)}</h2><ul>${g.form.map((f) => html`<li>${f.label}</li>`)}</ul>` : ''}
<p class="noprint"><a class="button" href="/units/${o.at}/services/${definer}/${item}/apply">${t(ctx, L.applyOnline)}</a></p>
<p class="lede noprint">${t(ctx, L.print)}</p>`;
  return htmlReply(
    200,
    layout(ctx, {
      title: `${g.name} - ${t(ctx, L.guide)}`,
      body,
      site: v.site,
      crumbs: crumbsOf(ctx, v, { href: `/units/${code}/services`, label: t(ctx, L.services) }).concat({ href: '', label: g.name }),
      canonical: `${ctx.origin}/units/${code}/services/${definer}/${item}`,
      description: `${g.name}：${t(ctx, L.guide)}`,
    }),
  );
}

/** Case status by reference number and name: a GET form, so the answer has an address and needs no script. */
export async function progressPage(ctx: PageContext, query: { ref?: string; name?: string }): Promise<Reply> {
  const asked = query.ref !== undefined || query.name !== undefined;
  const ref = query.ref?.trim().toUpperCase() ?? '';
  const name = query.name?.trim() ?? '';
  const errors: { field: 'ref' | 'name'; text: Text }[] = [];
  if (asked && !REF_PATTERN.test(ref)) errors.push({ field: 'ref', text: L.errorRef });
  if (asked && (name.length === 0 || name.length > 100)) errors.push({ field: 'name', text: L.errorName });
  let result: Awaited<ReturnType<typeof progress>> | undefined;
  let missing = false;
  if (asked && errors.length === 0) {
    try {
      result = await progress(ctx.deps.store, ref, name);
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 404)) throw e;
      missing = true;
    }
  }
  const err = (f: 'ref' | 'name') => errors.find((e) => e.field === f);
  const field = (f: 'ref' | 'name', label: Text, value: string, hint?: Text) => html`<div class="field${err(f) ? ' invalid' : ''}">
<label for="${f}">${t(ctx, label)}</label>
${hint ? html`<p class="hint" id="${f}-hint">${t(ctx, hint)}</p>` : ''}
${err(f) ? html`<p class="error" id="${f}-error">${t(ctx, err(f)!.text)}</p>` : ''}
<input id="${f}" name="${f}" value="${value}" autocomplete="${f === 'name' ? 'name' : 'off'}"${err(f) ? html` aria-invalid="true" aria-describedby="${f}-error"` : hint ? html` aria-describedby="${f}-hint"` : ''}>
</div>`;
  const body = html`<h1>${t(ctx, L.progress)}</h1>
${
  errors.length
    ? html`<div class="errors" role="alert"><h2>${t(ctx, L.errorSummary)}</h2><ul>${errors.map((e) => html`<li><a href="#${e.field}">${t(ctx, e.text)}</a></li>`)}</ul></div>`
    : ''
}
${missing ? html`<p class="panel" role="alert">${t(ctx, L.notFoundCase)}</p>` : ''}
${
  result
    ? html`<section aria-labelledby="result"><h2 id="result">${result.title}</h2>
<dl class="facts"><dt>${t(ctx, L.ref)}</dt><dd>${result.ref}</dd>
<dt>${t(ctx, L.status)}</dt><dd><strong>${t(ctx, STATUS[result.status as Status] ?? { zh: result.status, en: result.status })}</strong></dd>
${result.due ? html`<dt>${t(ctx, L.due)}</dt><dd>${result.due}</dd>` : ''}
<dt>${t(ctx, L.applicant)}</dt><dd>${result.applicant.name} ${result.applicant.idNumber}</dd></dl>
${result.overdue ? html`<p class="panel">${t(ctx, L.overdue)}</p>` : ''}
<h3>${t(ctx, L.steps)}</h3><ol>${result.steps.map((s) => html`<li>${s.at.slice(0, 16).replace('T', ' ')} ${t(ctx, STATUS[s.status as Status] ?? { zh: s.status, en: s.status })}</li>`)}</ol></section>`
    : html`<p class="lede">${t(ctx, L.progressLede)}</p>`
}
<form method="get" action="/progress" novalidate>
${field('ref', L.ref, ref, L.refHint)}
${field('name', L.name, name)}
<button class="button" type="submit">${t(ctx, L.check)}</button>
</form>`;
  return htmlReply(errors.length ? 400 : missing ? 404 : 200, layout(ctx, { title: t(ctx, L.progress), body, crumbs: [{ href: '/', label: t(ctx, { zh: '首页', en: 'Home' }) }, { href: '/progress', label: t(ctx, L.progress) }] }));
}
