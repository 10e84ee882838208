import { monotonicFactory } from 'ulid';
import { notifyWrite } from '../notify/notifications';
import { countEvent, type EventKind } from '../stats/rollup';
import { caseItem, escalate, readCase, recordStep, type Case, type CaseRules } from '../tiers/escalation';
import { isWithin, levelOf, prefixOf } from '../../shared/codes';
import type { Deps } from '../../shared/deps';
import { ApiError, notFound } from '../../shared/errors';
import type { Text } from '../../shared/i18n';
import type { Principal, Role } from '../../shared/roles';
import { ConditionFailed, type Item, type Key, type Write } from '../../shared/store/store';
import { newTierMessage } from '../../shared/tiers/message';
import type { TierEffect } from '../../shared/tiers/outbox';
import { toChinaDate } from '../../shared/working-days';
import * as z from '../../shared/zod';
import { deptKey } from '../../tenants/people';
import { scopeOf } from '../../tenants/scope';
import { readSettings, type Settings } from '../../tenants/settings';
import { staffKey, unitKey } from '../../tenants/unit';
import { stepDue, type Step } from './deadlines';
import { indexWrites } from './duplicates';
import {
  inChina,
  KIND,
  maskedContent,
  maskText,
  OPEN,
  refString,
  ticketSchema,
  titleOf,
  type Category,
  type Filer,
  type Location,
  type Ref,
  type Ticket,
  type TicketType,
} from './model';

/**
 * The closed loop of a 诉求 (12345, 国办发〔2020〕53号): 受理 → 派单 → 签收 → 办理 → 答复 → 回访 → 评价 → 办结, with
 * 退单, 延期 and 督办. A ticket is two records: its content at the unit it was filed to (model.ts), and its case
 * (escalation.ts) at the unit dispatching it, which is what runs its deadline, goes up when escalated (by hand or
 * by the overdue sweep) and takes 督办. Both change in one transaction, each under its version, so two people acting
 * at once get one success and one 409.
 *
 * Who may act follows from the case: the unit holding it dispatches (for a letter to the leadership, its leader's
 * office); the department or the unit below it was dispatched to handles; the filer rates. A unit below learns of a
 * ticket dispatched to it by a tier message ('ticket-dispatch'), and acts on the dispatcher's case directly.
 */

export const ticketRules: CaseRules = { open: OPEN };

const nextId = monotonicFactory();

export const ticketKey = (home: string, id: string): Key => ({ pk: `${prefixOf(home)}#ticket`, sk: id });
/** What has been dispatched to a unit from above, by ticket id. */
export const incomingKey = (unit: string, id: string): Key => ({ pk: `${prefixOf(unit)}#ticket-in`, sk: id });
/** A filer's own tickets, in the province's table, by home unit (so a subtree is a key prefix) and id. */
export const mineKey = (sub: string, home: string, id: string): Key => ({ pk: `${home.slice(0, 2)}#mine#${sub}`, sk: `${home}#${id}` });

const fieldError = (path: string, message: Text) => new ApiError('validation_failed', [{ path, message }]);
const refuse = (path: string, message: Text) => new ApiError('unprocessable', [{ path, message }]);
const notYours = (message: Text) => new ApiError('forbidden', [], message);

// ---------------------------------------------------------------- filing

export interface NewTicket {
  type: TicketType;
  category: Category;
  title?: string;
  text: string;
  location?: Location;
  anonymous?: boolean;
  /** A caller recorded by a hotline operator (or an Open311 client's citizen): who they are, as they said. */
  caller?: { name?: string; phone?: string };
  mailbox?: boolean;
  publishConsent?: boolean;
  attachments?: Ticket['attachments'];
}

export interface Filing {
  /** Citizen or business filing for themselves; staff recording a call; an Open311 client (by its id). */
  actor: Principal | { client: string };
  channel: Ticket['channel'];
}

const isPrincipal = (a: Filing['actor']): a is Principal => 'sub' in a;

export async function fileTicket(deps: Deps, unit: string, input: NewTicket, filing: Filing): Promise<{ ticket: Ticket; case: Case }> {
  if (input.location && !inChina(input.location.lat, input.location.lng)) {
    throw fieldError('body.location', { zh: '位置不在中国境内，请检查经纬度', en: 'The location is outside China; check latitude and longitude' });
  }
  const registry = await deps.store.get('registry', unitKey(unit));
  if (!registry || registry.status !== 'active') throw notFound();
  const now = deps.now();
  const at = now.toISOString();
  const actor = filing.actor;
  const self = isPrincipal(actor) && (actor.role === 'citizen' || actor.role === 'business');
  const filer: Filer = {
    ...(self ? { sub: actor.sub, role: actor.role } : {}),
    ...(input.caller?.name ? { name: input.caller.name } : {}),
    ...(input.caller?.phone ? { phone: input.caller.phone } : {}),
    anonymous: input.anonymous ?? false,
  };
  const t: Ticket = {
    id: nextId(now.getTime()),
    home: unit,
    type: input.type,
    category: input.category,
    title: input.title ?? titleOf(input.text),
    text: input.text,
    ...(input.location ? { location: input.location } : {}),
    attachments: input.attachments ?? [],
    channel: filing.channel,
    filer,
    ...(!self ? { recordedBy: isPrincipal(actor) ? actor.sub : `open311:${actor.client}` } : {}),
    mailbox: input.mailbox ?? false,
    publishConsent: input.publishConsent ?? false,
    replies: [],
    merged: [],
    createdAt: at,
    updatedAt: at,
    v: 1,
  };
  const settings = (await readSettings(deps.store, unit)).effective;
  const c: Case = {
    kind: KIND,
    id: t.id,
    unit,
    ...maskedContent(t),
    status: 'filed',
    due: stepDue(settings, t, 'dispatch', now),
    overdue: false,
    data: { home: unit, type: t.type, category: t.category, ...(t.mailbox ? { mailbox: '1' } : {}) },
    history: [{ at, unit, ...(isPrincipal(actor) ? { by: actor.sub } : {}), action: 'file', status: 'filed', note: t.channel }],
    supervision: [],
    createdAt: at,
    updatedAt: at,
    v: 1,
  };
  const writes: Write[] = [
    { op: 'put', table: levelOf(unit), item: { ...ticketKey(unit, t.id), ...t }, expect: { absent: true } },
    { op: 'put', table: levelOf(unit), item: caseItem(c, ticketRules), expect: { absent: true } },
    ...(filer.sub ? [{ op: 'put', table: 'province', item: { ...mineKey(filer.sub, unit, t.id), home: unit, id: t.id, at } } as Write] : []),
    // Opened, by category, and received in the unit's interaction record: one roll-up message for them all.
    countEvent(
      { unit, kind: ['opened', `ticket-${t.category}`, t.mailbox ? 'letter-received' : 'ticket-received'], day: toChinaDate(now), eventId: `${KIND}/${t.id}/opened` },
      now,
    ),
    ...indexWrites(t, 'put'),
  ];
  await deps.store.transact(writes);
  return { ticket: t, case: c };
}

// ---------------------------------------------------------------- reading and who is who

export interface Located {
  ticket: Ticket;
  /** The copy of the case at the unit holding it now (following escalations). */
  current: Case;
}

export async function getTicket(deps: Pick<Deps, 'store'>, home: string, id: string): Promise<Ticket | undefined> {
  const item = await deps.store.get(levelOf(home), ticketKey(home, id));
  return item && ticketSchema.parse(item);
}

export async function locate(deps: Deps, home: string, id: string): Promise<Located> {
  const ticket = await getTicket(deps, home, id);
  if (!ticket) throw notFound();
  const { case: own, current } = await readCase(deps, home, KIND, id);
  return { ticket, current: current ?? own };
}

/** How the caller stands to a ticket; a caller with none of these sees a 404, as if it did not exist. */
export type Relation = 'filer' | 'dispatcher' | 'handler' | 'reader';

const STAFF_SIDE: ReadonlySet<Role> = new Set(['staff', 'unit-admin', 'province-admin']);

async function deptOf(deps: Deps, p: Principal): Promise<string | undefined> {
  const record = await deps.store.get(levelOf(p.unit), staffKey(p.unit, p.sub));
  return record?.deptId as string | undefined;
}

export interface Standing {
  relations: Set<Relation>;
  settings: Settings;
  /** The leader's office of the holding unit (its own setting), for letters to the leadership. */
  office?: string;
}

export async function standing(deps: Deps, p: Principal, l: Located): Promise<Standing> {
  const { ticket: t, current: c } = l;
  const read = await readSettings(deps.store, c.unit);
  const settings = read.effective;
  const office = read.overrides.tickets?.leaderOffice;
  const relations = new Set<Relation>();
  if ((p.role === 'citizen' || p.role === 'business') && t.filer.sub === p.sub) relations.add('filer');
  if (STAFF_SIDE.has(p.role)) {
    const needsDept = p.unit === c.unit && (c.data.dept !== undefined || (t.mailbox && office !== undefined));
    const dept = needsDept && p.role === 'staff' ? await deptOf(deps, p) : undefined;
    if (p.unit === c.unit) {
      if (c.data.dept !== undefined && dept === c.data.dept) relations.add('handler');
      // A letter to the leadership is dispatched by the leader's office (or, without one set, the unit's admins).
      else if (!t.mailbox || p.role !== 'staff' || (office !== undefined && dept === office)) relations.add('dispatcher');
    }
    if (c.data.handlerUnit === p.unit) relations.add('handler');
  }
  if (scopeOf(p).can('tiers:read', c.unit) && p.role !== 'staff') relations.add('reader');
  if (t.type === 'report' && !settings.tickets.reportRoles.includes(p.role)) {
    relations.delete('dispatcher');
    relations.delete('reader');
  }
  return { relations, settings, ...(office ? { office } : {}) };
}

/**
 * The ticket as `relations` may see it. The filer and the dispatcher see it whole; the handling department or
 * unit and readers above see phone and ID numbers in the text masked, and no filer at all when the filer asked for
 * anonymity (readers never see the filer's contact in full).
 */
export function view(l: Located, relations: Set<Relation>, primary?: Located) {
  const { ticket: t, current: c } = l;
  const entitled = relations.has('filer') || relations.has('dispatcher');
  const filer = entitled
    ? t.filer
    : t.filer.anonymous
      ? { anonymous: true }
      : { anonymous: false, ...(t.filer.name ? { name: t.filer.name } : {}), ...(t.filer.phone ? { phone: maskText(t.filer.phone) } : {}) };
  const text = (s: string) => (entitled ? s : maskText(s));
  return {
    id: t.id,
    home: t.home,
    type: t.type,
    category: t.category,
    title: text(t.title),
    text: text(t.text),
    ...(t.location ? { location: entitled ? t.location : { ...t.location, ...(t.location.address ? { address: maskText(t.location.address) } : {}) } } : {}),
    attachments: t.attachments,
    channel: t.channel,
    mailbox: t.mailbox,
    publishConsent: t.publishConsent,
    ...(t.published ? { published: t.published } : {}),
    filer,
    ...(t.recordedBy && entitled ? { recordedBy: t.recordedBy } : {}),
    status: c.status,
    holder: c.unit,
    ...(c.due ? { due: c.due } : {}),
    overdue: c.overdue,
    ...(c.data.handlerUnit ? { handlerUnit: c.data.handlerUnit } : {}),
    ...(c.data.dept ? { dept: c.data.dept } : {}),
    ...(c.data.extension ? { extension: { days: Number(c.data.extension), note: c.data.extensionNote ?? '' } } : {}),
    replies: [...t.replies, ...(primary ? primary.ticket.replies.map((r) => ({ ...r, via: primary.ticket.id })) : [])].map((r) => ({ ...r, text: text(r.text) })),
    ...(t.rating ? { rating: t.rating } : {}),
    ...(t.mergedInto ? { mergedInto: t.mergedInto } : {}),
    ...(primary ? { primaryStatus: primary.current.status } : {}),
    merged: t.merged,
    history: c.history.map((s) => ({ ...s, ...(s.note ? { note: text(s.note) } : {}) })),
    supervision: c.supervision,
    createdAt: t.createdAt,
    updatedAt: c.updatedAt,
  };
}
export type TicketView = ReturnType<typeof view>;

/** Reads a ticket for the caller: 404 unless the caller stands in some relation to it. */
export async function readTicket(deps: Deps, p: Principal, home: string, id: string) {
  const l = await locate(deps, home, id);
  const { relations } = await standing(deps, p, l);
  if (relations.size === 0) throw notFound();
  const primary = l.ticket.mergedInto ? await locate(deps, l.ticket.mergedInto.home, l.ticket.mergedInto.id) : undefined;
  return view(l, relations, primary);
}

// ---------------------------------------------------------------- the loop

export const ACTIONS = [
  'accept',
  'dispatch',
  'sign',
  'progress',
  'answer',
  'return',
  'requestExtension',
  'approveExtension',
  'rejectExtension',
  'callback',
  'complete',
  'escalate',
] as const;
export type TicketAction = (typeof ACTIONS)[number];

export interface Transition {
  by: 'dispatcher' | 'handler';
  from: readonly string[];
  /** The status after the step (unchanged when absent). */
  to?: string;
  needsNote: boolean;
  /** The deadline the step starts (none: the case's runs on; null: it stops). */
  starts?: Step | null;
}

export const TRANSITIONS: Record<TicketAction, Transition> = {
  accept: { by: 'dispatcher', from: ['filed'], to: 'accepted', needsNote: false, starts: 'dispatch' },
  // 改派 as well: a dispatcher may send a ticket elsewhere until it is answered.
  dispatch: { by: 'dispatcher', from: ['accepted', 'returned', 'dispatched', 'signed'], to: 'dispatched', needsNote: false, starts: 'signFor' },
  sign: { by: 'handler', from: ['dispatched'], to: 'signed', needsNote: false, starts: 'reply' },
  progress: { by: 'handler', from: ['signed'], needsNote: true },
  answer: { by: 'handler', from: ['signed'], to: 'answered', needsNote: true, starts: 'callback' },
  return: { by: 'handler', from: ['dispatched', 'signed'], to: 'returned', needsNote: true, starts: 'dispatch' },
  requestExtension: { by: 'handler', from: ['dispatched', 'signed'], needsNote: true },
  approveExtension: { by: 'dispatcher', from: ['dispatched', 'signed'], needsNote: false },
  rejectExtension: { by: 'dispatcher', from: ['dispatched', 'signed'], needsNote: true },
  callback: { by: 'dispatcher', from: ['answered'], to: 'visited', needsNote: true, starts: 'close' },
  complete: { by: 'dispatcher', from: ['visited', 'rated'], to: 'closed', needsNote: false, starts: null },
  escalate: { by: 'dispatcher', from: [...OPEN], needsNote: true },
};

export interface ActInput {
  action: TicketAction;
  note?: string;
  /** For dispatch: a department of the holding unit, or a unit below it. */
  to?: { dept: string } | { unit: string };
  /** For requestExtension: working days asked for. */
  days?: number;
}

const without = (data: Record<string, string>, ...keys: string[]) =>
  Object.fromEntries(Object.entries(data).filter(([k]) => !keys.includes(k)));

const HANDLING = ['handlerUnit', 'dept', 'extension', 'extensionNote'];

/** Refuses a case that is not held where it was read: it is on its way up. */
function held(c: Case) {
  if (c.escalatedTo) {
    throw new ApiError('conflict', [], { zh: `该诉求正在上报至 ${c.escalatedTo}，请稍后再试`, en: `The ticket is on its way to ${c.escalatedTo}; try again shortly` });
  }
}

/** A ticket step by a dispatcher or a handler: checked against the case's status and the caller's standing. */
export async function actOnTicket(deps: Deps, actor: Principal, home: string, id: string, input: ActInput) {
  const l = await locate(deps, home, id);
  const { ticket: t, current: c } = l;
  const { relations, settings } = await standing(deps, actor, l);
  if (relations.size === 0) throw notFound();
  held(c);
  const tr = TRANSITIONS[input.action];
  if (!relations.has(tr.by)) {
    throw notYours(
      tr.by === 'dispatcher'
        ? { zh: '只有派单单位（领导信箱为领导办公室）可以执行这一步', en: 'Only the dispatching unit (for the leader mailbox, the leader’s office) takes this step' }
        : { zh: '只有承办部门或承办单位可以执行这一步', en: 'Only the handling department or unit takes this step' },
    );
  }
  if (!tr.from.includes(c.status)) {
    throw refuse('body.action', {
      zh: `诉求状态为「${c.status}」，不能执行「${input.action}」`,
      en: `A ticket in status "${c.status}" cannot take "${input.action}"`,
    });
  }
  if (tr.needsNote && !input.note) throw fieldError('body.note', { zh: '这一步须填写说明', en: 'this step needs a note' });
  const now = deps.now();
  const note = input.note ? { note: input.note } : {};

  if (input.action === 'escalate') return escalate(deps, actor, c, ticketRules, input.note!);

  let data = c.data;
  const messages = [];
  const also: Write[] = [];
  switch (input.action) {
    case 'dispatch': {
      const to = input.to;
      if (!to) throw fieldError('body.to', { zh: '请选择承办部门或下级单位', en: 'choose a department or a unit below' });
      if ('dept' in to) {
        const dept = await deps.store.get(levelOf(c.unit), deptKey(c.unit, to.dept));
        if (dept?.status !== 'active') throw fieldError('body.to.dept', { zh: '本单位没有该部门，或该部门已停用', en: 'no active department with this id in the unit' });
        data = { ...without(data, ...HANDLING), dept: to.dept };
      } else {
        if (!isWithin(to.unit, prefixOf(c.unit)) || to.unit === c.unit) {
          throw fieldError('body.to.unit', { zh: `${to.unit} 不是本单位的下级单位`, en: `${to.unit} is not a unit below yours` });
        }
        const target = await deps.store.get('registry', unitKey(to.unit));
        if (target?.status !== 'active') throw fieldError('body.to.unit', { zh: `单位 ${to.unit} 不存在或已停用`, en: `Unit ${to.unit} does not exist or is suspended` });
        data = { ...without(data, ...HANDLING), handlerUnit: to.unit };
        messages.push(
          newTierMessage({ kind: 'ticket-dispatch', from: c.unit, to: to.unit, subject: `${KIND}/${id}`, payload: { home, title: maskText(t.title) } }, now),
        );
      }
      break;
    }
    case 'answer':
      also.push(ticketPut({ ...t, replies: [...t.replies, { at: now.toISOString(), unit: actor.unit, by: actor.sub, text: input.note! }] }, t, now));
      if (t.replies.length === 0) also.push(...answerCounts(t, c, now));
      for (const x of [t, ...(await mergedTickets(deps, t))]) also.push(...tell(c.unit, x, SAYS.answered, now));
      break;
    case 'callback':
      for (const x of [t, ...(await mergedTickets(deps, t))]) also.push(...tell(c.unit, x, SAYS.rate, now));
      break;
    case 'return':
      data = without(data, ...HANDLING);
      break;
    case 'requestExtension':
      if (!input.days) throw fieldError('body.days', { zh: '请填写申请延期的工作日数', en: 'give the working days asked for' });
      if (data.extension) throw refuse('body.action', { zh: '已有一项延期申请待审批', en: 'An extension request is already waiting' });
      data = { ...data, extension: String(input.days), extensionNote: input.note! };
      break;
    case 'approveExtension':
    case 'rejectExtension':
      if (!data.extension) throw refuse('body.action', { zh: '没有待审批的延期申请', en: 'No extension request is waiting' });
      data = without(data, 'extension', 'extensionNote');
      break;
    case 'complete':
      also.push(...indexWrites(t, 'delete'), ...tell(c.unit, t, SAYS.closed, now));
      break;
  }
  const change: Partial<Case> = { data };
  if (tr.starts === null) change.due = undefined;
  else if (tr.starts) change.due = stepDue(settings, t, tr.starts, now);
  if (input.action === 'approveExtension') {
    change.due = stepDue(settings, t, 'reply', now, Number(c.data.extension));
  }
  // A new deadline starts afresh: the overdue flag belonged to the step that ran late.
  if (tr.starts !== undefined || input.action === 'approveExtension') change.overdue = false;
  const step = {
    action: input.action,
    status: tr.to ?? c.status,
    ...note,
    ...(input.to ? { to: 'unit' in input.to ? input.to.unit : `dept:${input.to.dept}` } : {}),
  };
  return recordStep(deps, actor, c, ticketRules, step, change, messages, also);
}

function ticketPut(after: Ticket, before: Ticket, now: Date): Write {
  const next = { ...after, updatedAt: now.toISOString(), v: before.v + 1 };
  return { op: 'put', table: levelOf(before.home), item: { ...ticketKey(before.home, before.id), ...next }, expect: { version: before.v } };
}

/** Steps nobody audits (a filer's own), with a concurrent change answered as a 409. */
async function transactOr409(deps: Deps, writes: Write[]) {
  try {
    await deps.store.transact(writes);
  } catch (e) {
    if (e instanceof ConditionFailed) throw new ApiError('conflict');
    throw e;
  }
}

/** The case after a step nobody on the staff side took, with the writes that make it so. */
function stepWrites(c: Case, step: { action: string; status: string; note?: string }, now: Date): { after: Case; write: Write } {
  const at = now.toISOString();
  const after: Case = { ...c, status: step.status, history: [...c.history, { at, unit: c.unit, ...step }], updatedAt: at, v: c.v + 1 };
  return { after, write: { op: 'put', table: levelOf(c.unit), item: caseItem(after, ticketRules), expect: { version: c.v } } };
}

const count = (unit: string, kind: EventKind, id: string, now: Date, by?: number) =>
  countEvent({ unit, kind, day: toChinaDate(now), eventId: `${KIND}/${id}/${kind}`, ...(by !== undefined ? { by } : {}) }, now);

/**
 * A ticket's first answer, in the interaction record of the unit it was written to (what its page shows): answered,
 * answered by the reply deadline then running (an approved extension included), and the minutes it took.
 */
function answerCounts(t: Ticket, c: Case, now: Date): Write[] {
  const kind = t.mailbox ? 'letter' : 'ticket';
  const minutes = Math.max(0, Math.round((now.getTime() - Date.parse(t.createdAt)) / 60_000));
  return [
    count(t.home, `${kind}-answered`, t.id, now),
    ...(c.due !== undefined && toChinaDate(now) <= c.due ? [count(t.home, `${kind}-answered-on-time`, t.id, now)] : []),
    count(t.home, `${kind}-answer-minutes`, t.id, now, minutes),
  ];
}

/**
 * Tells a ticket's filer (one with an account) of a step, by SMS where the sender can and in their in-app inbox, in
 * the step's own transaction. The text names the ticket by its masked title: an SMS is no place for personal data.
 */
function tell(unit: string, t: Ticket, say: (title: string) => Text, now: Date): Write[] {
  if (!t.filer.sub) return [];
  const title = maskText(t.title).slice(0, 30);
  return [notifyWrite({ unit, account: t.filer.sub, channels: ['sms'], text: say(title), subject: `${KIND}/${t.id}`, link: `/v1/units/${t.home}/tickets/${t.id}` }, now)];
}

/** The tickets merged into `t`, whose filers hear of its answer and are asked to rate as its own filer is. */
async function mergedTickets(deps: Deps, t: Ticket): Promise<Ticket[]> {
  const found = await Promise.all(t.merged.map((r) => getTicket(deps, r.home, r.id)));
  return found.filter((x): x is Ticket => x !== undefined);
}

const SAYS = {
  answered: (title: string): Text => ({ zh: `您反映的「${title}」已答复，请登录查看。`, en: `Your ticket "${title}" has been answered; sign in to read the reply.` }),
  rate: (title: string): Text => ({ zh: `您反映的「${title}」已回访，请对办理结果进行评价。`, en: `Your ticket "${title}" has been followed up; please rate how it was handled.` }),
  closed: (title: string): Text => ({ zh: `您反映的「${title}」已办结。`, en: `Your ticket "${title}" is closed.` }),
  merged: (title: string): Text => ({
    zh: `您反映的「${title}」与他人反映的同一事项合并办理，答复将一并告知您。`,
    en: `Your ticket "${title}" is handled together with others about the same matter; you will get the same reply.`,
  }),
  unmerged: (title: string): Text => ({ zh: `您反映的「${title}」已恢复单独办理。`, en: `Your ticket "${title}" is handled on its own again.` }),
};

/**
 * 评价 by the filer, once: after the 回访 of its own ticket, or, for a ticket merged into another, once that one has
 * been visited. Counted, and a 差评 (1 or 2) counted apart, in the holder's figures.
 */
export async function rateTicket(deps: Deps, actor: Principal, home: string, id: string, level: number, comment?: string) {
  const l = await locate(deps, home, id);
  const { ticket: t, current: c } = l;
  if (t.filer.sub !== actor.sub || (actor.role !== 'citizen' && actor.role !== 'business')) throw notFound();
  if (t.rating) throw new ApiError('already_exists', [], { zh: '该诉求已评价，不能重复评价', en: 'This ticket has been rated already' });
  const primary = t.mergedInto ? await locate(deps, t.mergedInto.home, t.mergedInto.id) : undefined;
  const stage = primary ? primary.current.status : c.status;
  if (!['visited', 'rated', 'closed'].includes(stage) || (!primary && stage !== 'visited')) {
    throw refuse('body.level', { zh: '回访之后才能评价', en: 'A ticket can be rated after the callback' });
  }
  held(c);
  const now = deps.now();
  const rating = { level, ...(comment ? { comment } : {}), at: now.toISOString() };
  const { after, write } = stepWrites(c, { action: 'rate', status: primary ? c.status : 'rated', note: String(level) }, now);
  await transactOr409(deps, [
    write,
    ticketPut({ ...t, rating }, t, now),
    count(c.unit, 'rated', id, now),
    ...(level <= 2 ? [count(c.unit, 'badRated', id, now)] : []),
  ]);
  return view({ ticket: { ...t, rating }, current: after }, new Set(['filer']), primary);
}

// ---------------------------------------------------------------- merging

/**
 * Tickets one may take in: each filer is told of the answer and asked to rate in one transaction with the step
 * (at most 100 writes), so a few dozen; beyond that the matter is a campaign, not a duplicate.
 */
export const MAX_MERGED = 50;

/** Before the answer, a ticket may still be merged into another that is being handled. */
export const MERGEABLE: ReadonlySet<string> = new Set(['filed', 'accepted', 'returned', 'dispatched', 'signed']);

/**
 * Merges a ticket into another the same dispatcher holds: one handling, every filer kept. The merged ticket's case
 * stops (status `merged`, its former status kept to undo), its filer then sees the other's progress and replies
 * and rates once it is visited; the other lists it. Nothing is deleted.
 */
export async function mergeTicket(deps: Deps, actor: Principal, home: string, id: string, into: Ref) {
  if (into.home === home && into.id === id) throw fieldError('body.into', { zh: '不能合并到自身', en: 'A ticket cannot be merged into itself' });
  const [d, p] = await Promise.all([locate(deps, home, id), locate(deps, into.home, into.id)]);
  const [sd, sp] = await Promise.all([standing(deps, actor, d), standing(deps, actor, p)]);
  if (!sd.relations.has('dispatcher') || !sp.relations.has('dispatcher')) {
    throw notYours({ zh: '只有同时受理两件诉求的派单单位可以合并', en: 'Only the unit dispatching both tickets can merge them' });
  }
  held(d.current);
  held(p.current);
  if (!MERGEABLE.has(d.current.status)) {
    throw refuse('params.id', { zh: `诉求状态为「${d.current.status}」，不能再合并`, en: `A ticket in status "${d.current.status}" can no longer be merged` });
  }
  if (!OPEN.has(p.current.status) || p.ticket.mergedInto) {
    throw refuse('body.into', { zh: '只能合并到正在办理的诉求', en: 'A ticket can only be merged into one that is still being handled' });
  }
  if (p.ticket.merged.length >= MAX_MERGED) {
    throw refuse('body.into', { zh: `一件诉求最多并入 ${MAX_MERGED} 件`, en: `At most ${MAX_MERGED} tickets can be merged into one` });
  }
  if (d.ticket.merged.length > 0) {
    throw refuse('params.id', { zh: '已有其他诉求并入此件，请先撤销那些合并', en: 'Other tickets are merged into this one; undo those merges first' });
  }
  const now = deps.now();
  const at = now.toISOString();
  const pAfter: Case = {
    ...p.current,
    history: [...p.current.history, { at, unit: p.current.unit, by: actor.sub, action: 'mergeIn', status: p.current.status, to: refString({ home, id }) }],
    updatedAt: at,
    v: p.current.v + 1,
  };
  const also: Write[] = [
    ticketPut({ ...d.ticket, mergedInto: into, mergedAt: at }, d.ticket, now),
    ticketPut({ ...p.ticket, merged: [...p.ticket.merged, { home, id }] }, p.ticket, now),
    { op: 'put', table: levelOf(pAfter.unit), item: caseItem(pAfter, ticketRules), expect: { version: p.current.v } },
    ...indexWrites(d.ticket, 'delete'),
    count(d.current.unit, 'merged', id, now),
    ...tell(d.current.unit, d.ticket, SAYS.merged, now),
  ];
  const data = { ...d.current.data, mergedInto: refString(into), mergedStatus: d.current.status };
  return recordStep(deps, actor, d.current, ticketRules, { action: 'merge', status: 'merged', to: refString(into) }, { data, due: undefined }, [], also);
}

/**
 * Undoes a merge: the ticket takes up its own handling where it stood, keeping a copy of every reply given on the
 * other meanwhile (marked with where it came from), and its rating if its filer gave one.
 */
export async function unmergeTicket(deps: Deps, actor: Principal, home: string, id: string) {
  const d = await locate(deps, home, id);
  const into = d.ticket.mergedInto;
  if (!into || d.current.status !== 'merged') throw refuse('params.id', { zh: '该诉求没有被合并', en: 'This ticket is not merged' });
  const p = await locate(deps, into.home, into.id);
  const { relations, settings } = await standing(deps, actor, d);
  if (!relations.has('dispatcher')) throw notYours({ zh: '只有派单单位可以撤销合并', en: 'Only the dispatching unit can undo a merge' });
  held(d.current);
  const now = deps.now();
  const at = now.toISOString();
  const since = d.ticket.mergedAt ?? '';
  const copied = p.ticket.replies.filter((r) => r.at >= since).map((r) => ({ ...r, via: p.ticket.id }));
  const { mergedInto: _i, mergedAt: _a, ...rest } = d.ticket;
  const dTicket: Ticket = { ...rest, replies: [...d.ticket.replies, ...copied] };
  const pTicket: Ticket = { ...p.ticket, merged: p.ticket.merged.filter((m) => !(m.home === home && m.id === id)) };
  const pAfter: Case = {
    ...p.current,
    history: [...p.current.history, { at, unit: p.current.unit, by: actor.sub, action: 'mergeOut', status: p.current.status, to: refString({ home, id }) }],
    updatedAt: at,
    v: p.current.v + 1,
  };
  const status = d.current.data.mergedStatus ?? 'accepted';
  const also: Write[] = [
    ticketPut(dTicket, d.ticket, now),
    ticketPut(pTicket, p.ticket, now),
    { op: 'put', table: levelOf(pAfter.unit), item: caseItem(pAfter, ticketRules), expect: { version: p.current.v } },
    ...indexWrites(d.ticket, 'put'),
    ...tell(d.current.unit, d.ticket, SAYS.unmerged, now),
  ];
  const data = without(d.current.data, 'mergedInto', 'mergedStatus');
  // Its own deadline starts again from the step it was at.
  const restart: Step = status === 'dispatched' ? 'signFor' : status === 'signed' ? 'reply' : 'dispatch';
  return recordStep(
    deps,
    actor,
    d.current,
    ticketRules,
    { action: 'unmerge', status, to: refString(into) },
    { data, due: stepDue(settings, d.ticket, restart, now), overdue: false },
    [],
    also,
  );
}

// ---------------------------------------------------------------- lists

export const summarySchema = z.object({
  id: z.string(),
  home: z.string(),
  title: z.string(),
  type: z.string(),
  category: z.string(),
  status: z.string(),
  due: z.optional(z.string()),
  overdue: z.boolean(),
  holder: z.string(),
  handlerUnit: z.optional(z.string()),
  dept: z.optional(z.string()),
  escalatedTo: z.optional(z.string()),
  mergedInto: z.optional(z.string()),
  mailbox: z.boolean(),
  createdAt: z.string(),
});
export type Summary = z.infer<typeof summarySchema>;

const summaryOf = (c: Case): Summary => ({
  id: c.id,
  home: c.data.home!,
  title: c.title,
  type: c.data.type!,
  category: c.data.category!,
  status: c.status,
  ...(c.due ? { due: c.due } : {}),
  overdue: c.overdue,
  holder: c.unit,
  ...(c.data.handlerUnit ? { handlerUnit: c.data.handlerUnit } : {}),
  ...(c.data.dept ? { dept: c.data.dept } : {}),
  ...(c.escalatedTo ? { escalatedTo: c.escalatedTo } : {}),
  ...(c.data.mergedInto ? { mergedInto: c.data.mergedInto } : {}),
  mailbox: c.data.mailbox === '1',
  createdAt: c.createdAt,
});

export interface ListFilter {
  status?: string;
  dept?: string;
  mailbox?: boolean;
}

/**
 * The tickets a unit holds or held (its dispatcher's list), newest first; 举报 only for the roles its settings
 * name. Filters apply to each page read, so a page may hold fewer than `limit`.
 */
export async function listUnitTickets(deps: Deps, p: Principal, unit: string, f: ListFilter, limit: number, cursor?: string) {
  const settings = (await readSettings(deps.store, unit)).effective;
  const seesReports = settings.tickets.reportRoles.includes(p.role);
  const page = await deps.store.query({ table: levelOf(unit), pk: `${prefixOf(unit)}#case`, skBeginsWith: `${KIND}/`, limit, cursor, descending: true });
  const items = page.items
    .map((i) => summaryOf(caseFromItem(i)))
    .filter(
      (s) =>
        (seesReports || s.type !== 'report') &&
        (!f.status || s.status === f.status) &&
        (!f.dept || s.dept === f.dept) &&
        (f.mailbox === undefined || s.mailbox === f.mailbox),
    );
  return { items, ...(page.cursor ? { cursor: page.cursor } : {}) };
}

const caseFromItem = (i: Item): Case => {
  const { pk: _pk, sk: _sk, gsi1pk: _g, gsi1sk: _s, ...rest } = i;
  return rest as unknown as Case;
};

export const incomingSchema = z.object({ id: z.string(), home: z.string(), from: z.string(), title: z.string(), at: z.string() });

/** What units above have dispatched to this unit, newest first. */
export async function listIncoming(deps: Deps, unit: string, limit: number, cursor?: string) {
  const page = await deps.store.query({ table: levelOf(unit), pk: incomingKey(unit, '').pk, limit, cursor, descending: true });
  return { items: page.items.map((i) => incomingSchema.parse(i)), ...(page.cursor ? { cursor: page.cursor } : {}) };
}

/** A filer's own tickets filed within `unit`'s subtree, newest first by unit then id. */
export async function listMine(deps: Deps, p: Principal, unit: string, limit: number, cursor?: string) {
  const pk = mineKey(p.sub, unit, '').pk;
  const page = await deps.store.query({ table: 'province', pk, skBeginsWith: prefixOf(unit), limit, cursor, descending: true });
  const refs = page.items.map((i) => ({ home: i.home as string, id: i.id as string }));
  const cases = await Promise.all(refs.map((r) => readCase(deps, r.home, KIND, r.id)));
  return { items: cases.map((c) => summaryOf(c.current ?? c.case)), ...(page.cursor ? { cursor: page.cursor } : {}) };
}

const dispatchPayload = z.object({ home: z.string(), title: z.string() });

/** At the unit a ticket was dispatched to: it joins the unit's incoming list (the same item however often it comes). */
export const ticketDispatchEffect: TierEffect = async (_deps, m) => {
  const p = dispatchPayload.parse(m.payload);
  const id = m.subject.slice(KIND.length + 1);
  return [{ op: 'put', table: levelOf(m.to), item: { ...incomingKey(m.to, id), id, home: p.home, from: m.from, title: p.title, at: m.sentAt } }];
};

