import type { Text } from '../../../shared/i18n';
import type { Reply } from '../../../shared/http/context';
import { toChinaDate } from '../../../shared/working-days';
import { actOnApplicationOp, getApplicationOp, guideOp } from '../../services/api';
import { TRANSITIONS, type StaffAction } from '../../services/applications';
import { html } from '../html';
import { redirect, t } from '../page';
import { csrfField, fieldError, fmtTime, must, refusalBlock, refusalOf, W, wbPage, type Refusal, type Staff } from './shell';
import { fileLinks } from './files';
import { dueClass } from './tiers';

const L = {
  ref: { zh: '办件编号', en: 'Reference' },
  applicant: { zh: '申请人', en: 'Applicant' },
  state: { zh: '状态', en: 'State' },
  due: { zh: '办结期限', en: 'Due' },
  daysLeft: { zh: '补正期间暂停计时，剩余工作日', en: 'Clock stopped for the supplement; working days left' },
  form: { zh: '申请表', en: 'Application form' },
  missing: { zh: '需补正的材料', en: 'What is missing' },
  timeline: { zh: '办理经过', en: 'Timeline' },
  nextSteps: { zh: '下一步', en: 'Next steps' },
  reason: { zh: '理由（必填）', en: 'Reason (required)' },
  missingField: { zh: '所缺材料（每行一项）', en: 'What is missing (one per line)' },
  escalatedTo: { zh: '已上报至', en: 'Escalated to' },
} satisfies Record<string, Text>;

const ACTION: Record<StaffAction, Text> = {
  accept: { zh: '受理', en: 'Accept' },
  reject: { zh: '不予受理', en: 'Reject' },
  'request-supplement': { zh: '一次性告知补正', en: 'Request a supplement' },
  review: { zh: '审查', en: 'Review' },
  approve: { zh: '准予', en: 'Approve' },
  deny: { zh: '不予许可', en: 'Deny' },
  complete: { zh: '办结', en: 'Complete' },
};
/** The timeline's steps: the staff's, and the applicant's own. */
const STEP: Record<string, Text> = { ...ACTION, submit: { zh: '提交申请', en: 'Submitted' }, supplement: { zh: '补正材料', en: 'Supplied what was missing' } };
const STATUS: Record<string, Text> = {
  submitted: { zh: '待受理', en: 'Submitted' },
  accepted: { zh: '已受理', en: 'Accepted' },
  supplement: { zh: '待补正', en: 'Awaiting supplement' },
  'in-review': { zh: '审查中', en: 'In review' },
  approved: { zh: '准予', en: 'Approved' },
  denied: { zh: '不予许可', en: 'Denied' },
  rejected: { zh: '不予受理', en: 'Rejected' },
  completed: { zh: '已办结', en: 'Completed' },
  escalated: { zh: '已上报', en: 'Escalated' },
};
export const applicationStatus = (s: Staff, k: string) => (STATUS[k] ? t(s.ctx, STATUS[k]) : k);

const CONFLICT = 409;

/** One application: the form and attachments as the API shows them to this reader, the timeline, and the steps open now. */
export async function applicationPage(s: Staff, unit: string, id: string, problem?: { r: Refusal; action?: string; reason?: string; missing?: string }): Promise<Reply> {
  const a = await must(s, s.api(getApplicationOp, { params: { code: unit, id } }));
  // The form's labels from the item's guide here (keys alone when it is gone): a clerk reads 申请人姓名, not applicantName.
  const guide = await s.api(guideOp, { params: { code: unit, definer: a.item.definer, item: a.item.code } });
  const labels = new Map<string, string>(guide.status === 200 ? guide.body.form.map((f: { name: string; label: string }) => [f.name, f.label]) : []);
  const self = `/work/applications/${unit}/${id}`;
  const steps = (Object.entries(TRANSITIONS) as [StaffAction, { from: readonly string[] }][]).filter(([, tr]) => tr.from.includes(a.status)).map(([k]) => k);
  const changed = problem?.r.status === CONFLICT;
  const near = (k: string) => (problem && !changed && problem.action === k ? refusalBlock(s, problem.r, `refusal-${k}`) : '');
  // A refused step's form keeps what was typed (a changed record shows fresh forms: the typing was for another state).
  const kept = (k: string, field: 'reason' | 'missing') => (problem && !changed && problem.action === k ? (problem[field] ?? '') : '');
  const body = html`<h1>${a.item.name}</h1>
${changed ? html`<div class="refusal" role="alert" id="changed"><p>${t(s.ctx, W.changed)}</p><p>${problem!.r.message}</p></div>` : ''}
<dl class="facts"><dt>${t(s.ctx, L.ref)}</dt><dd>${a.ref}</dd><dt>${t(s.ctx, L.applicant)}</dt><dd>${a.applicant.name} · ${a.applicant.idNumber} · ${a.applicant.phone}</dd>
<dt>${t(s.ctx, L.state)}</dt><dd id="case-status">${applicationStatus(s, a.status)}</dd>
${a.due ? html`<dt>${t(s.ctx, L.due)}</dt><dd class="${dueClass(toChinaDate(s.ctx.deps.now()), a.due, a.overdue)}">${a.due}</dd>` : ''}
${a.daysLeft !== undefined ? html`<dt>${t(s.ctx, L.daysLeft)}</dt><dd>${a.daysLeft}</dd>` : ''}
${a.escalatedTo ? html`<dt>${t(s.ctx, L.escalatedTo)}</dt><dd>${a.escalatedTo}</dd>` : ''}</dl>
<h2>${t(s.ctx, L.form)}</h2>
<dl class="facts">${Object.entries(a.form as Record<string, unknown>).map(([k, v]) => html`<dt>${labels.get(k) ?? k}</dt><dd>${typeof v === 'string' ? v : JSON.stringify(v)}</dd>`)}</dl>
${fileLinks(s, 'applications', unit, id, a.attachments)}
${a.missing?.length ? html`<h2>${t(s.ctx, L.missing)}</h2><ul>${a.missing.map((m: string) => html`<li>${m}</li>`)}</ul>` : ''}
<h2>${t(s.ctx, L.timeline)}</h2>
<ol class="timeline">${a.timeline.map((st: any) => html`<li><strong>${fmtTime(st.at)}</strong> ${st.unit} · ${STEP[st.action] ? t(s.ctx, STEP[st.action]!) : st.action} → ${applicationStatus(s, st.status)}${st.note ? html`<br>${st.note}` : ''}</li>`)}</ol>
${
  steps.length && s.me.role !== 'auditor'
    ? html`<h2>${t(s.ctx, L.nextSteps)}</h2>${steps.map(
        (k) => html`<form class="wb" method="post" action="${self}">${csrfField(s)}<input type="hidden" name="v" value="${a.v}"><input type="hidden" name="action" value="${k}">
<label for="reason-${k}">${t(s.ctx, L.reason)}</label><textarea id="reason-${k}" name="reason" rows="2">${kept(k, 'reason')}</textarea>${problem?.action === k ? fieldError(problem.r, 'body.reason') : ''}
${k === 'request-supplement' ? html`<label for="missing-${k}">${t(s.ctx, L.missingField)}</label><textarea id="missing-${k}" name="missing" rows="3">${kept(k, 'missing')}</textarea>${problem?.action === k ? fieldError(problem.r, 'body.missing') : ''}` : ''}
${near(k)}<p><button class="button${k === 'reject' || k === 'deny' ? ' secondary' : ''}" type="submit">${t(s.ctx, ACTION[k])}</button></p></form>`,
      )}`
    : ''
}`;
  return wbPage(s, { title: a.item.name, body, status: problem?.r.status ?? 200, crumbs: [{ href: self, label: a.ref }] });
}

export async function actOnApplication(s: Staff, unit: string, id: string, body: { action?: string; reason?: string; missing?: string; v?: string }): Promise<Reply> {
  const missing = (body.missing ?? '').split('\n').map((m) => m.trim()).filter(Boolean);
  const v = Number(body.v);
  const a = await s.api(actOnApplicationOp, {
    params: { code: unit, id },
    body: { action: body.action, reason: body.reason ?? '', ...(missing.length ? { missing } : {}), ...(Number.isInteger(v) && v > 0 ? { v } : {}) },
  });
  const r = refusalOf(a);
  return r ? applicationPage(s, unit, id, { r, action: body.action, reason: body.reason, missing: body.missing }) : redirect(`/work/applications/${unit}/${id}`);
}
