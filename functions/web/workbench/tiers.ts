import type { Text } from '../../../shared/i18n';
import type { Reply } from '../../../shared/http/context';
import { LEVEL_NAMES, type Level } from '../../../shared/levels';
import { toChinaDate } from '../../../shared/working-days';
import { listIncomingOp } from '../../tickets/api';
import { listChildrenOp } from '../../units/api';
import {
  acknowledgeOp,
  caseActionOp,
  createAssignmentOp,
  getAssignmentOp,
  getCaseOp,
  getSentNoticeOp,
  inboxNoticeOp,
  inboxOp,
  listCasesOp,
  listSentAssignmentsOp,
  listSentDataRequestsOp,
  listSentNoticesOp,
  publishNoticeOp,
  superviseOp,
  unsignedOp,
} from '../../tiers/api';
import { TRANSITIONS } from '../../tiers/assignments';
import { columnsOf, pasteField, rowsFromPaste } from './data-requests';
import { html, type Html } from '../html';
import { redirect, t } from '../page';
import { KIND_NAMES, named, REQUEST_STATUS, TICKET_STATUS } from './records';
import { csrfField, fieldError, fmtTime, must, refusalBlock, refusalOf, W, wbPage, type Refusal, type Staff } from './shell';

const L = {
  received: { zh: '收到的通知', en: 'Notices received' },
  tasksIn: { zh: '收到的交办任务', en: 'Tasks assigned to us' },
  tasksOut: { zh: '交办出去的任务', en: 'Tasks we assigned' },
  sent: { zh: '发出的通知', en: 'Notices we sent' },
  none: { zh: '暂无。', en: 'None.' },
  title: { zh: '标题', en: 'Title' },
  body: { zh: '正文', en: 'Text' },
  from: { zh: '来自', en: 'From' },
  published: { zh: '发布时间', en: 'Published' },
  state: { zh: '状态', en: 'State' },
  due: { zh: '办理期限', en: 'Due' },
  kind: { zh: '类别', en: 'Kind' },
  unread: { zh: '未读', en: 'Unread' },
  read: { zh: '已读', en: 'Read' },
  signed: { zh: '已签收', en: 'Signed' },
  markRead: { zh: '标为已读', en: 'Mark read' },
  sign: { zh: '签收', en: 'Sign for it (签收)' },
  instructions: { zh: '上级落实意见', en: 'Implementing instructions from above' },
  progress: { zh: '各层级签收情况', en: 'Signing progress by level' },
  signedCount: { zh: '已签收单位数', en: 'Units signed' },
  unsignedFirst: { zh: '尚未签收（前 20 个）', en: 'Not signed yet (first 20)' },
  allSigned: { zh: '全部已签收。', en: 'All have signed.' },
  assignees: { zh: '承办单位', en: 'Assignees' },
  steps: { zh: '办理经过', en: 'Steps' },
  overdue: { zh: '已超期', en: 'Overdue' },
  soon: { zh: '临近期限', en: 'Due soon' },
  open: { zh: '查看', en: 'Open' },
  timeline: { zh: '办理经过', en: 'Timeline' },
  nextSteps: { zh: '下一步', en: 'Next steps' },
  note: { zh: '说明', en: 'Note' },
  noteRequired: { zh: '说明（必填）', en: 'Note (required)' },
  supervise: { zh: '督办', en: 'Flag for supervision (督办)' },
  comment: { zh: '督办意见', en: 'Supervision comment' },
  supervision: { zh: '督办意见', en: 'Supervision' },
  escalatedTo: { zh: '已上报至', en: 'Escalated to' },
  current: { zh: '现办理单位的处理情况', en: 'At the unit handling it now' },
  newNotice: { zh: '发通知（全部下级）', en: 'Publish a notice to all units below' },
  publish: { zh: '发布', en: 'Publish' },
  assign: { zh: '交办任务', en: 'Assign a task' },
  days: { zh: '办理时限（工作日）', en: 'Working days to complete' },
  send: { zh: '交办', en: 'Assign' },
  unitsBelow: { zh: '承办单位（直属下级）', en: 'Assignees (units directly below)' },
  total: { zh: '合计', en: 'Total' },
  filter: { zh: '筛选', en: 'Filter' },
  dept: { zh: '部门', en: 'Department' },
  myDept: { zh: '本部门', en: 'My department' },
  wholeUnit: { zh: '全单位', en: 'Whole unit' },
  all: { zh: '全部', en: 'All' },
  incoming: { zh: '上级派来承办的诉求（最近 20 件）', en: 'Tickets dispatched here from above (latest 20)' },
  worklistLede: {
    zh: '本单位正在办理的事项（办件、诉求、依申请公开、交办任务），按办理期限排序：黄色为临近期限（3 天内），红色为已超期。',
    en: 'Open cases of your unit (applications, tickets, disclosure requests, assignments) by due date: yellow when due within 3 days, red when overdue.',
  },
} satisfies Record<string, Text>;

const STATUS: Record<string, Text> = {
  submitted: { zh: '待受理', en: 'Submitted' },
  'in-review': { zh: '审查中', en: 'In review' },
  approved: { zh: '准予', en: 'Approved' },
  denied: { zh: '不予许可', en: 'Denied' },
  assigned: { zh: '待签收', en: 'Assigned' },
  accepted: { zh: '办理中', en: 'In progress' },
  completed: { zh: '已办结', en: 'Completed' },
  returned: { zh: '已退回', en: 'Returned' },
  escalated: { zh: '已上报', en: 'Escalated' },
};
const ACTION: Record<string, Text> = {
  accept: { zh: '签收', en: 'Accept' },
  progress: { zh: '报告进展', en: 'Report progress' },
  complete: { zh: '办结', en: 'Complete' },
  return: { zh: '退回', en: 'Return' },
  escalate: { zh: '上报上级', en: 'Escalate' },
  overdue: { zh: '超期', en: 'Overdue' },
  create: { zh: '交办', en: 'Assigned' },
};
const KIND = KIND_NAMES;
/** Kinds of task sent down, worked through the same steps. */
const TASKS = new Set(['assignment', 'data-request']);

const say = (s: Staff, map: Record<string, Text>, k: string) => (map[k] ? t(s.ctx, map[k]) : k);
export const statusOf = (s: Staff, k: string) => say(s, STATUS, k);

/** Yellow within three days of the due date, red after it. */
export function dueClass(today: string, due: string | undefined, overdue: boolean): '' | 'due-soon' | 'due-late' {
  if (!due) return '';
  if (overdue || due < today) return 'due-late';
  const soon = new Date(Date.parse(`${today}T00:00:00Z`) + 3 * 86_400_000).toISOString().slice(0, 10);
  return due <= soon ? 'due-soon' : '';
}

const dueCell = (s: Staff, today: string, due: string | undefined, overdue: boolean) => {
  const c = dueClass(today, due, overdue);
  return html`<td class="${c}">${due ?? ''} ${c === 'due-late' ? html`<span class="tag">${t(s.ctx, L.overdue)}</span>` : c === 'due-soon' ? html`<span class="tag">${t(s.ctx, L.soon)}</span>` : ''}</td>`;
};

/** Applications, tickets and disclosure requests have their own screens (their steps); every other kind the common one. */
export const recordHref = (c: { kind: string; unit: string; id: string; data: Record<string, string> }) =>
  c.kind === 'application'
    ? `/work/applications/${c.unit}/${c.id}`
    : c.kind === 'ticket'
      ? `/work/tickets/${c.data.home ?? c.unit}/${c.id}`
      : c.kind === 'disclosure-request'
        ? `/work/requests/${c.unit}/${c.id}`
        : `/work/cases/${c.unit}/${c.kind}/${c.id}`;

/** A case's status in the words of its kind (a ticket's 'accepted' is not an assignment's). */
const caseStatus = (s: Staff, kind: string, status: string) =>
  named(s, kind === 'ticket' ? TICKET_STATUS : kind === 'disclosure-request' ? REQUEST_STATUS : STATUS, status);

const today = (s: Staff) => toChinaDate(s.ctx.deps.now());

/** More than this many open cases is a backlog for the dashboard, not a list to read. */
const WORKLIST_MAX = 1_000;

/** The worklist: the unit's open cases by due date, with filters and counts. */
export async function worklistPage(s: Staff, q: { kind?: string; state?: string; dept?: string }): Promise<Reply> {
  // Every open case by due date, page after page, up to the most a clerk can take in on one screen; and the tickets
  // units above dispatched here, which are held (and timed) there: listed apart, newest first.
  const all: any[] = [];
  const incomingCall = s.api(listIncomingOp, { params: { code: s.me.unit }, query: { limit: '20' } });
  let cursor: string | undefined;
  do {
    const page = await must(s, s.api(listCasesOp, { params: { code: s.me.unit }, query: { open: '1', limit: '200', cursor } }));
    all.push(...page.items);
    cursor = page.cursor;
  } while (cursor && all.length < WORKLIST_MAX);
  const incoming = await incomingCall;
  const fromAbove: any[] = incoming.status === 200 ? incoming.body.items : [];
  // A staff member of a department sees that department's applications and the unit's other work.
  const mine = all.filter((c) => !s.me.dept || !c.data.dept || c.data.dept === s.me.dept || q.dept === 'all');
  const shown = mine.filter((c) => (!q.kind || c.kind === q.kind) && (!q.state || c.status === q.state));
  const d = today(s);
  const late = shown.filter((c) => dueClass(d, c.due, c.overdue) === 'due-late').length;
  const soon = shown.filter((c) => dueClass(d, c.due, c.overdue) === 'due-soon').length;
  const kinds = [...new Set(all.map((c) => c.kind as string))];
  const states = [...new Set(all.map((c) => c.status as string))];
  const option = (v: string, label: string, sel?: string) => html`<option value="${v}"${sel === v ? html` selected` : ''}>${label}</option>`;
  const body = html`<h1>${t(s.ctx, W.worklist)}</h1>
<p class="lede">${t(s.ctx, L.worklistLede)}</p>
<form class="bar" method="get" action="/work">
<label>${t(s.ctx, L.kind)} <select name="kind">${option('', t(s.ctx, L.all), q.kind ?? '')}${kinds.map((k) => option(k, say(s, KIND, k), q.kind))}</select></label>
<label>${t(s.ctx, L.state)} <select name="state">${option('', t(s.ctx, L.all), q.state ?? '')}${states.map((k) => option(k, statusOf(s, k), q.state))}</select></label>
${s.me.dept ? html`<label>${t(s.ctx, L.dept)} <select name="dept">${option('', t(s.ctx, L.myDept), q.dept ?? '')}${option('all', t(s.ctx, L.wholeUnit), q.dept)}</select></label>` : ''}
<button class="button secondary" type="submit">${t(s.ctx, L.filter)}</button>
</form>
<p class="bar"><span>${t(s.ctx, L.total)}：<strong id="count-total">${shown.length}</strong></span><span class="due-soon">${t(s.ctx, L.soon)}：<strong id="count-soon">${soon}</strong></span><span class="due-late">${t(s.ctx, L.overdue)}：<strong id="count-late">${late}</strong></span></p>
${
  shown.length
    ? html`<div class="table-scroll"><table class="wb"><caption class="sr-only">${t(s.ctx, W.worklist)}</caption>
<thead><tr><th scope="col">${t(s.ctx, L.title)}</th><th scope="col">${t(s.ctx, L.kind)}</th><th scope="col">${t(s.ctx, L.state)}</th><th scope="col">${t(s.ctx, L.due)}</th></tr></thead>
<tbody>${shown.map((c) => html`<tr><td><a href="${recordHref(c)}">${c.title}</a></td><td>${say(s, KIND, c.kind)}</td><td>${caseStatus(s, c.kind, c.status)}</td>${dueCell(s, d, c.due, c.overdue)}</tr>`)}</tbody></table></div>`
    : html`<p>${t(s.ctx, L.none)}</p>`
}
${
  fromAbove.length
    ? html`<section aria-labelledby="h-incoming"><h2 id="h-incoming">${t(s.ctx, L.incoming)}</h2><ul id="incoming">${fromAbove.map(
        (i) => html`<li><a href="/work/tickets/${i.home}/${i.id}">${i.title}</a> · ${t(s.ctx, L.from)} ${i.from} · ${fmtTime(i.at)}</li>`,
      )}</ul></section>`
    : ''
}`;
  return wbPage(s, { title: t(s.ctx, W.worklist), body });
}

export async function inboxPage(s: Staff, refusal?: { form: 'notice' | 'assign'; r: Refusal }): Promise<Reply> {
  const unit = s.me.unit;
  const [inbox, tasksIn, dataIn, out, dataOut, sent, children] = await Promise.all([
    must(s, s.api(inboxOp, { params: { code: unit }, query: { limit: '50' } })),
    must(s, s.api(listCasesOp, { params: { code: unit }, query: { kind: 'assignment', limit: '50' } })),
    must(s, s.api(listCasesOp, { params: { code: unit }, query: { kind: 'data-request', limit: '50' } })),
    must(s, s.api(listSentAssignmentsOp, { params: { code: unit }, query: { limit: '50' } })),
    must(s, s.api(listSentDataRequestsOp, { params: { code: unit }, query: { limit: '50' } })),
    must(s, s.api(listSentNoticesOp, { params: { code: unit }, query: { limit: '50' } })),
    s.api(listChildrenOp, { params: { code: unit }, query: { limit: '200' } }),
  ]);
  const d = today(s);
  const below: any[] = children.status === 200 ? children.body.items : [];
  const th = (x: Text) => html`<th scope="col">${t(s.ctx, x)}</th>`;
  const table = (rows: Html[], head: Html) =>
    rows.length ? html`<div class="table-scroll"><table class="wb"><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table></div>` : html`<p>${t(s.ctx, L.none)}</p>`;
  const r = refusal?.r;
  const body = html`<h1>${t(s.ctx, W.inbox)}</h1>
<section aria-labelledby="h-received"><h2 id="h-received">${t(s.ctx, L.received)}</h2>
${table(
  inbox.items.map((n: any) => html`<tr><td><a href="/work/notices/${n.from}/${n.id}">${n.title}</a></td><td>${n.from}</td><td>${fmtTime(n.publishedAt)}</td>
<td>${n.signedAt ? t(s.ctx, L.signed) : n.readAt ? t(s.ctx, L.read) : html`<strong>${t(s.ctx, L.unread)}</strong>`}</td></tr>`),
  html`${th(L.title)}${th(L.from)}${th(L.published)}${th(L.state)}`,
)}</section>
<section aria-labelledby="h-in"><h2 id="h-in">${t(s.ctx, L.tasksIn)}</h2>
${table(
  [...tasksIn.items, ...dataIn.items].map(
    (c: any) =>
      html`<tr><td><a href="/work/cases/${c.unit}/${c.kind}/${c.id}">${c.title}</a></td><td>${say(s, KIND, c.kind)}</td><td>${c.data.assigner ?? ''}</td><td>${statusOf(s, c.status)}</td>${dueCell(s, d, c.due, c.overdue && c.status !== 'completed')}</tr>`,
  ),
  html`${th(L.title)}${th(L.kind)}${th(L.from)}${th(L.state)}${th(L.due)}`,
)}</section>
<section aria-labelledby="h-out"><h2 id="h-out">${t(s.ctx, L.tasksOut)}</h2>
${table(
  [...out.items.map((a: any) => ({ a, href: `/work/assignments/${a.id}`, kind: 'assignment' })), ...dataOut.items.map((a: any) => ({ a, href: `/work/data-requests/${a.id}`, kind: 'data-request' }))].map(
    ({ a, href, kind }) => html`<tr><td><a href="${href}">${a.title}</a></td><td>${say(s, KIND, kind)}</td><td>${a.assignees.length}</td><td>${a.due}</td></tr>`,
  ),
  html`${th(L.title)}${th(L.kind)}${th(L.assignees)}${th(L.due)}`,
)}</section>
<section aria-labelledby="h-sent"><h2 id="h-sent">${t(s.ctx, L.sent)}</h2>
${table(
  sent.items.map((n: any) => html`<tr><td><a href="/work/sent/${n.id}">${n.title}</a></td><td>${fmtTime(n.publishedAt)}</td></tr>`),
  html`${th(L.title)}${th(L.published)}`,
)}</section>
${
  s.me.role === 'auditor' || !below.length
    ? ''
    : html`<section aria-labelledby="h-assign"><h2 id="h-assign">${t(s.ctx, L.assign)}</h2>
${refusal?.form === 'assign' ? refusalBlock(s, r, 'assign-refusal') : ''}
<form class="wb" method="post" action="/work/assignments">${csrfField(s)}
<label for="a-title">${t(s.ctx, L.title)}</label><input type="text" id="a-title" name="title">${refusal?.form === 'assign' ? fieldError(r, 'body.title') : ''}
<label for="a-body">${t(s.ctx, L.body)}</label><textarea id="a-body" name="body" rows="3"></textarea>${refusal?.form === 'assign' ? fieldError(r, 'body.body') : ''}
<fieldset><legend>${t(s.ctx, L.unitsBelow)}</legend>${below.map((u) => html`<label><input type="checkbox" name="assignees" value="${u.code}"> ${u.name}</label> `)}</fieldset>
${refusal?.form === 'assign' ? fieldError(r, 'body.assignees') : ''}
<label for="a-days">${t(s.ctx, L.days)}</label><input type="number" id="a-days" name="workingDays" value="5" min="1" max="250">${refusal?.form === 'assign' ? fieldError(r, 'body.workingDays') : ''}
<p><button class="button" type="submit">${t(s.ctx, L.send)}</button></p></form></section>
<section aria-labelledby="h-notice"><h2 id="h-notice">${t(s.ctx, L.newNotice)}</h2>
${refusal?.form === 'notice' ? refusalBlock(s, r, 'notice-refusal') : ''}
<form class="wb" method="post" action="/work/sent">${csrfField(s)}
<label for="n-title">${t(s.ctx, L.title)}</label><input type="text" id="n-title" name="title">${refusal?.form === 'notice' ? fieldError(r, 'body.title') : ''}
<label for="n-body">${t(s.ctx, L.body)}</label><textarea id="n-body" name="body" rows="4"></textarea>${refusal?.form === 'notice' ? fieldError(r, 'body.body') : ''}
<p><button class="button" type="submit">${t(s.ctx, L.publish)}</button></p></form></section>`
}`;
  return wbPage(s, { title: t(s.ctx, W.inbox), body, status: r?.status ?? 200, crumbs: [{ href: '/work/inbox', label: t(s.ctx, W.inbox) }] });
}

export async function publishNotice(s: Staff, body: { title?: string; body?: string }): Promise<Reply> {
  const a = await s.api(publishNoticeOp, { params: { code: s.me.unit }, body: { title: body.title ?? '', body: body.body ?? '' } });
  const r = refusalOf(a);
  return r ? inboxPage(s, { form: 'notice', r }) : redirect(`/work/sent/${a.body.id}`);
}

export async function assign(s: Staff, body: { title?: string; body?: string; assignees?: string | string[]; workingDays?: string }): Promise<Reply> {
  const assignees = body.assignees === undefined ? [] : Array.isArray(body.assignees) ? body.assignees : [body.assignees];
  const days = Number(body.workingDays);
  const a = await s.api(createAssignmentOp, {
    params: { code: s.me.unit },
    body: { title: body.title ?? '', body: body.body ?? '', assignees, workingDays: Number.isFinite(days) ? days : 0 },
  });
  const r = refusalOf(a);
  return r ? inboxPage(s, { form: 'assign', r }) : redirect(`/work/assignments/${a.body.id}`);
}

export async function noticePage(s: Staff, from: string, id: string, r?: Refusal): Promise<Reply> {
  const n = await must(s, s.api(inboxNoticeOp, { params: { code: s.me.unit, from, id } }));
  const action = `/work/notices/${from}/${id}`;
  const body = html`<h1>${n.notice.title}</h1>
<dl class="facts"><dt>${t(s.ctx, L.from)}</dt><dd>${n.notice.from}</dd><dt>${t(s.ctx, L.published)}</dt><dd>${fmtTime(n.notice.publishedAt)}</dd>
<dt>${t(s.ctx, L.state)}</dt><dd id="ack-state">${n.signedAt ? `${t(s.ctx, L.signed)} ${fmtTime(n.signedAt)}` : n.readAt ? t(s.ctx, L.read) : t(s.ctx, L.unread)}</dd></dl>
<div class="panel">${n.notice.body.split('\n').map((p: string) => html`<p>${p}</p>`)}</div>
${n.instructions.length ? html`<h2>${t(s.ctx, L.instructions)}</h2><ul>${n.instructions.map((i: any) => html`<li>${i.unit}：${i.text}</li>`)}</ul>` : ''}
${refusalBlock(s, r)}
${
  n.signedAt || s.me.role === 'auditor'
    ? ''
    : html`<div class="actions">
${n.readAt ? '' : html`<form method="post" action="${action}">${csrfField(s)}<input type="hidden" name="kind" value="read"><button class="button secondary" type="submit">${t(s.ctx, L.markRead)}</button></form>`}
<form method="post" action="${action}">${csrfField(s)}<input type="hidden" name="kind" value="sign"><button class="button" type="submit">${t(s.ctx, L.sign)}</button></form></div>`
}`;
  return wbPage(s, { title: n.notice.title, body, status: r?.status ?? 200, crumbs: [{ href: '/work/inbox', label: t(s.ctx, W.inbox) }, { href: action, label: n.notice.title }] });
}

export async function acknowledge(s: Staff, from: string, id: string, kind: string | undefined): Promise<Reply> {
  const a = await s.api(acknowledgeOp, { params: { code: s.me.unit, from, id }, body: { kind } });
  const r = refusalOf(a);
  return r ? noticePage(s, from, id, r) : redirect(`/work/notices/${from}/${id}`);
}

export async function sentNoticePage(s: Staff, id: string): Promise<Reply> {
  const code = s.me.unit;
  const sent = await must(s, s.api(getSentNoticeOp, { params: { code, id } }));
  const levels: Level[] = sent.notice.levels;
  const unsigned = await Promise.all(levels.map((level) => s.api(unsignedOp, { params: { code, id }, query: { level, limit: '20' } })));
  const body = html`<h1>${sent.notice.title}</h1>
<p>${t(s.ctx, L.published)}：${fmtTime(sent.notice.publishedAt)}</p>
<h2>${t(s.ctx, L.progress)}</h2>
<div class="table-scroll"><table class="wb" id="signing"><thead><tr><th scope="col">${t(s.ctx, L.kind)}</th><th scope="col" class="num">${t(s.ctx, L.signedCount)}</th><th scope="col">${t(s.ctx, L.unsignedFirst)}</th></tr></thead>
<tbody>${levels.map((level, i) => {
    const u = unsigned[i]!;
    const items: any[] = u.status === 200 ? u.body.items : [];
    return html`<tr data-level="${level}"><th scope="row">${t(s.ctx, LEVEL_NAMES[level])}</th><td class="num">${sent.signed[level] ?? 0}</td>
<td>${items.length ? items.map((x) => x.name).join('、') + (u.body.cursor ? ' …' : '') : t(s.ctx, L.allSigned)}</td></tr>`;
  })}</tbody></table></div>
<div class="panel">${sent.notice.body.split('\n').map((p: string) => html`<p>${p}</p>`)}</div>`;
  return wbPage(s, { title: sent.notice.title, body, crumbs: [{ href: '/work/inbox', label: t(s.ctx, W.inbox) }, { href: `/work/sent/${id}`, label: sent.notice.title }] });
}

export async function assignmentPage(s: Staff, id: string): Promise<Reply> {
  const v = await must(s, s.api(getAssignmentOp, { params: { code: s.me.unit, id } }));
  const d = today(s);
  const a = v.assignment;
  const body = html`<h1>${a.title}</h1>
<dl class="facts"><dt>${t(s.ctx, L.due)}</dt><dd>${a.due}</dd><dt>${t(s.ctx, L.published)}</dt><dd>${fmtTime(a.createdAt)}</dd></dl>
<div class="panel">${a.body}</div>
<h2>${t(s.ctx, L.assignees)}</h2>
<div class="table-scroll"><table class="wb" id="assignees"><thead><tr><th scope="col">${t(s.ctx, L.assignees)}</th><th scope="col">${t(s.ctx, L.state)}</th><th scope="col">${t(s.ctx, L.due)}</th><th scope="col">${t(s.ctx, L.steps)}</th></tr></thead>
<tbody>${v.assignees.map((x: any) => html`<tr data-unit="${x.unit}"><th scope="row"><a href="/work/cases/${x.heldBy ?? x.unit}/assignment/${a.id}">${x.unit}</a></th><td>${statusOf(s, x.status)}</td>${dueCell(s, d, a.due, x.overdue)}
<td>${x.steps.map((st: any) => html`${fmtTime(st.at)} ${say(s, ACTION, st.action)}${st.note ? `：${st.note}` : ''}<br>`)}</td></tr>`)}</tbody></table></div>`;
  return wbPage(s, { title: a.title, body, crumbs: [{ href: '/work/inbox', label: t(s.ctx, W.inbox) }, { href: `/work/assignments/${id}`, label: a.title }] });
}

export interface CaseRef {
  unit: string;
  kind: string;
  id: string;
}

/** One case: its facts, timeline, supervision, and the steps this reader may take, each with the case's version. */
export async function casePage(s: Staff, ref: CaseRef, problem?: { r: Refusal; changed?: boolean; action?: string }): Promise<Reply> {
  const got = await must(s, s.api(getCaseOp, { params: { code: ref.unit, kind: ref.kind, id: ref.id } }));
  const c = got.case;
  const d = today(s);
  const holder = s.me.unit === c.unit && s.me.role !== 'auditor';
  const open = c.status === 'assigned' || c.status === 'accepted';
  const action = `/work/cases/${ref.unit}/${ref.kind}/${ref.id}`;
  // A task's own steps; every kind of case can be escalated while it is open here.
  const task = TASKS.has(c.kind);
  const own = task ? Object.entries(TRANSITIONS).filter(([, tr]) => tr.from.includes(c.status)).map(([k, tr]) => ({ k, needsNote: tr.needsNote })) : [];
  const steps = holder && c.status !== 'escalated' && !c.escalatedTo && (open || !task) ? [...own, { k: 'escalate', needsNote: true }] : [];
  const columns = columnsOf(c);
  const near = (k: string) => (problem && !problem.changed && problem.action === k ? html`${refusalBlock(s, problem.r, `refusal-${k}`)}` : '');
  const body = html`<h1>${c.title}</h1>
${problem?.changed ? html`<div class="refusal" role="alert" id="changed"><p>${t(s.ctx, W.changed)}</p><p>${problem.r.message}</p></div>` : ''}
<dl class="facts"><dt>${t(s.ctx, L.kind)}</dt><dd>${say(s, KIND, c.kind)}</dd><dt>${t(s.ctx, L.state)}</dt><dd id="case-status">${statusOf(s, c.status)}</dd>
<dt>${t(s.ctx, L.due)}</dt><dd class="${dueClass(d, c.due, c.overdue && open)}">${c.due ?? ''}</dd>
${c.escalatedTo ? html`<dt>${t(s.ctx, L.escalatedTo)}</dt><dd><a href="/work/cases/${c.escalatedTo}/${c.kind}/${c.id}">${c.escalatedTo}</a></dd>` : ''}</dl>
<div class="panel">${c.body}</div>
<h2>${t(s.ctx, L.timeline)}</h2>
<ol class="timeline">${c.history.map((st: any) => html`<li><strong>${fmtTime(st.at)}</strong> ${st.unit} · ${say(s, ACTION, st.action)} → ${statusOf(s, st.status)}${st.note ? html`<br>${st.note}` : ''}</li>`)}</ol>
${c.supervision.length ? html`<h2>${t(s.ctx, L.supervision)}</h2><ul>${c.supervision.map((x: any) => html`<li>${fmtTime(x.at)} ${x.unit}：${x.comment}</li>`)}</ul>` : ''}
${
  steps.length
    ? html`<h2>${t(s.ctx, L.nextSteps)}</h2>${steps.map(
        (st) => html`<form class="wb" method="post" action="${action}">${csrfField(s)}<input type="hidden" name="v" value="${c.v}"><input type="hidden" name="action" value="${st.k}">
${st.needsNote ? html`<label for="note-${st.k}">${t(s.ctx, L.noteRequired)}</label><textarea id="note-${st.k}" name="note" rows="2"></textarea>` : ''}
${st.k === 'complete' && columns ? pasteField(s, columns, near(st.k)) : near(st.k)}<p><button class="button${st.k === 'return' || st.k === 'escalate' ? ' secondary' : ''}" type="submit">${say(s, ACTION, st.k)}</button></p></form>`,
      )}`
    : ''
}
${
  !holder && open && s.me.role !== 'auditor' && s.me.unit !== c.unit
    ? html`<h2>${t(s.ctx, L.supervise)}</h2><form class="wb" method="post" action="${action}">${csrfField(s)}<input type="hidden" name="v" value="${c.v}"><input type="hidden" name="action" value="supervise">
<label for="note-supervise">${t(s.ctx, L.comment)}</label><textarea id="note-supervise" name="note" rows="2"></textarea>${near('supervise')}
<p><button class="button" type="submit">${t(s.ctx, L.supervise)}</button></p></form>`
    : ''
}`;
  return wbPage(s, { title: c.title, body, status: problem?.r.status ?? 200, crumbs: [{ href: action, label: c.title }] });
}

const CONFLICT = 409;

/** Completing a data request sends the pasted rows (none pasted: none sent, and the API says they are required). */
const rowsOf = (c: any, body: { action?: string; rows?: string }) => {
  const columns = columnsOf(c);
  return body.action === 'complete' && columns && body.rows?.trim() ? { rows: rowsFromPaste(columns, body.rows) } : {};
};

export async function actOnCase(s: Staff, ref: CaseRef, body: { action?: string; note?: string; v?: string; rows?: string }): Promise<Reply> {
  const now = await s.api(getCaseOp, { params: { code: ref.unit, kind: ref.kind, id: ref.id } });
  const gone = refusalOf(now);
  if (gone) return casePage(s, ref, { r: gone });
  // The form was made from an older version: someone acted since. Nothing is sent; the reader sees what is there now.
  if (String(now.body.case.v) !== body.v) {
    return casePage(s, ref, { r: { status: CONFLICT, message: t(s.ctx, W.changed), fields: [] }, changed: true });
  }
  const note = body.note?.trim() ? body.note : undefined;
  const a =
    body.action === 'supervise'
      ? await s.api(superviseOp, { params: { code: ref.unit, kind: ref.kind, id: ref.id }, body: { comment: note ?? '' } })
      : await s.api(caseActionOp, {
          params: { code: ref.unit, kind: ref.kind, id: ref.id },
          body: { action: body.action, ...(note ? { note } : {}), ...rowsOf(now.body.case, body) },
        });
  const r = refusalOf(a);
  if (!r) return redirect(`/work/cases/${ref.unit}/${ref.kind}/${ref.id}`);
  return casePage(s, ref, { r, changed: r.status === CONFLICT, action: body.action });
}
