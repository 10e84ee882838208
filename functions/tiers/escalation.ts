import { countEvent, type EventKind } from '../stats/rollup';
import * as z from '../../shared/zod';
import { commitAudited } from '../../shared/audit';
import { isWithin, levelOf, prefixOf } from '../../shared/codes';
import type { Deps } from '../../shared/deps';
import { ApiError, notFound } from '../../shared/errors';
import type { Text } from '../../shared/i18n';
import type { Principal } from '../../shared/roles';
import { ConditionFailed, type Item, type Key, type Write } from '../../shared/store/store';
import { newTierMessage, type TierMessage } from '../../shared/tiers/message';
import { outboxWrite, type TierEffect } from '../../shared/tiers/outbox';
import { addCalendarDays, toChinaDate } from '../../shared/working-days';
import { readSettings } from '../../tenants/settings';
import { listChildren, nearestAncestor } from '../../tenants/units';

/**
 * Cases that move up the tree: any record with an owner unit, a status and perhaps a deadline (an assignment here;
 * applications, tickets and disclosure requests later) is a case of some subject kind. Escalating hands the case,
 * with its whole history, to the parent unit, which becomes its owner; the unit it came from keeps its copy, marked
 * with where it went, so it can still see what became of it. A unit above may flag a case below for 督办.
 */

export const caseStepSchema = z.object({
  at: z.string(),
  /** The unit where the step happened. */
  unit: z.string(),
  /** The staff member who took it; absent for the overdue sweep. */
  by: z.optional(z.string()),
  action: z.string(),
  /** The case's status after the step. */
  status: z.string(),
  note: z.optional(z.string()),
  /** For an escalation, the unit the case went to. */
  to: z.optional(z.string()),
});
export type CaseStep = z.infer<typeof caseStepSchema>;

export const supervisionSchema = z.object({
  /** The message that carried the flag: one entry per flag however often it is delivered. */
  ref: z.string(),
  unit: z.string(),
  by: z.string(),
  at: z.string(),
  comment: z.string(),
});

export const caseSchema = z.object({
  kind: z.string(),
  id: z.string(),
  /** The unit holding this copy. */
  unit: z.string(),
  title: z.string(),
  body: z.string(),
  status: z.string(),
  due: z.optional(z.string()),
  /** Set when the deadline passed while this unit held the case. */
  overdue: z.boolean(),
  /** What the subject kind needs beyond the common fields (an assignment: who assigned it, to whom). */
  data: z.record(z.string(), z.string()),
  history: z.array(caseStepSchema),
  escalatedFrom: z.optional(z.string()),
  /** Where the case went; this copy is then closed and only shows what became of it. */
  escalatedTo: z.optional(z.string()),
  supervision: z.array(supervisionSchema),
  createdAt: z.string(),
  updatedAt: z.string(),
  v: z.int(),
});
export type Case = z.infer<typeof caseSchema>;

/** What a subject kind tells the escalation mechanism. */
export interface CaseRules {
  /** Statuses in which the case is still being worked on: it may be escalated and its deadline runs. */
  open: ReadonlySet<string>;
  /** A message telling a third party of a step (an assignment's steps go to the assigner). */
  notify?: (c: Case, step: CaseStep, now: Date) => TierMessage | undefined;
}

export const ESCALATED = 'escalated';

export const caseKey = (unit: string, kind: string, id: string): Key => ({ pk: `${prefixOf(unit)}#case`, sk: `${kind}/${id}` });
/** The due-date index: one partition per unit, sorted by due date, so the sweep reads only what is overdue. */
export const duePartition = (unit: string) => `${prefixOf(unit)}#due`;

export function caseItem(c: Case, rules: CaseRules): Item {
  const runs = c.due !== undefined && !c.overdue && !c.escalatedTo && rules.open.has(c.status);
  return { ...caseKey(c.unit, c.kind, c.id), ...(runs ? { gsi1pk: duePartition(c.unit), gsi1sk: `${c.due}#${c.kind}/${c.id}` } : {}), ...c };
}

const toCase = (item: Item): Case => caseSchema.parse(item);

export async function getCase(deps: Deps, unit: string, kind: string, id: string): Promise<Case | undefined> {
  const item = await deps.store.get(levelOf(unit), caseKey(unit, kind, id));
  return item && toCase(item);
}

/**
 * A unit's copy of a case and, when it went up, the copy of the unit holding it now (escalations follow one another
 * up at most four levels, so this is at most four reads).
 */
export async function readCase(deps: Deps, unit: string, kind: string, id: string) {
  const own = await getCase(deps, unit, kind, id);
  if (!own) throw notFound();
  let current = own;
  while (current.escalatedTo) {
    const next = await getCase(deps, current.escalatedTo, kind, id);
    // The parent has not recorded it yet: the message is on its way.
    if (!next) break;
    current = next;
  }
  return { case: own, ...(current !== own ? { current } : {}) };
}

/** Reads the case a staff member of `unit` is about to change, which `unit` must hold. */
export async function heldCase(deps: Deps, unit: string, kind: string, id: string): Promise<Case> {
  const c = await getCase(deps, unit, kind, id);
  if (!c) throw notFound();
  if (c.escalatedTo) {
    throw new ApiError('unprocessable', [], {
      zh: `该事项已上报至 ${c.escalatedTo}，由其办理`,
      en: `This case was escalated to ${c.escalatedTo}, which handles it now`,
    });
  }
  return c;
}

const bad = (path: string, message: Text) => new ApiError('unprocessable', [{ path, message }]);

/** Steps that count in the holder's statistics (a case is counted opened where it first arrives). */
const COUNTED_STEPS: Readonly<Record<string, EventKind | undefined>> = {
  complete: 'closed',
  return: 'returned',
  escalate: 'escalated',
  overdue: 'overdue',
};

/**
 * Records a step on a case `unit` holds: the new state, the messages it causes (the kind's notice to a third party
 * and any given), the subject kind's own writes that go with it (`extra`: its indexes, its counts), and, for a staff
 * action, its audit entry, all in one transaction.
 */
export async function recordStep(
  deps: Deps,
  actor: Principal | undefined,
  before: Case,
  rules: CaseRules,
  step: Omit<CaseStep, 'at' | 'unit' | 'by'>,
  change: Partial<Pick<Case, 'overdue' | 'escalatedTo' | 'due' | 'data'>> = {},
  messages: TierMessage[] = [],
  /** Writes of the subject kind's own records that belong to the same step (its content, its indexes, its counts). */
  extra: Write[] = [],
): Promise<Case> {
  const now = deps.now();
  const at = now.toISOString();
  const full: CaseStep = { at, unit: before.unit, ...(actor ? { by: actor.sub } : {}), ...step };
  const after: Case = { ...before, ...change, status: step.status, history: [...before.history, full], updatedAt: at, v: before.v + 1 };
  // A step may end a deadline without starting another.
  if ('due' in change && change.due === undefined) delete after.due;
  const notice = rules.notify?.(after, full, now);
  const counted = COUNTED_STEPS[step.action];
  const writes: Write[] = [
    { op: 'put', table: levelOf(before.unit), item: caseItem(after, rules), expect: { version: before.v } },
    ...[...messages, ...(notice ? [notice] : [])].map(outboxWrite),
    // The unit's figures, rolled up its ancestors' subtree totals by the tier messages.
    ...(counted ? [countEvent({ unit: before.unit, kind: counted, day: toChinaDate(now), eventId: `${before.kind}/${before.id}/${full.action}/${at}` }, now)] : []),
    ...extra,
  ];
  if (actor) {
    const subject = `${before.kind}/${before.id}`;
    await commitAudited(deps, now, before.unit, { actor, action: `${before.kind}.${step.action}`, subject, before, after }, writes);
  } else {
    await deps.store.transact(writes);
  }
  return after;
}

/**
 * Hands a case to the parent unit (the nearest existing ancestor) with its whole history. The unit's copy is closed
 * as escalated; the parent's copy arrives by message, so a crash after the commit loses nothing.
 */
export async function escalate(deps: Deps, actor: Principal | undefined, before: Case, rules: CaseRules, reason: string): Promise<Case> {
  if (!rules.open.has(before.status)) {
    throw bad('body.action', { zh: `事项状态为「${before.status}」，不能上报`, en: `A case in status "${before.status}" cannot be escalated` });
  }
  const parent = await nearestAncestor(deps.store, before.unit);
  if (!parent) {
    throw bad('body.action', { zh: '省级单位没有上级，不能再上报', en: 'A province has no unit above it to escalate to' });
  }
  const message = newTierMessage(
    {
      kind: 'escalation',
      from: before.unit,
      to: parent.code,
      subject: `${before.kind}/${before.id}`,
      // The status it had, so that the parent takes it up where it stood.
      payload: { case: before, reason, status: before.status },
      // The units that escalated it before this one, bottom up.
      via: before.history.filter((s) => s.action === 'escalate').map((s) => s.unit),
    },
    deps.now(),
  );
  return recordStep(deps, actor, before, rules, { action: 'escalate', status: ESCALATED, note: reason, to: parent.code }, { escalatedTo: parent.code }, [
    message,
  ]);
}

const escalationPayload = z.object({ case: caseSchema, reason: z.string(), status: z.string() });

/** At the parent: take the case over, with its history, once however often the message comes. */
export function escalationEffect(rulesOf: (kind: string) => CaseRules): TierEffect {
  return async (deps, m) => {
    const { case: sent, reason, status } = escalationPayload.parse(m.payload);
    if (await getCase(deps, m.to, sent.kind, sent.id)) return [];
    const rules = rulesOf(sent.kind);
    const at = m.sentAt;
    const step: CaseStep = { at, unit: m.from, action: 'escalate', status: ESCALATED, note: reason, to: m.to };
    const received: CaseStep = { at: deps.now().toISOString(), unit: m.to, action: 'receive', status };
    const { escalatedTo: _gone, ...rest } = sent;
    // The overdue flag belongs to the holder: the new owner's own sweep flags it (and may pass it on) in its turn.
    const copy: Case = { ...rest, unit: m.to, status, overdue: false, escalatedFrom: m.from, history: [...sent.history, step, received], v: 1 };
    return [{ op: 'put', table: levelOf(m.to), item: caseItem(copy, rules), expect: { absent: true } }];
  };
}

/**
 * 督办: a unit above flags a case anywhere in its subtree, with a comment, for the unit holding it now. The flag is
 * kept at the supervising unit too, so it can list what it supervises.
 */
export async function supervise(deps: Deps, actor: Principal, supervisor: string, unit: string, kind: string, id: string, comment: string) {
  if (!isWithin(unit, prefixOf(supervisor)) || unit === supervisor) {
    throw bad('params.code', { zh: '只能督办下级单位的事项', en: 'Only cases of units below yours can be supervised' });
  }
  const { current, case: own } = await readCase(deps, unit, kind, id);
  const holder = current ?? own;
  if (!isWithin(holder.unit, prefixOf(supervisor)) || holder.unit === supervisor) {
    throw bad('params.code', { zh: `该事项已上报至 ${holder.unit}，不在本单位下级`, en: `The case went up to ${holder.unit}, which is not below your unit` });
  }
  const now = deps.now();
  const message = newTierMessage({ kind: 'supervision', from: supervisor, to: holder.unit, subject: `${kind}/${id}`, payload: { comment, by: actor.sub } }, now);
  const record = { unit: holder.unit, kind, id, comment, by: actor.sub, at: now.toISOString(), ref: message.id };
  await commitAudited(deps, now, supervisor, { actor, action: 'case.supervise', subject: `${kind}/${id}`, after: record }, [
    { op: 'put', table: levelOf(supervisor), item: { pk: `${prefixOf(supervisor)}#supervising`, sk: `${kind}/${id}/${message.id}`, ...record } },
    outboxWrite(message),
  ]);
  return record;
}

const supervisionPayload = z.object({ comment: z.string(), by: z.string(), ref: z.optional(z.string()), unit: z.optional(z.string()) });

/** At the holder: add the flag once; if the case has gone up meanwhile, pass the flag on to where it went. */
export function supervisionEffect(rulesOf: (kind: string) => CaseRules): TierEffect {
  return async (deps, m) => {
    const p = supervisionPayload.parse(m.payload);
    const [kind, id] = splitSubject(m.subject);
    const c = await getCase(deps, m.to, kind, id);
    if (!c) throw new ApiError('unprocessable', [], { zh: `${m.to} 没有事项 ${m.subject}`, en: `${m.to} holds no case ${m.subject}` });
    const ref = p.ref ?? m.id;
    const unit = p.unit ?? m.from;
    if (c.supervision.some((s) => s.ref === ref)) return [];
    if (c.escalatedTo) {
      const on = newTierMessage(
        { kind: 'supervision', from: m.to, to: c.escalatedTo, subject: m.subject, payload: { ...p, ref, unit }, via: [...m.via, m.to] },
        deps.now(),
      );
      return [outboxWrite(on)];
    }
    const at = deps.now().toISOString();
    const after: Case = {
      ...c,
      supervision: [...c.supervision, { ref, unit, by: p.by, at, comment: p.comment }],
      history: [...c.history, { at, unit, by: p.by, action: 'supervise', status: c.status, note: p.comment }],
      updatedAt: at,
      v: c.v + 1,
    };
    return [{ op: 'put', table: levelOf(m.to), item: caseItem(after, rulesOf(kind)), expect: { version: c.v } }];
  };
}

export function splitSubject(subject: string): [string, string] {
  const at = subject.indexOf('/');
  if (at <= 0) throw new ApiError('unprocessable', [], { zh: `事项标识无效：${subject}`, en: `Not a case subject: ${subject}` });
  return [subject.slice(0, at), subject.slice(at + 1)];
}

/**
 * The scheduled sweep for one unit: every open case whose due date has passed (read from the due-date index, never
 * a Scan) is flagged overdue to both sides and, where the unit's inherited settings say so, escalated to the parent.
 */
export async function sweepOverdue(deps: Deps, unit: string, rulesOf: (kind: string) => CaseRules) {
  const yesterday = addCalendarDays(toChinaDate(deps.now()), -1);
  // Most units have nothing overdue: their settings are read only when something is.
  let moveUp: boolean | undefined;
  const done = { flagged: 0, escalated: 0 };
  let cursor: string | undefined;
  do {
    const page = await deps.store.query({ table: levelOf(unit), index: 'gsi1', pk: duePartition(unit), skBetween: ['0', `${yesterday}#~`], limit: 100, cursor });
    for (const item of page.items) {
      const c = toCase(item);
      const rules = rulesOf(c.kind);
      try {
        const flagged = await recordStep(deps, undefined, c, rules, { action: 'overdue', status: c.status, note: c.due }, { overdue: true });
        done.flagged++;
        moveUp ??= (await readSettings(deps.store, unit)).effective.escalation.onOverdue && levelOf(unit) !== 'province';
        if (moveUp) {
          await escalate(deps, undefined, flagged, rules, '逾期自动上报 (escalated automatically when overdue)');
          done.escalated++;
        }
      } catch (e) {
        // Someone changed the case meanwhile; if it is still overdue and open, the next sweep takes it.
        if (!(e instanceof ConditionFailed)) throw e;
      }
    }
    cursor = page.cursor;
  } while (cursor);
  return done;
}

/**
 * The sweep over a subtree, unit by unit through the children index (one query per unit with children, one per unit
 * for its due partition), a few units at a time.
 */
export async function sweepSubtree(deps: Deps, root: string, rulesOf: (kind: string) => CaseRules, concurrency = 8) {
  const total = { units: 0, flagged: 0, escalated: 0 };
  let frontier = [root];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (let i = 0; i < frontier.length; i += concurrency) {
      await Promise.all(
        frontier.slice(i, i + concurrency).map(async (unit) => {
          const r = await sweepOverdue(deps, unit, rulesOf);
          total.units++;
          total.flagged += r.flagged;
          total.escalated += r.escalated;
          let cursor: string | undefined;
          do {
            const page = await listChildren(deps.store, unit, 200, cursor);
            next.push(...page.items.map((u) => u.code));
            cursor = page.cursor;
          } while (cursor);
        }),
      );
    }
    frontier = next;
  }
  return total;
}
