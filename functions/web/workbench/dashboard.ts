import type { Text } from '../../../shared/i18n';
import type { Reply } from '../../../shared/http/context';
import { LEVEL_NAMES } from '../../../shared/levels';
import { levelOf } from '../../../shared/codes';
import { toChinaDate } from '../../../shared/working-days';
import type { EventKind } from '../../stats/rollup';
import { readStatsOp } from '../../stats/api';
import { freshnessOp } from '../../disclosure/api';
import { CATEGORIES, CATEGORY_CODES } from '../../tickets/model';
import { html } from '../html';
import { t } from '../page';
import { must, W, wbPage, type Staff } from './shell';

const L = {
  own: { zh: '本单位', en: 'This unit' },
  subtree: { zh: '辖区合计', en: 'Whole area' },
  childrenTable: { zh: '各下级单位（点击表头排序，点击名称下钻）', en: 'Each unit below (sort by a column; open a unit to drill down)' },
  unit: { zh: '单位', en: 'Unit' },
  period: { zh: '统计区间', en: 'Period' },
  days: { zh: '最近 {n} 天', en: 'Last {n} days' },
  chartAlt: { zh: '各下级单位受理与办结数柱状图，数据同下表', en: 'Bar chart of cases opened and closed by each unit below; the table below has the same figures' },
  up: { zh: '上一级', en: 'Up one level' },
  categories: { zh: '诉求分类', en: 'Tickets by category' },
  category: { zh: '类别', en: 'Category' },
  noTickets: { zh: '本期没有收到诉求。', en: 'No tickets were filed in this period.' },
  freshness: { zh: '本单位政务公开时效（今日）', en: "This unit's disclosure deadlines (today)" },
  staleColumns: { zh: '栏目已过更新期', en: 'Columns past their update cadence' },
  soonColumns: { zh: '栏目临近更新期', en: 'Columns due for an update soon' },
  lateDrafts: { zh: '草稿已过公开期限', en: 'Drafts past their publication deadline' },
  soonDrafts: { zh: '草稿临近公开期限', en: 'Drafts near their publication deadline' },
} satisfies Record<string, Text>;

type Counts = Record<EventKind, number>;

/** What the dashboard shows of the counters: six counts, and two rates made from them (none when nothing counted). */
const COLUMNS: { key: string; label: Text; of: (c: Counts) => number | undefined }[] = [
  { key: 'opened', label: { zh: '受理', en: 'Opened' }, of: (c) => c.opened ?? 0 },
  { key: 'closed', label: { zh: '办结', en: 'Closed' }, of: (c) => c.closed ?? 0 },
  { key: 'overdue', label: { zh: '超期', en: 'Overdue' }, of: (c) => c.overdue ?? 0 },
  { key: 'escalated', label: { zh: '上报', en: 'Escalated' }, of: (c) => c.escalated ?? 0 },
  { key: 'returned', label: { zh: '退回', en: 'Returned' }, of: (c) => c.returned ?? 0 },
  { key: 'onTimeRate', label: { zh: '按时办结率', en: 'On time' }, of: (c) => rate(c.onTime, (c.onTime ?? 0) + (c.late ?? 0)) },
  {
    key: 'satisfaction',
    label: { zh: '好评率', en: 'Satisfied' },
    of: (c) =>
      rate(
        (c.ratedVerySatisfied ?? 0) + (c.ratedSatisfied ?? 0),
        (['ratedVerySatisfied', 'ratedSatisfied', 'ratedFair', 'ratedDissatisfied', 'ratedVeryDissatisfied'] as const).reduce((n, k) => n + (c[k] ?? 0), 0),
      ),
  },
  // Documents published after their 条例 deadline: rolled up, so each unit below has its figure at no extra cost.
  { key: 'disclosureLate', label: { zh: '逾期公开', en: 'Published late' }, of: (c) => c['disclosure-late'] ?? 0 },
];
const rate = (part: number | undefined, whole: number) => (whole ? Math.round(((part ?? 0) / whole) * 1000) / 10 : undefined);
const shown = (k: string, v: number | undefined) => (v === undefined ? '—' : k.endsWith('Rate') || k === 'satisfaction' ? `${v} %` : String(v));

const PERIODS = [7, 30, 90, 365];
export const daysOf = (q: string | undefined) => (PERIODS.includes(Number(q)) ? Number(q) : 30);

export async function statsFor(s: Staff, code: string, days: number) {
  const to = toChinaDate(s.ctx.deps.now());
  const from = new Date(Date.parse(`${to}T00:00:00Z`) - (days - 1) * 86_400_000).toISOString().slice(0, 10);
  return must(s, s.api(readStatsOp, { params: { code }, query: { from, to } }));
}

/** The unit's own and subtree figures, each child in a table sorted on the server (links, no script), and a chart. */
export async function dashboardPage(s: Staff, code: string, q: { sort?: string; days?: string }): Promise<Reply> {
  const days = daysOf(q.days);
  // The unit's own stale and overdue documents, read beside the figures; a reader it is not for sees the rest.
  const [st, fresh] = await Promise.all([statsFor(s, code, days), s.api(freshnessOp, { params: { code } })]);
  const desc = q.sort?.startsWith('-') ?? false;
  const key = (q.sort ?? '').replace(/^-/, '');
  const children = [...(st.children as any[])];
  const column = COLUMNS.find((c) => c.key === key);
  if (column) children.sort((a, b) => ((column.of(a.subtree) ?? -1) - (column.of(b.subtree) ?? -1)) * (desc ? -1 : 1) || a.code.localeCompare(b.code));
  else if (key === 'name') children.sort((a, b) => a.name.localeCompare(b.name, 'zh-CN') * (desc ? -1 : 1));
  const self = `/work/dashboard/${code}`;
  const sortLink = (k: string, label: string) => {
    const on = key === k;
    const next = on && !desc ? `-${k}` : k;
    return html`<th scope="col" class="${k === 'name' ? '' : 'num'}"${on ? html` aria-sort="${desc ? 'descending' : 'ascending'}"` : ''}><a href="${self}?days=${days}&amp;sort=${next}">${label}${on ? (desc ? ' ▼' : ' ▲') : ''}</a></th>`;
  };
  const cards = (label: Text, counts: Counts, id: string) =>
    html`<section aria-labelledby="${id}"><h2 id="${id}">${t(s.ctx, label)}</h2><dl class="bar">${COLUMNS.map(
      (c) => html`<div><dt>${t(s.ctx, c.label)}</dt><dd><span class="figure" data-figure="${id}-${c.key}">${shown(c.key, c.of(counts))}</span></dd></div>`,
    )}</dl></section>`;
  const body = html`<h1>${t(s.ctx, W.dashboard)} · ${st.name}</h1>
<p>${t(s.ctx, LEVEL_NAMES[levelOf(code)])} · ${t(s.ctx, L.period)}：${st.from} – ${st.to}</p>
<p class="bar">${PERIODS.map((n) => (n === days ? html`<strong>${t(s.ctx, L.days).replace('{n}', String(n))}</strong>` : html`<a href="${self}?days=${n}">${t(s.ctx, L.days).replace('{n}', String(n))}</a>`))}</p>
${cards(L.own, st.own, 'own')}
${cards(L.subtree, st.subtree, 'subtree')}
${categoryTable(s, st.own, st.subtree)}
${fresh.status === 200 ? freshnessCards(s, fresh.body) : ''}
${
  children.length
    ? html`<h2>${t(s.ctx, L.childrenTable)}</h2>
<img class="chart" src="${self}/chart.svg?days=${days}" width="640" height="320" alt="${t(s.ctx, L.chartAlt)}">
<div class="table-scroll"><table class="wb" id="children"><thead><tr>${sortLink('name', t(s.ctx, L.unit))}${COLUMNS.map((c) => sortLink(c.key, t(s.ctx, c.label)))}</tr></thead>
<tbody>${children.map((c) => html`<tr><th scope="row"><a href="/work/dashboard/${c.code}?days=${days}">${c.name}</a></th>${COLUMNS.map((col) => html`<td class="num">${shown(col.key, col.of(c.subtree))}</td>`)}</tr>`)}</tbody></table></div>`
    : ''
}`;
  return wbPage(s, { title: `${t(s.ctx, W.dashboard)} · ${st.name}`, body, crumbs: [{ href: self, label: st.name }] });
}

/** Tickets filed in the period by category, most first; categories nobody filed under are left out. */
function categoryTable(s: Staff, own: Counts, subtree: Counts) {
  const rows = CATEGORY_CODES.map((c) => ({ c, own: own[`ticket-${c}`] ?? 0, all: subtree[`ticket-${c}`] ?? 0 }))
    .filter((r) => r.all > 0)
    .sort((a, b) => b.all - a.all || a.c.localeCompare(b.c));
  return html`<section aria-labelledby="categories"><h2 id="categories">${t(s.ctx, L.categories)}</h2>${
    rows.length
      ? html`<div class="table-scroll"><table class="wb" id="ticket-categories"><thead><tr><th scope="col">${t(s.ctx, L.category)}</th><th scope="col" class="num">${t(s.ctx, L.own)}</th><th scope="col" class="num">${t(s.ctx, L.subtree)}</th></tr></thead>
<tbody>${rows.map((r) => html`<tr data-category="${r.c}"><th scope="row">${t(s.ctx, CATEGORIES[r.c])}</th><td class="num">${r.own}</td><td class="num">${r.all}</td></tr>`)}</tbody></table></div>`
      : html`<p>${t(s.ctx, L.noTickets)}</p>`
  }</section>`;
}

/** The unit's columns and drafts that are stale or overdue, and those about to be (freshness, as of today). */
function freshnessCards(s: Staff, f: { columns: { state: string }[]; drafts: { state: string }[] }) {
  const n = (list: { state: string }[], state: string) => list.filter((x) => x.state === state).length;
  const figures: [string, Text, number][] = [
    ['stale-columns', L.staleColumns, n(f.columns, 'overdue')],
    ['soon-columns', L.soonColumns, n(f.columns, 'due-soon')],
    ['late-drafts', L.lateDrafts, n(f.drafts, 'overdue')],
    ['soon-drafts', L.soonDrafts, n(f.drafts, 'due-soon')],
  ];
  return html`<section aria-labelledby="freshness"><h2 id="freshness">${t(s.ctx, L.freshness)}</h2><dl class="bar">${figures.map(
    ([id, label, v]) => html`<div><dt>${t(s.ctx, label)}</dt><dd><span class="figure${v > 0 && (id.startsWith('stale') || id.startsWith('late')) ? ' due-late' : ''}" data-figure="${id}">${v}</span></dd></div>`,
  )}</dl></section>`;
}

/**
 * The chart, drawn on the server by Apache ECharts (its SSR mode, to SVG) and served as an image of this origin: the
 * page carries no script and keeps its strict CSP, the figures are also in the table beside it, and the library is
 * loaded only when a dashboard's chart is asked for.
 */
export async function chartSvg(s: Staff, code: string, days: number): Promise<Reply> {
  const st = await statsFor(s, code, days);
  const echarts = await import('echarts');
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 640, height: 320 });
  const kids = st.children as any[];
  chart.setOption({
    animation: false,
    textStyle: { fontFamily: 'Noto Sans CJK SC, sans-serif' },
    legend: { top: 4 },
    grid: { left: 48, right: 16, top: 40, bottom: 72 },
    xAxis: { type: 'category', data: kids.map((c) => c.name), axisLabel: { rotate: kids.length > 6 ? 45 : 0, interval: 0 } },
    yAxis: { type: 'value', minInterval: 1 },
    color: ['#0b4ea2', '#1e7b34', '#a4161a'],
    series: COLUMNS.slice(0, 3).map((col) => ({ type: 'bar', name: t(s.ctx, col.label), data: kids.map((c) => col.of(c.subtree) ?? 0) })),
  });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return {
    status: 200,
    body: svg,
    type: 'image/svg+xml; charset=utf-8',
    headers: { 'cache-control': 'private, max-age=60', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'", 'x-content-type-options': 'nosniff' },
  };
}
