import { randomBytes, timingSafeEqual } from 'node:crypto';
import { monotonicFactory } from 'ulid';
import * as z from '../../shared/zod';
import { commitAudited } from '../../shared/audit';
import { isUnitCode, levelOf, prefixOf } from '../../shared/codes';
import type { Deps } from '../../shared/deps';
import { ApiError, notFound } from '../../shared/errors';
import type { Text } from '../../shared/i18n';
import { checkCreditCode, checkResidentId, maskCreditCode, maskPhone, maskResidentId } from '../../shared/identity-codes';
import { LEVELS } from '../../shared/levels';
import type { Principal } from '../../shared/roles';
import type { Key, Store, Write } from '../../shared/store/store';
import { toChinaDate } from '../../shared/working-days';
import { chinaWorkingCalendar } from '../../tenants/calendars';
import { dueDate, readSettings } from '../../tenants/settings';
import { countEvent, type EventKind } from '../stats/rollup';
import { caseItem, caseKey, getCase, heldCase, recordStep, type Case, type CaseRules } from '../tiers/escalation';
import { getItem, offerAt, type ServiceItem } from './catalog';
import { checkForm, MOBILE_PATTERN, type FormValues } from './forms';
import { attachmentSchema, claimAttachments, type Attachment } from '../uploads/attachments';
import { notifyWrite } from '../notify/notifications';
import { staffDept, wrongDept } from './staff';

/**
 * Applications (办件) are cases of kind 'application' held by the unit they were made to, so escalation, 督办 and the
 * overdue sweep work for them as for any case. What only applications have lives in the case's `data` (strings) and
 * in three indexes written in the same transaction as the case:
 *   <p>#svc-ref / <reference number>                 → the case, for the public lookup and result checks
 *   <p>#svc-work#<dept> / <due>#<id>                  → a department's worklist in due-date order, while staff hold it
 *   <province p>#svc-mine#<applicant> / <at>#<id>     → the applicant's own cases, across every unit of the province
 * Each list page is one query plus one batch read per level table: the same cost with ten cases or a million.
 */

export const KIND = 'application';

export const STATUSES = ['submitted', 'supplement', 'accepted', 'rejected', 'in-review', 'approved', 'denied', 'completed'] as const;
export type Status = (typeof STATUSES)[number];
export const STAFF_ACTIONS = ['accept', 'reject', 'request-supplement', 'review', 'approve', 'deny', 'complete'] as const;
export type StaffAction = (typeof STAFF_ACTIONS)[number];

export const TRANSITIONS: Record<StaffAction, { from: readonly Status[]; to: Status }> = {
  accept: { from: ['submitted'], to: 'accepted' },
  reject: { from: ['submitted'], to: 'rejected' },
  'request-supplement': { from: ['submitted'], to: 'supplement' },
  review: { from: ['accepted'], to: 'in-review' },
  approve: { from: ['in-review'], to: 'approved' },
  deny: { from: ['in-review'], to: 'denied' },
  complete: { from: ['approved', 'denied'], to: 'completed' },
};

/** While 补正 is pending the clock stops: the case leaves the due-date index, so it is neither listed nor swept. */
export const applicationRules: CaseRules = { open: new Set<string>(['submitted', 'accepted', 'in-review', 'approved', 'denied']) };

/** 好差评's five levels: 非常满意, 满意, 基本满意, 不满意, 非常不满意. */
export const RATINGS = ['very-satisfied', 'satisfied', 'fair', 'dissatisfied', 'very-dissatisfied'] as const;
export type Rating = (typeof RATINGS)[number];
export const RATING_LABELS: Record<Rating, string> = {
  'very-satisfied': '非常满意',
  satisfied: '满意',
  fair: '基本满意',
  dissatisfied: '不满意',
  'very-dissatisfied': '非常不满意',
};
export const RATING_EVENT: Record<Rating, EventKind> = {
  'very-satisfied': 'ratedVerySatisfied',
  satisfied: 'ratedSatisfied',
  fair: 'ratedFair',
  dissatisfied: 'ratedDissatisfied',
  'very-dissatisfied': 'ratedVeryDissatisfied',
};

// ---------------------------------------------------------------- keys

const refKey = (unit: string, ref: string): Key => ({ pk: `${prefixOf(unit)}#svc-ref`, sk: ref });
const workPartition = (unit: string, dept: string) => `${prefixOf(unit)}#svc-work#${dept}`;
const workKey = (unit: string, dept: string, due: string, id: string): Key => ({ pk: workPartition(unit, dept), sk: `${due}#${id}` });
const minePartition = (anyUnit: string, sub: string) => `${anyUnit.slice(0, 2)}#svc-mine#${sub}`;
const mineKey = (unit: string, sub: string, at: string, id: string): Key => ({ pk: minePartition(unit, sub), sk: `${at}#${id}` });

/** 330106004001-260302-7K3M9Q: the unit, the day, and the last six characters of the case's ULID. */
export const REF_PATTERN = /^(\d{12})-(\d{6})-([0-9A-HJKMNP-TV-Z]{6})$/;
const refOf = (unit: string, day: string, id: string) => `${unit}-${day.slice(2).replaceAll('-', '')}-${id.slice(-6)}`;

const nextId = monotonicFactory();

/** A reason as a notification quotes it: short enough for an SMS. */
const brief = (s: string) => ([...s].length > 120 ? `${[...s].slice(0, 119).join('')}…` : s);

/**
 * The notification to the applicant that goes with a step, in the step's own transaction (an in-app message, and an
 * SMS through the sender port where one is configured).
 */
export const tell = (c: Case, text: Text, now: Date): Write =>
  notifyWrite({ unit: c.unit, subject: `${KIND}/${c.id}`, account: c.data.applicantSub!, channels: ['sms'], text, link: `/v1/units/${c.unit}/applications/${c.id}` }, now);

/** What the applicant is told of each staff step. */
function stepText(c: Case, action: StaffAction, reason: string, missing?: string[]): Text {
  const what = `「${c.title}」（${c.data.ref}）`;
  const en = `Your application ${c.data.ref}`;
  switch (action) {
    case 'accept':
      return { zh: `您的申请${what}已受理，承诺办结期限 ${c.due}。`, en: `${en} was accepted; due ${c.due}.` };
    case 'reject':
      return { zh: `您的申请${what}不予受理：${brief(reason)}`, en: `${en} was not accepted: ${brief(reason)}` };
    case 'request-supplement':
      return {
        zh: `您的申请${what}需要补正：${brief((missing ?? []).join('、'))}。补正后继续计时。`,
        en: `${en} needs more from you: ${brief((missing ?? []).join(', '))}. The clock runs again once you reply.`,
      };
    case 'review':
      return { zh: `您的申请${what}已进入审查。`, en: `${en} is under review.` };
    case 'approve':
      return { zh: `您的申请${what}已审查通过，即将办结。`, en: `${en} was approved and is about to be completed.` };
    case 'deny':
      return { zh: `您的申请${what}不予许可：${brief(reason)}`, en: `${en} was denied: ${brief(reason)}` };
    case 'complete': {
      const code = (JSON.parse(c.data.result!) as { verificationCode: string }).verificationCode;
      return { zh: `您的申请${what}已办结，结果核验码 ${code}。欢迎评价。`, en: `${en} is completed; verification code ${code}. Please rate it.` };
    }
  }
}

// ---------------------------------------------------------------- input

export const applicantSchema = z.strictObject({
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)),
  /** A citizen's resident ID or a business's unified social credit code, checked by its check character. */
  idNumber: z.string().check(z.trim(), z.minLength(1), z.maxLength(18)),
  phone: z.string().check(z.regex(MOBILE_PATTERN)),
});
export type Applicant = z.infer<typeof applicantSchema>;

export interface NewApplication {
  definer: string;
  item: string;
  form: FormValues;
  applicant: Applicant;
  attachments?: Attachment[];
}

const fieldError = (path: string, message: Text) => new ApiError('validation_failed', [{ path, message }]);
const unprocessable = (zh: string, en: string) => new ApiError('unprocessable', [], { zh, en });

export function checkApplicant(principal: Principal, a: Applicant, at: string): Applicant {
  const id = a.idNumber.toUpperCase();
  if (principal.role === 'business') {
    if (!checkCreditCode(id).ok) throw fieldError(`${at}.idNumber`, { zh: '统一社会信用代码无效（GB 32100 校验未通过）', en: 'not a valid unified social credit code (GB 32100 check failed)' });
  } else if (!checkResidentId(id).ok) {
    throw fieldError(`${at}.idNumber`, { zh: '居民身份证号码无效（GB 11643 校验未通过）', en: 'not a valid resident ID number (GB 11643 check failed)' });
  }
  return { ...a, idNumber: id };
}

// ---------------------------------------------------------------- submitting

/** One application, ready to write: the case and its indexes, which a bundle puts several of in one transaction. */
export interface Prepared {
  case: Case;
  writes: Write[];
}

/**
 * Checks an application against the item as offered at `unit` and makes its writes. `form` must already be the
 * values for this item (a bundle hands each item its part of the combined form).
 */
export function prepare(
  deps: Deps,
  principal: Principal,
  unit: string,
  input: NewApplication,
  checked: { item: ServiceItem; deptId: string; promisedDays: number; due: string },
  extraData: Record<string, string> = {},
): Prepared {
  const now = deps.now();
  const at = now.toISOString();
  const today = toChinaDate(now);
  const { due } = checked;
  const id = nextId(now.getTime());
  const ref = refOf(unit, today, id);
  const { item } = checked;
  const c: Case = {
    kind: KIND,
    id,
    unit,
    title: item.name,
    body: `${item.unit}/${item.code}`,
    status: 'submitted',
    due,
    overdue: false,
    data: {
      ref,
      definer: item.unit,
      item: item.code,
      dept: checked.deptId,
      promisedDays: String(checked.promisedDays),
      applicantSub: principal.sub,
      applicantRole: principal.role,
      applicantName: input.applicant.name,
      applicantId: input.applicant.idNumber,
      applicantPhone: input.applicant.phone,
      form: JSON.stringify(input.form),
      attachments: JSON.stringify(input.attachments ?? []),
      ...extraData,
    },
    history: [{ at, unit, by: principal.sub, action: 'submit', status: 'submitted' }],
    supervision: [],
    createdAt: at,
    updatedAt: at,
    v: 1,
  };
  const table = levelOf(unit);
  const writes: Write[] = [
    { op: 'put', table, item: caseItem(c, applicationRules), expect: { absent: true } },
    { op: 'put', table, item: { ...refKey(unit, ref), id }, expect: { absent: true } },
    { op: 'put', table, item: { ...workKey(unit, checked.deptId, due, id), id } },
    { op: 'put', table: levelOf(unit.slice(0, 2).padEnd(12, '0')), item: { ...mineKey(unit, principal.sub, at, id), unit, id } },
    countEvent({ unit, kind: 'opened', day: today, eventId: `${KIND}/${id}/opened` }, now),
    tell(c, { zh: `您申请的「${item.name}」已提交，办件编号 ${ref}，承诺办结期限 ${due}。`, en: `Your application "${ref}" was submitted; due ${due}.` }, now),
  ];
  return { case: c, writes };
}

export async function submit(deps: Deps, principal: Principal, unit: string, input: NewApplication) {
  const applicant = checkApplicant(principal, input.applicant, 'body.applicant');
  const { item, offer } = await offerAt(deps.store, unit, input.definer, input.item);
  const form = checkForm(item.form, input.form, 'body.form');
  const attachments = await claimAttachments(deps, principal, unit, 'application', input.attachments ?? []);
  const { due } = await dueDate(deps.store, unit, toChinaDate(deps.now()), { days: offer.promisedDays });
  const p = prepare(deps, principal, unit, { ...input, applicant, form, attachments }, { item, deptId: offer.deptId, promisedDays: offer.promisedDays, due });
  await commitAudited(deps, deps.now(), unit, { actor: principal, action: 'application.submit', subject: `${KIND}/${p.case.id}`, after: p.case }, p.writes);
  return view(p.case);
}

// ---------------------------------------------------------------- views

const json = <T>(s: string | undefined, fallback: T): T => (s === undefined ? fallback : (JSON.parse(s) as T));

export const maskName = (name: string) => {
  const chars = [...name];
  return chars.length <= 1 ? '*' : chars[0] + '*'.repeat(chars.length - 1);
};

export const resultSchema = z.object({
  outcome: z.enum(['approved', 'denied']),
  issuedAt: z.string(),
  note: z.string(),
  /** Anyone holding the reference number and this code can check the result against the platform's record. */
  verificationCode: z.string(),
});
export const ratingSchema = z.object({ level: z.enum(RATINGS), comment: z.optional(z.string()), at: z.string() });

export const applicationViewSchema = z.object({
  id: z.string(),
  ref: z.string(),
  unit: z.string(),
  item: z.object({ definer: z.string(), code: z.string(), name: z.string() }),
  dept: z.string(),
  status: z.string(),
  due: z.optional(z.string()),
  overdue: z.boolean(),
  /** Working days left when 补正 stopped the clock. */
  daysLeft: z.optional(z.int()),
  applicant: z.object({ name: z.string(), idNumber: z.string(), phone: z.string() }),
  form: z.record(z.string(), z.unknown()),
  attachments: z.array(attachmentSchema),
  missing: z.optional(z.array(z.string())),
  result: z.optional(resultSchema),
  rating: z.optional(ratingSchema),
  bundle: z.optional(z.string()),
  escalatedTo: z.optional(z.string()),
  timeline: z.array(z.object({ at: z.string(), unit: z.string(), by: z.optional(z.string()), action: z.string(), status: z.string(), note: z.optional(z.string()) })),
  createdAt: z.string(),
  v: z.int(),
});
export type ApplicationView = z.infer<typeof applicationViewSchema>;

export function view(c: Case): ApplicationView {
  const d = c.data;
  return {
    id: c.id,
    ref: d.ref!,
    unit: c.unit,
    item: { definer: d.definer!, code: d.item!, name: c.title },
    dept: d.dept!,
    status: c.status,
    ...(c.due && c.status !== 'supplement' ? { due: c.due } : {}),
    overdue: c.overdue,
    ...(d.daysLeft !== undefined && c.status === 'supplement' ? { daysLeft: Number(d.daysLeft) } : {}),
    applicant: { name: d.applicantName!, idNumber: d.applicantId!, phone: d.applicantPhone! },
    form: json(d.form, {}),
    attachments: json(d.attachments, []),
    ...(d.missing ? { missing: json<string[]>(d.missing, []) } : {}),
    ...(d.result ? { result: json(d.result, undefined) } : {}),
    ...(d.rating ? { rating: json(d.rating, undefined) } : {}),
    ...(d.bundle ? { bundle: d.bundle } : {}),
    ...(c.escalatedTo ? { escalatedTo: c.escalatedTo } : {}),
    timeline: c.history,
    createdAt: c.createdAt,
    v: c.v,
  };
}

const isApplicant = (c: Case, p: Principal) => c.data.applicantSub === p.sub && c.data.applicantRole === p.role;

/** Staff of the unit (scope checked by the caller) or the applicant. */
export async function readApplication(deps: Deps, principal: Principal, unit: string, id: string, staffMayRead: boolean) {
  const c = await getCase(deps, unit, KIND, id);
  if (!c || (!staffMayRead && !isApplicant(c, principal))) throw notFound();
  return view(c);
}

// ---------------------------------------------------------------- staff steps

function checkTransition(c: Case, action: StaffAction) {
  const t = TRANSITIONS[action];
  if (!t.from.includes(c.status as Status)) {
    throw new ApiError('unprocessable', [
      { path: 'body.action', message: { zh: `办件状态为「${c.status}」，不能执行「${action}」`, en: `An application in status "${c.status}" cannot take "${action}"` } },
    ]);
  }
  if (action === 'request-supplement' && c.data.supplemented) {
    throw new ApiError('unprocessable', [
      { path: 'body.action', message: { zh: '补正只能要求一次，材料仍不齐全的请不予受理', en: 'a supplement is requested once only; reject the application if it is still incomplete' } },
    ]);
  }
  return t;
}

export interface StaffStep {
  action: StaffAction;
  reason: string;
  /** With request-supplement: what is missing. */
  missing?: string[];
  /** The version read, if the caller wants its step refused when the case changed since. */
  v?: number;
}

/** A staff member of the handling department takes one step; a concurrent step on the same case gets 409. */
export async function act(deps: Deps, principal: Principal, unit: string, id: string, step: StaffStep) {
  const [c, dept] = await Promise.all([heldCase(deps, unit, KIND, id), staffDept(deps.store, principal)]);
  // A case escalated here left its department below: the staff of the unit that holds it now take it up.
  if (!c.escalatedFrom && dept !== c.data.dept) throw wrongDept();
  if (step.v !== undefined && step.v !== c.v) throw new ApiError('conflict');
  const t = checkTransition(c, step.action);
  const now = deps.now();
  const today = toChinaDate(now);
  const table = levelOf(unit);
  const data = { ...c.data };
  const extra: Write[] = [];
  const leaveWorklist = () => extra.push({ op: 'delete', table, key: workKey(unit, c.data.dept!, c.due!, id) });
  if (step.action === 'request-supplement') {
    if (!step.missing?.length) throw fieldError('body.missing', { zh: '请列出需要补正的材料或内容', en: 'list what is missing' });
    const s = await readSettings(deps.store, unit);
    const left = Math.max(0, chinaWorkingCalendar(s.effective.calendar).workingDaysBetween(today, c.due!));
    Object.assign(data, { missing: JSON.stringify(step.missing), pausedOn: today, daysLeft: String(left), supplemented: '1' });
    leaveWorklist();
  }
  if (step.action === 'reject') {
    leaveWorklist();
    extra.push(countEvent({ unit, kind: 'closed', day: today, eventId: `${KIND}/${id}/closed` }, now));
  }
  if (step.action === 'complete') {
    leaveWorklist();
    const outcome = c.status === 'approved' ? 'approved' : 'denied';
    data.result = JSON.stringify({ outcome, issuedAt: now.toISOString(), note: step.reason, verificationCode: verificationCode() });
    const onTime = today <= c.due!;
    extra.push(countEvent({ unit, kind: onTime ? 'onTime' : 'late', day: today, eventId: `${KIND}/${id}/${onTime ? 'onTime' : 'late'}` }, now));
  }
  extra.push(tell({ ...c, data }, stepText({ ...c, data }, step.action, step.reason, step.missing), now));
  const after = await recordStep(deps, principal, c, applicationRules, { action: step.action, status: t.to, note: step.reason }, { data }, [], extra);
  return view(after);
}

/** Twelve characters of Crockford base32 from 60 random bits: printed on the result, checked against the record. */
function verificationCode(): string {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  return [...randomBytes(12)].map((b) => alphabet[b % 32]).join('');
}

// ---------------------------------------------------------------- the applicant's steps

/** The applicant answers 补正: the form again (only what changes), and the clock runs on with the days it had left. */
export async function supplement(deps: Deps, principal: Principal, unit: string, id: string, input: { form: FormValues; note: string; attachments?: Attachment[] }) {
  const c = await heldCase(deps, unit, KIND, id);
  if (!isApplicant(c, principal)) throw notFound();
  if (c.status !== 'supplement') throw unprocessable(`办件状态为「${c.status}」，无需补正`, `An application in status "${c.status}" awaits no supplement`);
  const item = await getItem(deps.store, c.data.definer!, c.data.item!);
  if (!item) throw unprocessable('该事项已不存在', 'The item no longer exists');
  const form = checkForm(item.form, { ...json<FormValues>(c.data.form, {}), ...input.form }, 'body.form');
  const added = await claimAttachments(deps, principal, unit, 'application', input.attachments ?? []);
  const now = deps.now();
  const today = toChinaDate(now);
  const { due } = await dueDate(deps.store, unit, today, { days: Number(c.data.daysLeft ?? 0) });
  const { missing: _m, daysLeft: _d, ...rest } = c.data;
  const data = { ...rest, form: JSON.stringify(form), attachments: JSON.stringify([...json<Attachment[]>(c.data.attachments, []), ...added]), resumedOn: today };
  const extra: Write[] = [
    { op: 'put', table: levelOf(unit), item: { ...workKey(unit, c.data.dept!, due, id), id } },
    tell(c, { zh: `已收到您对「${c.title}」（${c.data.ref}）的补正，继续办理，期限 ${due}。`, en: `We have your reply on ${c.data.ref}; it is due ${due}.` }, now),
  ];
  const after = await recordStep(deps, principal, c, applicationRules, { action: 'supplement', status: 'submitted', note: input.note }, { data, due }, [], extra);
  return view(after);
}

// ---------------------------------------------------------------- lists

export const listItemSchema = z.object({
  id: z.string(),
  ref: z.string(),
  unit: z.string(),
  title: z.string(),
  status: z.string(),
  due: z.optional(z.string()),
  overdue: z.boolean(),
  createdAt: z.string(),
});
const listItem = (c: Case) => ({
  id: c.id,
  ref: c.data.ref!,
  unit: c.unit,
  title: c.title,
  status: c.status,
  ...(c.due && c.status !== 'supplement' ? { due: c.due } : {}),
  overdue: c.overdue,
  createdAt: c.createdAt,
});

/** Reads the cases named by index entries: one batch per level table the entries point into (at most five). */
async function casesAt(store: Store, refs: { unit: string; id: string }[]): Promise<Map<string, Case>> {
  const byTable = new Map<string, Key[]>();
  for (const r of refs) byTable.set(levelOf(r.unit), [...(byTable.get(levelOf(r.unit)) ?? []), caseKey(r.unit, KIND, r.id)]);
  const found = await Promise.all(LEVELS.filter((l) => byTable.has(l)).map((l) => store.getMany(l, byTable.get(l)!)));
  return new Map(found.flat().map((i) => [`${i.unit as string}/${i.id as string}`, i as unknown as Case]));
}

/** "My cases": every application the caller made in the province, newest first, a page at a time. */
export async function myApplications(store: Store, principal: Principal, limit: number, cursor?: string) {
  const province = principal.unit.slice(0, 2).padEnd(12, '0');
  const page = await store.query({ table: 'province', pk: minePartition(province, principal.sub), limit, cursor, descending: true });
  const refs = page.items.map((i) => ({ unit: i.unit as string, id: i.id as string }));
  const cases = await casesAt(store, refs);
  return {
    items: refs.flatMap((r) => {
      const c = cases.get(`${r.unit}/${r.id}`);
      return c ? [listItem(c)] : [];
    }),
    ...(page.cursor ? { cursor: page.cursor } : {}),
  };
}

export const worklistItemSchema = z.extend(listItemSchema, {
  applicant: z.string(),
  /** red: past its due date; yellow: within the unit's warning period (services.warnBefore working days). */
  warning: z.optional(z.enum(['yellow', 'red'])),
});

/** A department's applications in due-date order, earliest first, with yellow and red warnings. */
export async function worklist(store: Store, unit: string, dept: string, limit: number, now: Date, cursor?: string) {
  const [page, settings] = await Promise.all([
    store.query({ table: levelOf(unit), pk: workPartition(unit, dept), limit, cursor }),
    readSettings(store, unit),
  ]);
  const cases = await casesAt(store, page.items.map((i) => ({ unit, id: i.id as string })));
  const today = toChinaDate(now);
  const warnDays = settings.effective.deadlines['services.warnBefore'] ?? 0;
  const yellowFrom = chinaWorkingCalendar(settings.effective.calendar).addWorkingDays(today, warnDays);
  return {
    items: page.items.flatMap((i) => {
      const c = cases.get(`${unit}/${i.id as string}`);
      // Escalated by the overdue sweep: the unit above works it now, through the case routes.
      if (!c || c.escalatedTo) return [];
      const warning = c.overdue || (c.due !== undefined && c.due < today) ? 'red' : c.due !== undefined && c.due <= yellowFrom ? 'yellow' : undefined;
      return [{ ...listItem(c), applicant: maskName(c.data.applicantName!), ...(warning ? { warning } : {}) }];
    }),
    ...(page.cursor ? { cursor: page.cursor } : {}),
  };
}

// ---------------------------------------------------------------- public lookups

async function byRef(store: Store, ref: string): Promise<Case | undefined> {
  const m = REF_PATTERN.exec(ref);
  if (!m || !isUnitCode(m[1]!)) return undefined;
  const unit = m[1]!;
  const entry = await store.get(levelOf(unit), refKey(unit, ref));
  if (!entry) return undefined;
  const item = await store.get(levelOf(unit), caseKey(unit, KIND, entry.id as string));
  return item as unknown as Case | undefined;
}

const sameText = (a: string, b: string) => {
  const [x, y] = [Buffer.from(a.normalize('NFKC').trim()), Buffer.from(b.normalize('NFKC').trim())];
  return x.length === y.length && timingSafeEqual(x, y);
};

export const progressSchema = z.object({
  ref: z.string(),
  unit: z.string(),
  title: z.string(),
  status: z.string(),
  due: z.optional(z.string()),
  overdue: z.boolean(),
  applicant: z.object({ name: z.string(), idNumber: z.string(), phone: z.string() }),
  steps: z.array(z.object({ at: z.string(), action: z.string(), status: z.string() })),
});


/** Anyone with the reference number and the applicant's name: the state and due date, personal data masked. */
export async function progress(store: Store, ref: string, name: string) {
  const c = await byRef(store, ref);
  // A wrong name and an unknown number look the same, so the lookup cannot be used to find who applied.
  if (!c || !sameText(c.data.applicantName!, name)) throw notFound();
  return {
    ref,
    unit: c.unit,
    title: c.title,
    status: c.status,
    ...(c.due && c.status !== 'supplement' ? { due: c.due } : {}),
    overdue: c.overdue,
    applicant: {
      name: maskName(c.data.applicantName!),
      idNumber: c.data.applicantRole === 'business' ? maskCreditCode(c.data.applicantId!) : maskResidentId(c.data.applicantId!),
      phone: maskPhone(c.data.applicantPhone!),
    },
    steps: c.history.map((s) => ({ at: s.at, action: s.action, status: s.status })),
  };
}

export const verificationSchema = z.object({
  ref: z.string(),
  unit: z.string(),
  title: z.string(),
  outcome: z.enum(['approved', 'denied']),
  issuedAt: z.string(),
  applicant: z.string(),
});

/** Checks a result's verification code against the record: the result as issued, or 404 for any mismatch. */
export async function verifyResult(store: Store, ref: string, code: string) {
  const c = await byRef(store, ref);
  const result = c?.data.result ? resultSchema.parse(JSON.parse(c.data.result)) : undefined;
  if (!c || !result || !sameText(result.verificationCode, code.toUpperCase())) throw notFound();
  return { ref, unit: c.unit, title: c.title, outcome: result.outcome, issuedAt: result.issuedAt, applicant: maskName(c.data.applicantName!) };
}

