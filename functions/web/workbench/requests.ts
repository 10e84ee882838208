import type { Text } from '../../../shared/i18n';
import type { Reply } from '../../../shared/http/context';
import { isWithin, prefixOf } from '../../../shared/codes';
import { toChinaDate } from '../../../shared/working-days';
import { getRequestOp, requestActionOp } from '../../disclosure/api';
import { KIND, REPLY_NAMES, REPLY_TYPES, REQUIRED, type StaffAction } from '../../disclosure/requests';
import { caseActionOp, superviseOp } from '../../tiers/api';
import { html, type Html } from '../html';
import { notFoundPage } from '../pages';
import { redirect, t } from '../page';
import { badRef, changedBlock, CONFLICT, named, REQUEST_STATUS, staleForm, STEP_NAMES, timeline } from './records';
import { csrfField, fieldError, fmtTime, must, refusalBlock, refusalOf, wbPage, type Refusal, type Staff } from './shell';
import { dueClass } from './tiers';

const L = {
  ref: { zh: '申请编号', en: 'Reference' },
  applicant: { zh: '申请人账户', en: 'Applicant account' },
  state: { zh: '状态', en: 'State' },
  received: { zh: '收到申请', en: 'Received' },
  due: { zh: '答复期限（条例第三十三条）', en: 'Reply due (Art. 33)' },
  extended: { zh: '已延期', en: 'Extended by' },
  workingDays: { zh: '个工作日', en: 'working days' },
  correctionBy: { zh: '补正告知期限（第三十条）', en: 'Correction to be asked for by (Art. 30)' },
  correctedOn: { zh: '收到补正', en: 'Correction received' },
  daysLeft: { zh: '征求意见期间暂停计时，剩余工作日', en: 'Clock stopped for the consultation; working days left' },
  repliedOn: { zh: '答复日期', en: 'Replied on' },
  late: { zh: '逾期答复', en: 'Replied late' },
  escalatedTo: { zh: '已上报至', en: 'Escalated to' },
  request: { zh: '申请内容', en: 'What is asked for' },
  reply: { zh: '答复', en: 'Reply' },
  timeline: { zh: '办理经过', en: 'Timeline' },
  supervision: { zh: '督办意见', en: 'Supervision' },
  nextSteps: { zh: '下一步', en: 'Next steps' },
  answer: { zh: '答复申请人', en: 'Reply to the applicant' },
  replyType: { zh: '答复类型（第三十六条）', en: 'Type of reply (Art. 36)' },
  requiredFor: { zh: '以下类型必填：', en: 'Required for: ' },
  note: { zh: '说明', en: 'Note' },
  noteRequired: { zh: '说明或理由（必填）', en: 'Note or reason (required)' },
  correctionNote: { zh: '需要补正的内容（必填，一次性告知）', en: 'What the applicant must correct (required, asked once)' },
  days: { zh: '延长的工作日数（至多 20）', en: 'Working days added (at most 20)' },
  thirdParty: { zh: '征求意见的第三方（必填）', en: 'Third party consulted (required)' },
  supervise: { zh: '督办', en: 'Flag for supervision (督办)' },
  comment: { zh: '督办意见', en: 'Supervision comment' },
  done: { zh: '已办理', en: 'Done' },
  nowState: { zh: '当前状态', en: 'State now' },
  registryMarket: { zh: '市场主体登记', en: 'Business register' },
  registryEstate: { zh: '不动产登记', en: 'Real-estate register' },
} satisfies Record<string, Text>;

/** The reply's fields as the form shows them; which are required for which type is the API's own rule (REQUIRED). */
const REPLY_FIELDS: { key: 'content' | 'where' | 'reason' | 'legalBasis' | 'agency' | 'previous'; label: Text; rows: number }[] = [
  { key: 'content', label: { zh: '公开的内容', en: 'What is disclosed' }, rows: 4 },
  { key: 'where', label: { zh: '公开或查询的途径', en: 'Where it is published or can be asked for' }, rows: 1 },
  { key: 'reason', label: { zh: '不予公开的理由', en: 'Why it is withheld' }, rows: 2 },
  { key: 'legalBasis', label: { zh: '法律依据', en: 'Legal basis' }, rows: 1 },
  { key: 'agency', label: { zh: '负责公开的机关', en: 'The agency responsible' }, rows: 1 },
  { key: 'previous', label: { zh: '此前申请的编号', en: 'Reference of the earlier request' }, rows: 1 },
];

type ScreenAction = StaffAction | 'escalate' | 'supervise';

export interface RequestForm {
  action?: string;
  note?: string;
  days?: string;
  thirdParty?: string;
  type?: string;
  content?: string;
  where?: string;
  reason?: string;
  legalBasis?: string;
  agency?: string;
  previous?: string;
  registry?: string;
  v?: string;
}

interface Problem {
  r: Refusal;
  action?: string;
  sent?: RequestForm;
}

/** The steps the 条例 allows now on a request held here (the API checks each again). */
export function requestSteps(c: { status: string; data: Record<string, string>; history: { action: string }[] }, today: string): ScreenAction[] {
  switch (c.status) {
    case 'received': {
      const corrected = c.data.correctedOn !== undefined || c.history.some((h) => h.action === 'correction');
      return [
        'reply',
        ...(!corrected && c.data.correctionBy !== undefined && today <= c.data.correctionBy ? (['correction'] as const) : []),
        ...(c.data.extended === undefined ? (['extend'] as const) : []),
        'consult',
        'escalate',
      ];
    }
    case 'consulting':
      return ['consulted'];
    case 'correcting':
      return ['abandon'];
    default:
      return [];
  }
}

const self = (unit: string, id: string) => `/work/requests/${unit}/${id}`;

/** One request for disclosure: its 条例 clock, what was asked, the reply if given, the timeline and the steps open now. */
export async function requestPage(s: Staff, unit: string, id: string, problem?: Problem, done?: string): Promise<Reply> {
  if (badRef(unit, id)) return notFoundPage(s.ctx);
  const got = await must(s, s.api(getRequestOp, { params: { code: unit, id } }));
  const c = got.current ?? got.case;
  const today = toChinaDate(s.ctx.deps.now());
  const acts = s.me.role !== 'auditor';
  const holder = acts && s.me.unit === c.unit && !c.escalatedTo;
  const steps = holder ? requestSteps(c, today) : [];
  const supervisor = acts && s.me.unit !== c.unit && isWithin(c.unit, prefixOf(s.me.unit)) && c.status === 'received';
  const action = self(unit, id);
  const changed = problem?.r.status === CONFLICT;
  const sent = problem && !changed ? problem.sent : undefined;
  const mine = (k: string) => sent?.action === k;
  const near = (k: string) => (problem && !changed && problem.action === k ? refusalBlock(s, problem.r, `refusal-${k}`) : '');
  const err = (k: string, path: string) => (problem && !changed && problem.action === k ? fieldError(problem.r, path) : '');
  const textArea = (k: string, name: keyof RequestForm, label: Text, rows = 2) =>
    html`<label for="${name}-${k}">${t(s.ctx, label)}</label><textarea id="${name}-${k}" name="${name}" rows="${rows}">${mine(k) ? (sent![name] ?? '') : ''}</textarea>${err(k, `body.${name}`)}`;
  const form = (k: ScreenAction, fields: Html | string, label: Text, secondary = false) =>
    html`<form class="wb step" method="post" action="${action}">${csrfField(s)}<input type="hidden" name="v" value="${c.v}"><input type="hidden" name="action" value="${k}">
${fields}${near(k)}<p><button class="button${secondary ? ' secondary' : ''}" type="submit">${t(s.ctx, label)}</button></p></form>`;
  const replyForm = () => {
    const chosen = mine('reply') ? sent!.type : undefined;
    const requiredFor = (key: string) =>
      REPLY_TYPES.filter((ty) => (REQUIRED[ty] as string[]).includes(key)).map((ty) => t(s.ctx, REPLY_NAMES[ty])).join('、');
    return form(
      'reply',
      html`<label for="type-reply">${t(s.ctx, L.replyType)}</label><select id="type-reply" name="type"><option value=""></option>${REPLY_TYPES.map(
        (ty) => html`<option value="${ty}"${chosen === ty ? html` selected` : ''}>${t(s.ctx, REPLY_NAMES[ty])}</option>`,
      )}</select>${err('reply', 'body.reply.type')}
${REPLY_FIELDS.map(
  (f) => html`<label for="${f.key}-reply">${t(s.ctx, f.label)}</label><span class="hint" id="${f.key}-hint">${t(s.ctx, L.requiredFor)}${requiredFor(f.key)}</span>
<textarea id="${f.key}-reply" name="${f.key}" rows="${f.rows}" aria-describedby="${f.key}-hint">${mine('reply') ? (sent![f.key] ?? '') : ''}</textarea>${err('reply', `body.reply.${f.key}`)}`,
)}
<label for="registry-reply">${t(s.ctx, REPLY_NAMES.registration)}</label><select id="registry-reply" name="registry"><option value=""></option>
<option value="market"${mine('reply') && sent!.registry === 'market' ? html` selected` : ''}>${t(s.ctx, L.registryMarket)}</option>
<option value="real-estate"${mine('reply') && sent!.registry === 'real-estate' ? html` selected` : ''}>${t(s.ctx, L.registryEstate)}</option></select>${err('reply', 'body.reply.registry')}`,
      L.answer,
    );
  };
  const stepForm = (k: ScreenAction) => {
    switch (k) {
      case 'reply':
        return replyForm();
      case 'correction':
        return form(k, textArea(k, 'note', L.correctionNote, 3), STEP_NAMES.correction!, true);
      case 'extend':
        return form(
          k,
          html`<label for="days-${k}">${t(s.ctx, L.days)}</label><input type="number" id="days-${k}" name="days" min="1" max="20" value="${mine(k) ? (sent!.days ?? '') : ''}">${err(k, 'body.days')}${textArea(k, 'note', L.noteRequired)}`,
          STEP_NAMES.extend!,
          true,
        );
      case 'consult':
        return form(k, html`<label for="thirdParty-${k}">${t(s.ctx, L.thirdParty)}</label><input type="text" id="thirdParty-${k}" name="thirdParty" value="${mine(k) ? (sent!.thirdParty ?? '') : ''}">${err(k, 'body.thirdParty')}`, STEP_NAMES.consult!, true);
      case 'consulted':
        return form(k, textArea(k, 'note', L.note), STEP_NAMES.consulted!);
      case 'abandon':
      case 'escalate':
        return form(k, textArea(k, 'note', L.noteRequired), STEP_NAMES[k]!, true);
      default:
        return '';
    }
  };
  const d = c.data as Record<string, string>;
  const reply = d.reply ? (JSON.parse(d.reply) as Record<string, string>) : undefined;
  const body = html`<h1>${c.title}</h1>
${changed ? changedBlock(s, problem!.r) : ''}
${done && Object.hasOwn(STEP_NAMES, done) ? html`<div class="notice-ok" role="status" id="done"><p>${t(s.ctx, L.done)}：${named(s, STEP_NAMES, done)}。${t(s.ctx, L.ref)} ${c.id}，${t(s.ctx, L.nowState)}：${named(s, REQUEST_STATUS, c.status)}。</p></div>` : ''}
<dl class="facts" id="clock"><dt>${t(s.ctx, L.ref)}</dt><dd>${c.id}</dd>
<dt>${t(s.ctx, L.state)}</dt><dd id="request-status">${named(s, REQUEST_STATUS, c.status)}</dd>
<dt>${t(s.ctx, L.applicant)}</dt><dd>${d.applicant ?? ''}</dd>
${d.receivedOn ? html`<dt>${t(s.ctx, L.received)}</dt><dd>${d.receivedOn}</dd>` : ''}
${c.due ? html`<dt>${t(s.ctx, L.due)}</dt><dd id="request-due" class="${c.status === 'received' ? dueClass(today, c.due, c.overdue) : ''}">${c.due}</dd>` : ''}
${d.extended ? html`<dt>${t(s.ctx, L.extended)}</dt><dd id="request-extended">${d.extended} ${t(s.ctx, L.workingDays)}</dd>` : ''}
${d.correctionBy && c.status === 'received' && !d.correctedOn ? html`<dt>${t(s.ctx, L.correctionBy)}</dt><dd>${d.correctionBy}</dd>` : ''}
${d.correctedOn ? html`<dt>${t(s.ctx, L.correctedOn)}</dt><dd>${d.correctedOn}</dd>` : ''}
${d.daysLeft ? html`<dt>${t(s.ctx, L.daysLeft)}</dt><dd>${d.daysLeft}</dd>` : ''}
${d.repliedOn ? html`<dt>${t(s.ctx, L.repliedOn)}</dt><dd>${d.repliedOn}${d.late ? html` <span class="tag">${t(s.ctx, L.late)}</span>` : ''}</dd>` : ''}
${got.case.escalatedTo ? html`<dt>${t(s.ctx, L.escalatedTo)}</dt><dd>${got.case.escalatedTo}</dd>` : ''}</dl>
<h2>${t(s.ctx, L.request)}</h2>
<div class="panel">${String(c.body).split('\n').map((p: string) => html`<p>${p}</p>`)}</div>
${
  reply
    ? html`<h2>${t(s.ctx, L.reply)}</h2><dl class="facts" id="reply"><dt>${t(s.ctx, L.replyType)}</dt><dd>${named(s, REPLY_NAMES, reply.type ?? '')}</dd>
${REPLY_FIELDS.filter((f) => reply[f.key]).map((f) => html`<dt>${t(s.ctx, f.label)}</dt><dd>${reply[f.key]}</dd>`)}</dl>`
    : ''
}
<h2>${t(s.ctx, L.timeline)}</h2>
${timeline(s, c.history, REQUEST_STATUS)}
${c.supervision.length ? html`<h2>${t(s.ctx, L.supervision)}</h2><ul>${c.supervision.map((x: any) => html`<li>${fmtTime(x.at)} ${x.unit}：${x.comment}</li>`)}</ul>` : ''}
${steps.length ? html`<h2>${t(s.ctx, L.nextSteps)}</h2>${steps.map(stepForm)}` : ''}
${supervisor ? html`<h2>${t(s.ctx, L.supervise)}</h2>${form('supervise', textArea('supervise', 'note', L.comment), L.supervise)}` : ''}`;
  return wbPage(s, { title: c.title, body, status: problem?.r.status ?? 200, crumbs: [{ href: action, label: c.id }] });
}

/** What the reply form holds, as the API takes it: empty fields left out, so that a missing one is named. */
function replyOf(f: RequestForm) {
  const fields = Object.fromEntries(
    (['content', 'where', 'reason', 'legalBasis', 'agency', 'previous', 'registry'] as const).filter((k) => f[k]?.trim()).map((k) => [k, f[k]!]),
  );
  return { type: f.type, ...fields };
}

/** A step on a request, unless the form was made from an older version: then the reader sees the request as it is now. */
export async function actOnRequest(s: Staff, unit: string, id: string, body: RequestForm): Promise<Reply> {
  const now = await s.api(getRequestOp, { params: { code: unit, id } });
  const gone = refusalOf(now);
  if (gone) return requestPage(s, unit, id, { r: gone });
  const c = now.body.current ?? now.body.case;
  if (String(c.v) !== body.v) return requestPage(s, unit, id, { r: staleForm(s) });
  const note = body.note?.trim() ? body.note : undefined;
  const days = Number(body.days);
  const a =
    body.action === 'supervise'
      ? await s.api(superviseOp, { params: { code: c.unit, kind: KIND, id }, body: { comment: note ?? '' } })
      : body.action === 'escalate'
        ? await s.api(caseActionOp, { params: { code: c.unit, kind: KIND, id }, body: { action: 'escalate', ...(note ? { note } : {}) } })
        : await s.api(requestActionOp, {
            params: { code: c.unit, id },
            body: {
              action: body.action,
              ...(note ? { note } : {}),
              ...(body.days ? { days: Number.isInteger(days) ? days : body.days } : {}),
              ...(body.thirdParty?.trim() ? { thirdParty: body.thirdParty } : {}),
              ...(body.action === 'reply' ? { reply: replyOf(body) } : {}),
            },
          });
  const r = refusalOf(a);
  if (r) return requestPage(s, unit, id, { r, action: body.action, sent: body });
  return redirect(`${self(c.unit, id)}?done=${encodeURIComponent(body.action ?? '')}`);
}
