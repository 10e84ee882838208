import { monotonicFactory } from 'ulid';
import * as z from '../../shared/zod';
import { commitAudited } from '../../shared/audit';
import { levelOf } from '../../shared/codes';
import type { Deps } from '../../shared/deps';
import { ApiError, notFound } from '../../shared/errors';
import type { Text } from '../../shared/i18n';
import type { Principal } from '../../shared/roles';
import type { Key, Store } from '../../shared/store/store';
import { CalendarCoverageError, toChinaDate, type WorkingCalendar } from '../../shared/working-days';
import { chinaWorkingCalendar } from '../../tenants/calendars';
import { readSettings } from '../../tenants/settings';
import { notificationMessage } from '../notify/notifications';
import { countEvent } from '../stats/rollup';
import { caseItem, caseKey, caseSchema, heldCase, readCase, recordStep, type Case, type CaseRules } from '../tiers/escalation';

/**
 * 依申请公开: a request for government information, under the 2019 条例. It is a case (functions/tiers/escalation.ts)
 * of kind `disclosure-request`, so the overdue sweep flags it and, where the unit's settings say so, escalates it
 * up the tiers with its whole history, and units above can supervise it (督办).
 *
 * The clock, in working days on the unit's calendar (national holidays, 调休 weekends, local days):
 * - reply due 20 working days after receipt (Art. 33, `disclosure.request`);
 * - one extension of at most 20 more, with a reason, before the reply is due (Art. 33, `disclosure.extension`);
 * - one 补正 notice, within 7 working days of receipt (Art. 30, `disclosure.correction`); the clock stops, and starts
 *   again from the day the corrected request arrives, in full;
 * - a third-party consultation (Art. 32) stops the clock; the working days left when it began remain when it ends.
 * While the clock is stopped the case is not in an open status, so the sweep does not see it.
 */

export const KIND = 'disclosure-request';

/** The reply types of Art. 36. */
export const REPLY_TYPES = ['published', 'disclosed', 'partial', 'withheld', 'not-exist', 'not-responsible', 'repeat', 'registration'] as const;
export type ReplyType = (typeof REPLY_TYPES)[number];

export const REPLY_NAMES: Record<ReplyType, Text> = {
  published: { zh: '已主动公开', en: 'Already published' },
  disclosed: { zh: '予以公开', en: 'Disclosed' },
  partial: { zh: '部分公开', en: 'Partly disclosed' },
  withheld: { zh: '不予公开', en: 'Not disclosed' },
  'not-exist': { zh: '信息不存在', en: 'Information does not exist' },
  'not-responsible': { zh: '非本机关负责公开', en: 'Another agency is responsible' },
  repeat: { zh: '重复申请', en: 'Repeated request' },
  registration: { zh: '工商、不动产登记资料查询', en: 'Referral to the business or real-estate register' },
};

export const replySchema = z.object({
  type: z.enum(REPLY_TYPES),
  /** What is given (公开, 部分公开), or where it was published (已主动公开), or where to ask (登记资料). */
  content: z.optional(z.string()),
  where: z.optional(z.string()),
  /** Why it is withheld, wholly or partly, and the legal basis (Art. 14-16 of the 条例, another law). */
  reason: z.optional(z.string()),
  legalBasis: z.optional(z.string()),
  /** The competent agency, for 非本机关负责. */
  agency: z.optional(z.string()),
  /** The earlier request this one repeats. */
  previous: z.optional(z.string()),
  registry: z.optional(z.enum(['market', 'real-estate'])),
});
export type Reply = z.infer<typeof replySchema>;

/** Fields each reply type cannot go without. */
export const REQUIRED: Record<ReplyType, (keyof Reply)[]> = {
  published: ['where'],
  disclosed: ['content'],
  partial: ['content', 'reason', 'legalBasis'],
  withheld: ['reason', 'legalBasis'],
  'not-exist': [],
  'not-responsible': ['agency'],
  repeat: ['previous'],
  registration: ['registry', 'where'],
};

/** Steps the applicant hears of, in the app: what they must do, or what became of their request. */
const TOLD: Record<string, Text> = {
  correction: { zh: '您的政府信息公开申请需要补正，请查看补正告知并提交补正材料', en: 'Your request for information needs a correction: see the notice and reply' },
  extend: { zh: '您的政府信息公开申请答复期限已延长', en: 'The reply to your request for information was extended' },
  reply: { zh: '您的政府信息公开申请已答复', en: 'Your request for information has been answered' },
  abandon: { zh: '您的政府信息公开申请因逾期未补正视为放弃', en: 'Your request for information lapsed: the correction was not made in time' },
};

export const requestRules: CaseRules = {
  open: new Set(['received']),
  notify: (c, step, now) => {
    const text = TOLD[step.action];
    if (!text || !c.data.applicant) return undefined;
    const unit = c.unit;
    return notificationMessage({ unit, subject: `${KIND}/${c.id}`, account: c.data.applicant, channels: [], text, link: `/v1/units/${unit}/disclosure/requests/${c.id}` }, now);
  },
};

/** Statuses: the clock runs in `received`; stops in `correcting` and `consulting`; `answered` and `abandoned` end it. */
export const STATUSES = ['received', 'correcting', 'consulting', 'answered', 'abandoned'] as const;

export const STAFF_ACTIONS = ['correction', 'extend', 'consult', 'consulted', 'reply', 'abandon'] as const;
export type StaffAction = (typeof STAFF_ACTIONS)[number];

const nextId = monotonicFactory();
const bad = (path: string, message: Text) => new ApiError('validation_failed', [{ path, message }]);
const outOfOrder = (c: Case, action: string) =>
  new ApiError('unprocessable', [
    { path: 'body.action', message: { zh: `申请状态为「${c.status}」，不能执行「${action}」`, en: `A request in status "${c.status}" cannot take "${action}"` } },
  ]);

async function clockOf(store: Store, unit: string) {
  const s = await readSettings(store, unit);
  const cal = chinaWorkingCalendar(s.effective.calendar);
  return { cal, deadlines: s.effective.deadlines };
}

/** Calendar arithmetic, with a year not yet in the shipped calendars as a clear 422. */
function count<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (!(e instanceof CalendarCoverageError)) throw e;
    throw new ApiError('unprocessable', [], {
      zh: `工作日历只覆盖 ${e.coveredYears.join('、')} 年，无法计算到 ${e.date}`,
      en: `The working-day calendar covers ${e.coveredYears.join(', ')} only; cannot count to ${e.date}`,
    });
  }
}
const add = (cal: WorkingCalendar, from: string, days: number) => count(() => cal.addWorkingDays(from, days));

/** The applicant's own requests across the province, newest first: a small reference item per request. */
const mineKey = (unit: string, sub: string, at: string, id: string): Key => ({ pk: `${unit.slice(0, 2)}#disclosure-mine#${sub}`, sk: `${at}#${unit}#${id}` });

export interface NewRequest {
  title: string;
  description: string;
}

/** A citizen's or business's request, received today at the unit. */
export async function submitRequest(deps: Deps, applicant: Principal, unit: string, input: NewRequest): Promise<Case> {
  const now = deps.now();
  const today = toChinaDate(now);
  const { cal, deadlines } = await clockOf(deps.store, unit);
  const due = add(cal, today, deadlines['disclosure.request']!);
  const at = now.toISOString();
  const c: Case = {
    kind: KIND,
    id: nextId(now.getTime()),
    unit,
    title: input.title,
    body: input.description,
    status: 'received',
    due,
    overdue: false,
    data: { applicant: applicant.sub, applicantRole: applicant.role, receivedOn: today, correctionBy: add(cal, today, deadlines['disclosure.correction']!) },
    history: [{ at, unit, by: applicant.sub, action: 'receive', status: 'received' }],
    supervision: [],
    createdAt: at,
    updatedAt: at,
    v: 1,
  };
  await commitAudited(deps, now, unit, { actor: applicant, action: `${KIND}.submit`, subject: `${KIND}/${c.id}`, after: c }, [
    { op: 'put', table: levelOf(unit), item: caseItem(c, requestRules), expect: { absent: true } },
    { op: 'put', table: 'province', item: { ...mineKey(unit, applicant.sub, at, c.id), unit, id: c.id } },
    countEvent({ unit, kind: 'disclosure-request', day: today, eventId: `${KIND}/${c.id}/received` }, now),
  ]);
  return c;
}

/** The applicant sees their own request; staff of the unit (or above it, by scope) see any. */
export async function readRequest(deps: Deps, viewer: Principal, staff: boolean, unit: string, id: string) {
  const r = await readCase(deps, unit, KIND, id);
  if (!staff && r.case.data.applicant !== viewer.sub) throw notFound();
  return r;
}

/** The applicant's requests, newest first, each as its unit holds it (one query, one batch read per level). */
export async function myRequests(store: Store, applicant: Principal, limit: number): Promise<Case[]> {
  const page = await store.query({ table: 'province', pk: mineKey(applicant.unit, applicant.sub, '', '').pk, limit, descending: true });
  const refs = page.items.map((i) => ({ unit: i.unit as string, id: i.id as string }));
  const byLevel = new Map<ReturnType<typeof levelOf>, Key[]>();
  for (const r of refs) byLevel.set(levelOf(r.unit), [...(byLevel.get(levelOf(r.unit)) ?? []), caseKey(r.unit, KIND, r.id)]);
  const found = new Map((await Promise.all([...byLevel].map(([t, keys]) => store.getMany(t, keys)))).flat().map((i) => [i.sk as string, caseSchema.parse(i)]));
  return refs.flatMap((r) => found.get(`${KIND}/${r.id}`) ?? []);
}

export interface StaffStep {
  action: StaffAction;
  note?: string;
  days?: number;
  thirdParty?: string;
  reply?: Reply;
}

/** A staff step on a request the unit holds, in the order the 条例 allows, each audited. */
export async function actOnRequest(deps: Deps, actor: Principal, unit: string, id: string, step: StaffStep): Promise<Case> {
  const c = await heldCase(deps, unit, KIND, id);
  const today = toChinaDate(deps.now());
  const { cal, deadlines } = await clockOf(deps.store, c.unit);
  const need = (path: string, value: unknown, message: Text) => {
    if (value === undefined || value === '') throw bad(path, message);
  };
  const from = (...statuses: string[]) => {
    if (!statuses.includes(c.status)) throw outOfOrder(c, step.action);
  };
  switch (step.action) {
    case 'correction': {
      from('received');
      need('body.note', step.note, { zh: '请写明需要补正的内容', en: 'say what the applicant must correct or add' });
      if (c.data.correctedOn || c.history.some((s) => s.action === 'correction')) {
        throw new ApiError('unprocessable', [{ path: 'body.action', message: { zh: '补正只能通知一次', en: 'a correction may be asked for once only' } }]);
      }
      if (today > c.data.correctionBy!) {
        throw new ApiError('unprocessable', [
          { path: 'body.action', message: { zh: `补正须在收到申请后7个工作日内（${c.data.correctionBy}前）一次性告知`, en: `a correction must be asked for by ${c.data.correctionBy}, within 7 working days of receipt` } },
        ]);
      }
      return recordStep(deps, actor, c, requestRules, { action: 'correction', status: 'correcting', note: step.note }, { data: { ...c.data, correctionAskedOn: today } });
    }
    case 'extend': {
      from('received');
      need('body.note', step.note, { zh: '延期须说明理由', en: 'an extension needs a reason' });
      need('body.days', step.days, { zh: '请填写延长的工作日数', en: 'give the number of working days' });
      const max = deadlines['disclosure.extension']!;
      if (step.days! < 1 || step.days! > max) throw bad('body.days', { zh: `延长期限为1至${max}个工作日`, en: `an extension is 1 to ${max} working days` });
      if (c.data.extended) throw new ApiError('unprocessable', [{ path: 'body.action', message: { zh: '答复期限只能延长一次', en: 'the reply deadline may be extended once only' } }]);
      if (today > c.due!) throw new ApiError('unprocessable', [{ path: 'body.action', message: { zh: '答复期限已过，不能再延长', en: 'the reply is already overdue; it can no longer be extended' } }]);
      const due = add(cal, c.due!, step.days!);
      return recordStep(deps, actor, c, requestRules, { action: 'extend', status: 'received', note: `${step.note}（延长${step.days}个工作日至${due}）` }, { due, data: { ...c.data, extended: String(step.days) } });
    }
    case 'consult': {
      from('received');
      need('body.thirdParty', step.thirdParty, { zh: '请写明征求意见的第三方', en: 'name the third party consulted' });
      const left = Math.max(0, count(() => cal.workingDaysBetween(today, c.due!)));
      return recordStep(deps, actor, c, requestRules, { action: 'consult', status: 'consulting', note: step.thirdParty }, { data: { ...c.data, daysLeft: String(left), consultingSince: today } });
    }
    case 'consulted': {
      from('consulting');
      const due = add(cal, today, Number(c.data.daysLeft));
      const { daysLeft: _l, consultingSince: _s, ...data } = c.data;
      return recordStep(deps, actor, c, requestRules, { action: 'consulted', status: 'received', ...(step.note ? { note: step.note } : {}) }, { due, data });
    }
    case 'reply': {
      from('received');
      need('body.reply', step.reply, { zh: '请填写答复', en: 'give the reply' });
      const reply = step.reply!;
      for (const f of REQUIRED[reply.type]) {
        need(`body.reply.${f}`, reply[f], { zh: `「${REPLY_NAMES[reply.type].zh}」的答复须填写 ${f}`, en: `a "${REPLY_NAMES[reply.type].en}" reply needs ${f}` });
      }
      const late = today > c.due!;
      return recordStep(
        deps,
        actor,
        c,
        requestRules,
        { action: 'reply', status: 'answered', note: REPLY_NAMES[reply.type].zh },
        { data: { ...c.data, reply: JSON.stringify(reply), repliedOn: today, ...(late ? { late: 'true' } : {}) } },
      );
    }
    case 'abandon': {
      // Art. 30: a 补正 not answered without good reason counts as the request given up.
      from('correcting');
      need('body.note', step.note, { zh: '请说明视为放弃申请的理由', en: 'say why the request counts as given up' });
      return recordStep(deps, actor, c, requestRules, { action: 'abandon', status: 'abandoned', note: step.note });
    }
  }
}

/** The applicant's 补正: the clock starts again, in full, from today (Art. 30). */
export async function answerCorrection(deps: Deps, applicant: Principal, unit: string, id: string, text: string): Promise<Case> {
  const c = await heldCase(deps, unit, KIND, id);
  if (c.data.applicant !== applicant.sub) throw notFound();
  if (c.status !== 'correcting') throw outOfOrder(c, 'corrected');
  const today = toChinaDate(deps.now());
  const { cal, deadlines } = await clockOf(deps.store, c.unit);
  const due = add(cal, today, deadlines['disclosure.request']!);
  return recordStep(deps, applicant, c, requestRules, { action: 'corrected', status: 'received', note: text }, { due, data: { ...c.data, correctedOn: today } });
}
