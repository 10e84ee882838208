import { createHash } from 'node:crypto';
import type { Text } from '../../../shared/i18n';
import type { Reply } from '../../../shared/http/context';
import { LEVEL_NAMES } from '../../../shared/levels';
import { levelOf } from '../../../shared/codes';
import type { Principal } from '../../../shared/roles';
import { html, type Html } from '../html';
import { layout, type Crumb } from '../layout';
import { htmlReply, redirect, t, type PageContext } from '../page';
import { csrfMatches } from '../session';
import type { ApiAnswer, ApiClient } from './client';

/** The roles that work for a unit; citizens and businesses have the portal. */
const STAFF_ROLES = new Set(['staff', 'unit-admin', 'province-admin', 'auditor']);

export const W = {
  workbench: { zh: '工作台', en: 'Workbench' },
  worklist: { zh: '待办', en: 'Worklist' },
  inbox: { zh: '收件箱', en: 'Inbox' },
  dashboard: { zh: '统计看板', en: 'Dashboard' },
  units: { zh: '区划与单位', en: 'Units' },
  people: { zh: '部门与人员', en: 'People' },
  settings: { zh: '单位设置', en: 'Settings' },
  audit: { zh: '审计日志', en: 'Audit log' },
  publishing: { zh: '政务公开', en: 'Publishing' },
  nav: { zh: '工作台导航', en: 'Workbench' },
  notStaff: { zh: '工作台仅供工作人员使用', en: 'The workbench is for staff' },
  notStaffBody: { zh: '您登录的账户不是工作人员账户。', en: 'The account you signed in with is not a staff account.' },
  signIn: { zh: '请先登录', en: 'Please sign in' },
  signInBody: { zh: '工作台需要以工作人员身份登录。', en: 'The workbench needs a staff sign-in.' },
  badForm: { zh: '表单已过期，请刷新页面后再提交。', en: 'This form has expired; reload the page and send it again.' },
  refused: { zh: '未能完成', en: 'Not done' },
  changed: {
    zh: '这条记录刚刚被他人办理过，下面是它现在的状态；请确认后再操作。',
    en: 'Someone else has just acted on this record; below is its current state. Check it before you act.',
  },
} satisfies Record<string, Text>;

export interface Staff {
  ctx: PageContext;
  me: Principal;
  api: ApiClient;
}

/** What a workbench page is given; a reply instead when the reader is not signed in as staff. */
export function staffOf(ctx: PageContext, clientFor: (ctx: PageContext) => ApiClient): Staff | Reply {
  const s = ctx.signedIn?.session;
  if (!s) {
    const body = html`<h1>${t(ctx, W.signIn)}</h1><p>${t(ctx, W.signInBody)}</p>
<p><a class="button" href="/sign-in?back=${encodeURIComponent(ctx.here)}">${t(ctx, W.signIn)}</a></p>`;
    return htmlReply(401, layout(ctx, { title: t(ctx, W.signIn), body, styles: [STYLE_HREF] }));
  }
  if (!STAFF_ROLES.has(s.principal.role)) {
    const body = html`<h1>${t(ctx, W.notStaff)}</h1><p>${t(ctx, W.notStaffBody)}</p><p><a href="/me">/me</a></p>`;
    return htmlReply(403, layout(ctx, { title: t(ctx, W.notStaff), body, styles: [STYLE_HREF] }));
  }
  return { ctx, me: s.principal, api: clientFor(ctx) };
}

export const isReply = (x: Staff | Reply): x is Reply => 'status' in x;

/** Links by role: what each role can use at all (the API still decides each unit). */
function navOf(s: Staff): { href: string; label: Text }[] {
  const { role, unit } = s.me;
  const admin = role === 'province-admin' || role === 'unit-admin';
  return [
    { href: '/work', label: W.worklist },
    ...(role !== 'auditor' ? [{ href: '/work/inbox', label: W.inbox }] : []),
    { href: `/work/dashboard/${unit}`, label: W.dashboard },
    { href: `/work/documents/${unit}`, label: W.publishing },
    ...(admin || role === 'auditor' ? [{ href: `/work/units/${unit}`, label: W.units }] : []),
    ...(admin || role === 'auditor' ? [{ href: `/work/people/${unit}`, label: W.people }] : []),
    ...(admin ? [{ href: `/work/settings/${unit}`, label: W.settings }] : []),
    ...(role === 'auditor' ? [{ href: `/work/audit/${unit}`, label: W.audit }] : []),
  ];
}

export const unitLabel = (s: Staff, code: string, name?: string) =>
  `${name ?? code}（${t(s.ctx, LEVEL_NAMES[levelOf(code)])}）`;

/** A workbench page: the portal's layout, the workbench's navigation above the body, its stylesheet. */
export function wbPage(s: Staff, p: { title: string; body: Html; status?: number; crumbs?: Crumb[]; head?: Html; scripts?: string[] }): Reply {
  const here = s.ctx.event.rawPath;
  const nav = html`<nav class="wb" aria-label="${t(s.ctx, W.nav)}"><ul>${navOf(s).map((n) =>
    html`<li><a href="${n.href}"${here === n.href ? html` aria-current="page"` : ''}>${t(s.ctx, n.label)}</a></li>`,
  )}</ul></nav>`;
  const crumbs = [{ href: '/work', label: t(s.ctx, W.workbench) }, ...(p.crumbs ?? [])];
  const page = layout(s.ctx, { title: p.title, body: html`${nav}${p.body}`, crumbs, styles: [STYLE_HREF], scripts: p.scripts });
  return htmlReply(p.status ?? 200, p.head ? page.replace('</head>', `${p.head.text}</head>`) : page);
}

export const csrfField = (s: Staff) => html`<input type="hidden" name="csrf" value="${s.ctx.signedIn!.session.csrf}">`;

export const formOk = (s: Staff, sent: unknown) => csrfMatches(s.ctx.signedIn!.session, sent);

export function badForm(s: Staff): Reply {
  return wbPage(s, { title: t(s.ctx, W.badForm), body: html`<h1>${t(s.ctx, W.badForm)}</h1>`, status: 403 });
}

export interface Refusal {
  status: number;
  message: string;
  fields: { path: string; message: string }[];
}

export const refusalOf = (a: ApiAnswer): Refusal | undefined =>
  a.status < 400
    ? undefined
    : { status: a.status, message: String(a.body?.error?.message ?? a.status), fields: Array.isArray(a.body?.error?.fields) ? a.body.error.fields : [] };

/** The API's refusal, shown where the form that caused it is. */
export const refusalBlock = (s: Staff, r: Refusal | undefined, id = 'refusal') =>
  r
    ? html`<div class="refusal" role="alert" id="${id}"><p><strong>${t(s.ctx, W.refused)}：</strong>${r.message}</p>
${r.fields.length ? html`<ul>${r.fields.map((f) => html`<li>${f.message}</li>`)}</ul>` : ''}</div>`
    : '';

/** A field's own message, next to it. */
export const fieldError = (r: Refusal | undefined, path: string) => {
  const f = r?.fields.find((x) => x.path === path || x.path.startsWith(`${path}.`));
  return f ? html`<span class="field-error">${f.message}</span>` : '';
};

/** Reads that a page needs: a refusal becomes the page's error (403/404 as they are). */
export async function must(s: Staff, a: Promise<ApiAnswer>): Promise<any> {
  const answer = await a;
  const r = refusalOf(answer);
  if (r) throw new PageRefusal(r);
  return answer.body;
}

export class PageRefusal extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.message);
  }
}

export function refusalPage(s: Staff, r: Refusal): Reply {
  return wbPage(s, { title: t(s.ctx, W.refused), body: html`<h1>${t(s.ctx, W.refused)}</h1>${refusalBlock(s, r)}`, status: r.status });
}

/** A wide table in a region of its own that scrolls sideways and that keyboard users reach with Tab. */
export const scrollRegion = (label: string, table: Html) => html`<div class="table-scroll" tabindex="0" role="region" aria-label="${label}">${table}</div>`;

export const back = redirect;

export const fmtTime = (iso: string | undefined) => (iso ? iso.slice(0, 16).replace('T', ' ') : '');

export const WB_STYLES = `
nav.wb{margin:.75rem 0 0;border-bottom:2px solid var(--line)}
nav.wb ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1.25rem}
nav.wb a{display:inline-block;padding:.35rem 0;font-weight:700}
nav.wb a[aria-current=page]{color:var(--ink);text-decoration:none;border-bottom:3px solid var(--brand)}
table.wb{border-collapse:collapse;width:100%;margin:.5rem 0 1rem;font-size:.95rem}
table.wb th,table.wb td{border-bottom:1px solid var(--line);padding:.4rem .5rem;text-align:left;vertical-align:top}
table.wb th{background:var(--soft)}
table.wb th{white-space:nowrap}
table.wb .num{text-align:right;font-variant-numeric:tabular-nums}
.table-scroll{overflow-x:auto}
.due-soon{background:#fff4c2}
.due-late{background:#fde0de}
.tag{display:inline-block;border:1px solid currentColor;padding:0 .35rem;font-size:.85rem;white-space:nowrap}
.due-late .tag{color:#8a1111}
.due-soon .tag{color:#5c4400}
.refusal{border:2px solid #b3261e;background:#fdecea;padding:.5rem 1rem;margin:.75rem 0}
.refusal p{margin:.25rem 0}
.field-error{display:block;color:#8a1111;font-weight:700}
.notice-ok{border-left:4px solid #1e7b34;background:#e8f5ec;padding:.5rem 1rem;margin:.75rem 0}
form.wb{margin:.75rem 0;display:grid;gap:.5rem;max-width:40rem}
form.wb label{font-weight:700}
form.wb input[type=text],form.wb input[type=number],form.wb textarea,form.wb select{font:inherit;padding:.4rem;border:1px solid var(--muted);width:100%}
.actions{display:flex;flex-wrap:wrap;gap:.5rem;align-items:flex-end;margin:.5rem 0}
.actions form{margin:0}
ol.timeline{list-style:none;padding:0;margin:0;border-left:3px solid var(--line)}
ol.timeline li{padding:.25rem 0 .5rem 1rem}
progress{width:100%;height:1.5rem}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.bar{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem}
dl.bar{margin:0}
dl.bar dd{margin:0}
.figure{font-size:1.6rem;font-weight:700;display:block}
.chart{max-width:100%;height:auto;border:1px solid var(--line)}
.hint{display:block;color:var(--muted);font-size:.9rem}
ul.dupes{list-style:none;padding:0;margin:0}
ul.dupes>li{border:1px solid var(--line);padding:.25rem 1rem;margin:.5rem 0}
ul.dupes p{margin:.25rem 0}
form.wb.step{border-top:1px solid var(--line);padding-top:.75rem}
ul.dupes form.wb.step{border-top:0;padding-top:0}
.doc-body{white-space:pre-wrap;overflow-wrap:anywhere;font:inherit;border-left:4px solid var(--line);padding:.25rem 1rem;margin:.75rem 0}
details.yours{border:2px dashed var(--muted);padding:.5rem 1rem;margin:.75rem 0}
details.yours summary{font-weight:700;cursor:pointer}
form.inline{display:flex;flex-wrap:wrap;gap:.35rem;align-items:center;margin:0}
form.inline input[type=text],form.inline select{font:inherit;padding:.3rem;border:1px solid var(--muted);max-width:12rem}
form.inline .button{padding:.3rem .75rem}
form.inline .field-error{flex-basis:100%}
label.check{display:block;font-weight:400}
fieldset{border:1px solid var(--line);padding:.5rem 1rem}
legend{font-weight:700}
ul.plain{list-style:none;margin:0;padding:0}
tr[data-source=here] th,td[data-source=here]{background:#eef6ff}
`.replace(/\n/g, '');

export const STYLE_FILE = `wb.${createHash('sha256').update(WB_STYLES).digest('hex').slice(0, 12)}.css`;
export const STYLE_HREF = `/work/assets/${STYLE_FILE}`;
