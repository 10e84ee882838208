import type { Text } from '../../../shared/i18n';
import type { Reply } from '../../../shared/http/context';
import { isWithin, prefixOf } from '../../../shared/codes';
import { toChinaDate } from '../../../shared/working-days';
import { listDepartmentsOp } from '../../people/api';
import { actOnTicketOp, getTicketOp, mergeTicketOp, suggestDuplicatesOp, unmergeTicketOp } from '../../tickets/api';
import { CATEGORIES, OPEN, TYPE_NAMES } from '../../tickets/model';
import { MERGEABLE, TRANSITIONS, type TicketAction } from '../../tickets/tickets';
import { superviseOp } from '../../tiers/api';
import { listChildrenOp } from '../../units/api';
import { html, type Html } from '../html';
import { notFoundPage } from '../pages';
import { redirect, t } from '../page';
import { badRef, changedBlock, CONFLICT, named, staleForm, STEP_NAMES, TICKET_STATUS, timeline } from './records';
import { csrfField, fieldError, fmtTime, must, refusalBlock, refusalOf, wbPage, type Refusal, type Staff } from './shell';
import { fileLinks } from './files';
import { dueClass } from './tiers';

const L = {
  ref: { zh: '诉求编号', en: 'Reference' },
  type: { zh: '类型', en: 'Type' },
  category: { zh: '类别', en: 'Category' },
  state: { zh: '状态', en: 'State' },
  due: { zh: '本环节期限', en: 'Due for this step' },
  holder: { zh: '派单单位', en: 'Dispatching unit' },
  handler: { zh: '承办', en: 'Handled by' },
  channel: { zh: '来源', en: 'Channel' },
  filed: { zh: '登记时间', en: 'Filed' },
  place: { zh: '位置', en: 'Location' },
  filer: { zh: '来信人', en: 'Filer' },
  name: { zh: '姓名', en: 'Name' },
  phone: { zh: '电话', en: 'Phone' },
  account: { zh: '账户', en: 'Account' },
  anonymous: { zh: '匿名', en: 'Anonymous' },
  recordedBy: { zh: '登记人', en: 'Recorded by' },
  replies: { zh: '答复', en: 'Replies' },
  via: { zh: '来自合并办理的诉求', en: 'given on the ticket it was merged with' },
  rating: { zh: '评价', en: 'Rating' },
  timeline: { zh: '办理经过', en: 'Timeline' },
  supervision: { zh: '督办意见', en: 'Supervision' },
  nextSteps: { zh: '下一步', en: 'Next steps' },
  note: { zh: '说明', en: 'Note' },
  noteRequired: { zh: '说明（必填）', en: 'Note (required)' },
  to: { zh: '派往', en: 'Dispatch to' },
  depts: { zh: '本单位部门', en: 'Departments of this unit' },
  units: { zh: '下级单位', en: 'Units below' },
  days: { zh: '延长的工作日数', en: 'Working days asked for' },
  extension: { zh: '待审批的延期申请', en: 'Extension asked for' },
  workingDays: { zh: '个工作日', en: 'working days' },
  duplicates: { zh: '可能重复的诉求', en: 'Possible duplicates' },
  noDuplicates: { zh: '没有发现可能重复的在办诉求。', en: 'No open ticket looks like the same matter.' },
  score: { zh: '相似度', en: 'Score' },
  why: { zh: '理由', en: 'Why' },
  mergeInto: { zh: '并入此件办理', en: 'Merge this ticket into it' },
  mergedInto: { zh: '已并入', en: 'Merged into' },
  primaryStatus: { zh: '主件状态', en: 'State of that ticket' },
  mergedHere: { zh: '并入本件办理的诉求', en: 'Tickets merged into this one' },
  unmerge: { zh: '撤销合并', en: 'Undo the merge' },
  supervise: { zh: '督办', en: 'Flag for supervision (督办)' },
  comment: { zh: '督办意见', en: 'Supervision comment' },
  done: { zh: '已办理', en: 'Done' },
  nowState: { zh: '当前状态', en: 'State now' },
} satisfies Record<string, Text>;

const CHANNELS: Record<string, Text> = {
  online: { zh: '网上', en: 'Online' },
  phone: { zh: '热线电话', en: 'Hotline' },
  open311: { zh: 'Open311 接口', en: 'Open311' },
  mailbox: { zh: '领导信箱', en: 'Leader mailbox' },
};

/** Steps beyond the loop's own that the screen offers. */
type ScreenAction = TicketAction | 'merge' | 'unmerge' | 'supervise';

export interface TicketForm {
  action?: string;
  note?: string;
  to?: string;
  days?: string;
  into?: string;
  v?: string;
}

interface Problem {
  r: Refusal;
  action?: string;
  sent?: TicketForm;
}

/**
 * How the reader stands to the ticket, as far as the page can tell, to offer only the steps that may succeed; the
 * API decides (a letter to the leadership is the leader's office's, which only the API knows).
 */
function standingOf(s: Staff, v: any) {
  const acts = s.me.role !== 'auditor';
  const byDept = v.dept !== undefined && s.me.unit === v.holder && s.me.dept === v.dept;
  return {
    dispatcher: acts && s.me.unit === v.holder && !byDept,
    handler: acts && (byDept || v.handlerUnit === s.me.unit),
    supervisor: acts && s.me.unit !== v.holder && isWithin(v.holder, prefixOf(s.me.unit)),
  };
}

/** The loop's steps open now to the reader, in the loop's order. */
export function ticketSteps(v: { status: string; extension?: unknown; mergedInto?: unknown }, who: { dispatcher: boolean; handler: boolean }): TicketAction[] {
  if (v.mergedInto) return [];
  return (Object.entries(TRANSITIONS) as [TicketAction, (typeof TRANSITIONS)[TicketAction]][])
    .filter(([k, tr]) => tr.from.includes(v.status) && who[tr.by])
    .filter(([k]) => (k === 'approveExtension' || k === 'rejectExtension' ? v.extension !== undefined : k === 'requestExtension' ? v.extension === undefined : true))
    .map(([k]) => k);
}

const self = (home: string, id: string) => `/work/tickets/${home}/${id}`;

/**
 * The ticket's version as the form carries it: the API shows no counter, but every change of its case adds a step to
 * the history (and two steps may fall within one millisecond, so the time alone would not do).
 */
const versionOf = (v: { history: unknown[]; updatedAt: string }) => `${v.history.length}/${v.updatedAt}`;

/** One ticket: what was filed and by whom (as far as the API shows this reader), its timeline, duplicates, and steps. */
export async function ticketPage(s: Staff, home: string, id: string, problem?: Problem, done?: string): Promise<Reply> {
  if (badRef(home, id)) return notFoundPage(s.ctx);
  const v = await must(s, s.api(getTicketOp, { params: { code: home, id } }));
  const who = standingOf(s, v);
  const steps = ticketSteps(v, who);
  const mergeable = who.dispatcher && MERGEABLE.has(v.status) && !v.mergedInto && v.merged.length === 0;
  const [depts, children, dupes] = await Promise.all([
    steps.includes('dispatch') ? s.api(listDepartmentsOp, { params: { code: v.holder }, query: { limit: '100' } }) : undefined,
    steps.includes('dispatch') ? s.api(listChildrenOp, { params: { code: v.holder }, query: { limit: '200' } }) : undefined,
    mergeable ? duplicatesOf(s, home, id) : undefined,
  ]);
  const action = self(home, id);
  const changed = problem?.r.status === CONFLICT;
  const sent = problem && !changed ? problem.sent : undefined;
  const near = (k: string) => (problem && !changed && problem.action === k ? refusalBlock(s, problem.r, `refusal-${k}`) : '');
  const form = (k: ScreenAction, fields: Html | string, label: Text | string, secondary = false) =>
    html`<form class="wb step" method="post" action="${action}">${csrfField(s)}<input type="hidden" name="v" value="${versionOf(v)}"><input type="hidden" name="action" value="${k}">
${fields}${near(k)}<p><button class="button${secondary ? ' secondary' : ''}" type="submit">${typeof label === 'string' ? label : t(s.ctx, label)}</button></p></form>`;
  const noteField = (k: string, required: boolean) =>
    html`<label for="note-${k}">${t(s.ctx, required ? L.noteRequired : L.note)}</label><textarea id="note-${k}" name="note" rows="2"${required ? html` aria-required="true"` : ''}>${sent?.action === k ? (sent.note ?? '') : ''}</textarea>${problem?.action === k ? fieldError(problem.r, 'body.note') : ''}`;
  const option = (value: string, label: string) => html`<option value="${value}"${sent?.to === value ? html` selected` : ''}>${label}</option>`;
  const stepForm = (k: TicketAction) => {
    const tr = TRANSITIONS[k];
    const extra =
      k === 'dispatch'
        ? html`<label for="to-dispatch">${t(s.ctx, L.to)}</label><select id="to-dispatch" name="to">
<optgroup label="${t(s.ctx, L.depts)}">${(depts?.status === 200 ? depts.body.items : []).filter((d: any) => d.status === 'active').map((d: any) => option(`dept:${d.id}`, d.name))}</optgroup>
<optgroup label="${t(s.ctx, L.units)}">${(children?.status === 200 ? children.body.items : []).map((u: any) => option(`unit:${u.code}`, u.name))}</optgroup></select>${problem?.action === k ? fieldError(problem.r, 'body.to') : ''}`
        : k === 'requestExtension'
          ? html`<label for="days-${k}">${t(s.ctx, L.days)}</label><input type="number" id="days-${k}" name="days" min="1" max="60" value="${sent?.action === k ? (sent.days ?? '') : ''}">${problem?.action === k ? fieldError(problem.r, 'body.days') : ''}`
          : '';
    const notes = tr.needsNote || k === 'progress' ? noteField(k, tr.needsNote) : '';
    return form(k, html`${extra}${notes}`, STEP_NAMES[k]!, k === 'return' || k === 'escalate' || k === 'rejectExtension');
  };
  const f = v.filer;
  const body = html`<h1>${v.title}</h1>
${changed ? changedBlock(s, problem!.r) : ''}
${done && Object.hasOwn(STEP_NAMES, done) ? html`<div class="notice-ok" role="status" id="done"><p>${t(s.ctx, L.done)}：${named(s, STEP_NAMES, done)}。${t(s.ctx, L.ref)} ${v.id}，${t(s.ctx, L.nowState)}：${named(s, TICKET_STATUS, v.status)}。</p></div>` : ''}
<dl class="facts"><dt>${t(s.ctx, L.ref)}</dt><dd>${v.id}</dd>
<dt>${t(s.ctx, L.type)}</dt><dd>${named(s, TYPE_NAMES, v.type)}</dd><dt>${t(s.ctx, L.category)}</dt><dd>${named(s, CATEGORIES, v.category)}</dd>
<dt>${t(s.ctx, L.state)}</dt><dd id="ticket-status">${named(s, TICKET_STATUS, v.status)}</dd>
${v.due ? html`<dt>${t(s.ctx, L.due)}</dt><dd class="${dueClass(toChinaDate(s.ctx.deps.now()), v.due, v.overdue)}">${v.due}</dd>` : ''}
<dt>${t(s.ctx, L.holder)}</dt><dd>${v.holder}</dd>
${v.handlerUnit || v.dept ? html`<dt>${t(s.ctx, L.handler)}</dt><dd>${v.handlerUnit ?? v.dept}</dd>` : ''}
${v.extension ? html`<dt>${t(s.ctx, L.extension)}</dt><dd>${v.extension.days} ${t(s.ctx, L.workingDays)}：${v.extension.note}</dd>` : ''}
<dt>${t(s.ctx, L.channel)}</dt><dd>${named(s, CHANNELS, v.channel)}</dd><dt>${t(s.ctx, L.filed)}</dt><dd>${fmtTime(v.createdAt)}</dd>
${v.location ? html`<dt>${t(s.ctx, L.place)}</dt><dd>${v.location.address ?? ''} (${v.location.lat}, ${v.location.lng})</dd>` : ''}
${v.mergedInto ? html`<dt>${t(s.ctx, L.mergedInto)}</dt><dd id="merged-into"><a href="${self(v.mergedInto.home, v.mergedInto.id)}">${v.mergedInto.id}</a>${v.primaryStatus ? html`（${t(s.ctx, L.primaryStatus)}：${named(s, TICKET_STATUS, v.primaryStatus)}）` : ''}</dd>` : ''}</dl>
<div class="panel">${String(v.text).split('\n').map((p: string) => html`<p>${p}</p>`)}</div>
<h2>${t(s.ctx, L.filer)}</h2>
<dl class="facts" id="filer">${f.anonymous ? html`<dt>${t(s.ctx, L.anonymous)}</dt><dd>✓</dd>` : ''}${f.name ? html`<dt>${t(s.ctx, L.name)}</dt><dd>${f.name}</dd>` : ''}${f.phone ? html`<dt>${t(s.ctx, L.phone)}</dt><dd>${f.phone}</dd>` : ''}${f.sub ? html`<dt>${t(s.ctx, L.account)}</dt><dd>${f.sub}</dd>` : ''}${v.recordedBy ? html`<dt>${t(s.ctx, L.recordedBy)}</dt><dd>${v.recordedBy}</dd>` : ''}</dl>
${fileLinks(s, 'tickets', home, id, v.attachments)}
${v.replies.length ? html`<h2>${t(s.ctx, L.replies)}</h2><ul>${v.replies.map((r: any) => html`<li>${fmtTime(r.at)} ${r.unit}：${r.text}${r.via ? html`（${t(s.ctx, L.via)} ${r.via}）` : ''}</li>`)}</ul>` : ''}
${v.rating ? html`<p>${t(s.ctx, L.rating)}：${v.rating.level}/5 ${v.rating.comment ?? ''}</p>` : ''}
${v.merged.length ? html`<h2>${t(s.ctx, L.mergedHere)}</h2><ul id="merged">${v.merged.map((m: any) => html`<li><a href="${self(m.home, m.id)}">${m.id}</a></li>`)}</ul>` : ''}
<h2>${t(s.ctx, L.timeline)}</h2>
${timeline(s, v.history, TICKET_STATUS)}
${v.supervision.length ? html`<h2>${t(s.ctx, L.supervision)}</h2><ul>${v.supervision.map((x: any) => html`<li>${fmtTime(x.at)} ${x.unit}：${x.comment}</li>`)}</ul>` : ''}
${dupes ? duplicatesSection(s, dupes, (into) => form('merge', html`<input type="hidden" name="into" value="${into}">`, L.mergeInto, true), near('merge')) : ''}
${steps.length || (v.mergedInto && who.dispatcher) ? html`<h2>${t(s.ctx, L.nextSteps)}</h2>` : ''}
${v.mergedInto && who.dispatcher ? form('unmerge', '', L.unmerge) : ''}
${steps.map(stepForm)}
${who.supervisor && OPEN.has(v.status) ? html`<h2>${t(s.ctx, L.supervise)}</h2>${form('supervise', html`<label for="note-supervise">${t(s.ctx, L.comment)}</label><textarea id="note-supervise" name="note" rows="2"></textarea>`, L.supervise)}` : ''}`;
  return wbPage(s, { title: v.title, body, status: problem?.r.status ?? 200, crumbs: [{ href: action, label: v.id }] });
}

interface Duplicate {
  home: string;
  id: string;
  score: number;
  reason: { zh: string; en: string };
  title?: string;
  status?: string;
}

/** The API's suggestions, each with its title and state as this reader may read them. */
async function duplicatesOf(s: Staff, home: string, id: string): Promise<Duplicate[] | undefined> {
  const a = await s.api(suggestDuplicatesOp, { params: { code: home, id } });
  if (a.status !== 200) return undefined;
  const items: Duplicate[] = a.body.items;
  const read = await Promise.all(items.map((d) => s.api(getTicketOp, { params: { code: d.home, id: d.id } })));
  return items.map((d, i) => (read[i]!.status === 200 ? { ...d, title: read[i]!.body.title, status: read[i]!.body.status } : d));
}

function duplicatesSection(s: Staff, dupes: Duplicate[], mergeForm: (into: string) => Html, refusal: Html | string) {
  return html`<section aria-labelledby="h-dupes"><h2 id="h-dupes">${t(s.ctx, L.duplicates)}</h2>${refusal}
${
  dupes.length
    ? html`<ul class="dupes" id="duplicates">${dupes.map(
        (d) => html`<li data-id="${d.id}"><p><a href="${self(d.home, d.id)}">${d.title ?? d.id}</a>${d.status ? html` · ${named(s, TICKET_STATUS, d.status)}` : ''}</p>
<p>${t(s.ctx, L.score)} ${d.score.toFixed(2)} · ${t(s.ctx, L.why)}：${t(s.ctx, d.reason)}</p>${mergeForm(`${d.home}/${d.id}`)}</li>`,
      )}</ul>`
    : html`<p>${t(s.ctx, L.noDuplicates)}</p>`
}</section>`;
}

const toOf = (to: string | undefined) => {
  const [k, value] = (to ?? '').split(':');
  return k === 'dept' && value ? { dept: value } : k === 'unit' && value ? { unit: value } : undefined;
};

/**
 * A step on a ticket. The form carries the time the ticket last changed: if it has changed since, nothing is sent and
 * the reader sees the ticket as it is now (as when the API itself answers 409 to a step taken at the same moment).
 */
export async function actOnTicket(s: Staff, home: string, id: string, body: TicketForm): Promise<Reply> {
  const now = await s.api(getTicketOp, { params: { code: home, id } });
  const gone = refusalOf(now);
  if (gone) return ticketPage(s, home, id, { r: gone });
  if (versionOf(now.body) !== body.v) return ticketPage(s, home, id, { r: staleForm(s) });
  const params = { code: home, id };
  const note = body.note?.trim() ? body.note : undefined;
  const [intoHome, intoId] = (body.into ?? '').split('/');
  const days = Number(body.days);
  const a =
    body.action === 'merge'
      ? await s.api(mergeTicketOp, { params, body: { into: { home: intoHome ?? '', id: intoId ?? '' } } })
      : body.action === 'unmerge'
        ? await s.api(unmergeTicketOp, { params })
        : body.action === 'supervise'
          ? await s.api(superviseOp, { params: { code: now.body.holder, kind: 'ticket', id }, body: { comment: note ?? '' } })
          : await s.api(actOnTicketOp, {
              params,
              body: {
                action: body.action,
                ...(note ? { note } : {}),
                ...(toOf(body.to) ? { to: toOf(body.to) } : {}),
                ...(body.days ? { days: Number.isInteger(days) ? days : body.days } : {}),
              },
            });
  const r = refusalOf(a);
  if (r) return ticketPage(s, home, id, { r, action: body.action, sent: body });
  return redirect(`${self(home, id)}?done=${encodeURIComponent(body.action ?? '')}`);
}
