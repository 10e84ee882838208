import type { Text } from '../../../shared/i18n';
import { isUnitCode } from '../../../shared/codes';
import { html } from '../html';
import { t } from '../page';
import { fmtTime, W, type Refusal, type Staff } from './shell';

/**
 * What the ticket and disclosure-request screens share: the names of their statuses and steps (which the worklist
 * shows too), the timeline, and the notice that someone else acted first.
 */

export const TICKET_STATUS: Record<string, Text> = {
  filed: { zh: '待受理', en: 'Filed' },
  accepted: { zh: '已受理', en: 'Accepted' },
  dispatched: { zh: '已派单', en: 'Dispatched' },
  signed: { zh: '办理中', en: 'Being handled' },
  returned: { zh: '已退单', en: 'Returned' },
  answered: { zh: '已答复', en: 'Answered' },
  visited: { zh: '已回访', en: 'Called back' },
  rated: { zh: '已评价', en: 'Rated' },
  closed: { zh: '已办结', en: 'Closed' },
  merged: { zh: '已合并', en: 'Merged' },
  escalated: { zh: '已上报', en: 'Escalated' },
};

export const REQUEST_STATUS: Record<string, Text> = {
  received: { zh: '办理中', en: 'Being handled' },
  correcting: { zh: '待补正', en: 'Awaiting correction' },
  consulting: { zh: '征求第三方意见中', en: 'Consulting a third party' },
  answered: { zh: '已答复', en: 'Answered' },
  abandoned: { zh: '视为放弃', en: 'Given up' },
  escalated: { zh: '已上报', en: 'Escalated' },
};

export const STEP_NAMES: Record<string, Text> = {
  file: { zh: '登记', en: 'Filed' },
  accept: { zh: '受理', en: 'Accept' },
  dispatch: { zh: '派单', en: 'Dispatch' },
  sign: { zh: '签收', en: 'Sign for it' },
  progress: { zh: '报告进展', en: 'Report progress' },
  answer: { zh: '答复', en: 'Answer' },
  return: { zh: '退单', en: 'Return' },
  requestExtension: { zh: '申请延期', en: 'Ask for an extension' },
  approveExtension: { zh: '批准延期', en: 'Approve the extension' },
  rejectExtension: { zh: '驳回延期', en: 'Refuse the extension' },
  callback: { zh: '回访', en: 'Call back' },
  complete: { zh: '办结', en: 'Close' },
  escalate: { zh: '上报上级', en: 'Escalate' },
  supervise: { zh: '督办', en: 'Supervision (督办)' },
  merge: { zh: '合并', en: 'Merged' },
  mergeIn: { zh: '并入他件', en: 'Another merged in' },
  mergeOut: { zh: '撤销并入', en: 'A merge undone' },
  unmerge: { zh: '撤销合并', en: 'Merge undone' },
  rate: { zh: '评价', en: 'Rated' },
  overdue: { zh: '超期', en: 'Overdue' },
  receive: { zh: '收到申请', en: 'Received' },
  correction: { zh: '补正告知', en: 'Correction asked for' },
  corrected: { zh: '申请人补正', en: 'Corrected by the applicant' },
  extend: { zh: '延期答复', en: 'Extend' },
  consult: { zh: '征求第三方意见', en: 'Consult a third party' },
  consulted: { zh: '第三方意见已回', en: 'Consultation ended' },
  reply: { zh: '答复', en: 'Reply' },
  abandon: { zh: '视为放弃', en: 'Count as given up' },
};

export const KIND_NAMES: Record<string, Text> = {
  assignment: { zh: '交办任务', en: 'Assignment' },
  'data-request': { zh: '数据报送', en: 'Data request' },
  application: { zh: '办件', en: 'Application' },
  ticket: { zh: '诉求', en: 'Ticket' },
  'disclosure-request': { zh: '依申请公开', en: 'Disclosure request' },
};

export const named = (s: Staff, map: Record<string, Text>, k: string) => (Object.hasOwn(map, k) ? t(s.ctx, map[k]!) : k);

/** A case's steps, oldest first, in the reader's words. */
export const timeline = (s: Staff, steps: { at: string; unit: string; action: string; status: string; note?: string }[], status: Record<string, Text>) =>
  html`<ol class="timeline" id="timeline">${steps.map(
    (st) => html`<li><strong>${fmtTime(st.at)}</strong> ${st.unit} · ${named(s, STEP_NAMES, st.action)} → ${named(s, status, st.status)}${st.note ? html`<br>${st.note}` : ''}</li>`,
  )}</ol>`;

/** Said at the top of a screen whose form was out of date when sent: nothing was done, here is the record now. */
export const changedBlock = (s: Staff, r: Refusal) =>
  html`<div class="refusal" role="alert" id="changed"><p>${t(s.ctx, W.changed)}</p>${r.message !== t(s.ctx, W.changed) ? html`<p>${r.message}</p>` : ''}</div>`;

export const CONFLICT = 409;

/** The refusal standing for a form made from an older version than the record's now. */
export const staleForm = (s: Staff): Refusal => ({ status: CONFLICT, message: t(s.ctx, W.changed), fields: [] });

/** A record's address the API could never answer (not a unit code and a ULID): a 404 page, as any unknown address. */
export const badRef = (unit: string, id: string) => !isUnitCode(unit) || !/^[0-9A-HJKMNP-TV-Z]{26}$/.test(id);
