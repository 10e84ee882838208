import { countEvent } from '../stats/rollup';
import { monotonicFactory } from 'ulid';
import * as z from '../../shared/zod';
import { commitAudited } from '../../shared/audit';
import { isWithin, levelOf, prefixOf } from '../../shared/codes';
import type { Deps } from '../../shared/deps';
import { ApiError, notFound } from '../../shared/errors';
import type { Text } from '../../shared/i18n';
import type { Principal } from '../../shared/roles';
import type { Item, Key, Write } from '../../shared/store/store';
import { newTierMessage, type TierMessageKind } from '../../shared/tiers/message';
import { outboxWrite, type TierEffect } from '../../shared/tiers/outbox';
import { toChinaDate } from '../../shared/working-days';
import { dueDate } from '../../tenants/settings';
import { unitKey } from '../../tenants/unit';
import { columnSchema, type Column } from './data-table';
import { caseItem, caseStepSchema, getCase, heldCase, recordStep, type Case, type CaseRules, type CaseStep } from './escalation';

/**
 * 交办: a unit assigns a task to units of its subtree with a deadline in working days. Each assignee holds the task
 * as a case (so it can be escalated and supervised like any other) and works it through accept → progress →
 * complete, or returns it with a reason. Every step goes back to the assigner as a message and is kept there as
 * its own item, keyed by assignee and step number, so the assigner's view is right whatever order steps arrive in.
 *
 * A data request (数据报送, functions/tiers/data-requests.ts) is the same flow with a table to fill: it is a task
 * kind of its own, with its own message kinds, so one engine serves both.
 */

/** A kind of task sent down: its case kind and the message kinds that carry it down and its steps back up. */
export interface TaskKind {
  kind: string;
  down: TierMessageKind;
  up: TierMessageKind;
}

export const KIND = 'assignment';
export const ASSIGNMENTS: TaskKind = { kind: KIND, down: 'assignment', up: 'assignment-update' };
/** One transaction carries the record, a message per assignee and the audit entry (at most 100 writes). */
export const MAX_ASSIGNEES = 50;

export const assignmentSchema = z.object({
  id: z.string(),
  from: z.string(),
  title: z.string(),
  body: z.string(),
  workingDays: z.int(),
  due: z.string(),
  assignees: z.array(z.string()),
  createdAt: z.string(),
  by: z.string(),
  /** A data request's table: the columns each assignee fills in. */
  columns: z.optional(z.array(columnSchema)),
});
export type Assignment = z.infer<typeof assignmentSchema>;

export const ACTIONS = ['accept', 'progress', 'complete', 'return'] as const;
export type AssignmentAction = (typeof ACTIONS)[number];

/** From which statuses each action may be taken, and the status it leads to. */
export const TRANSITIONS: Record<AssignmentAction, { from: readonly string[]; to: string; needsNote: boolean }> = {
  accept: { from: ['assigned'], to: 'accepted', needsNote: false },
  progress: { from: ['accepted'], to: 'accepted', needsNote: true },
  complete: { from: ['accepted'], to: 'completed', needsNote: false },
  return: { from: ['assigned', 'accepted'], to: 'returned', needsNote: true },
};

export const taskKey = (t: TaskKind, from: string, id: string): Key => ({ pk: `${prefixOf(from)}#${t.kind}`, sk: id });
export const assignmentKey = (from: string, id: string) => taskKey(ASSIGNMENTS, from, id);
const stepsPartition = (t: TaskKind, from: string, id: string) => `${prefixOf(from)}#${t.kind}#${id}`;
const stepKey = (t: TaskKind, from: string, id: string, assignee: string, seq: number): Key => ({
  pk: stepsPartition(t, from, id),
  sk: `${assignee}#${String(seq).padStart(4, '0')}`,
});

/**
 * Every step of an assignee's case is told to the assigner, numbered by its place in the case's history; the step
 * that completes a data request carries the rows filled in.
 */
export const taskRules = (t: TaskKind): CaseRules => ({
  open: new Set(['assigned', 'accepted']),
  notify: (c, step, now) =>
    newTierMessage(
      {
        kind: t.up,
        from: c.unit,
        to: c.data.assigner!,
        subject: `${t.kind}/${c.id}`,
        payload: { assignee: c.data.assignee!, seq: c.history.length - 1, step, ...(step.action === 'complete' && c.data.rows ? { rows: c.data.rows } : {}) },
      },
      now,
    ),
});
export const assignmentRules = taskRules(ASSIGNMENTS);

const nextId = monotonicFactory();
const fieldError = (path: string, message: Text) => new ApiError('validation_failed', [{ path, message }]);

export interface NewAssignment {
  title: string;
  body: string;
  assignees: string[];
  workingDays: number;
  columns?: Column[];
}

export const createAssignment = (deps: Deps, actor: Principal, from: string, input: NewAssignment) => createTask(ASSIGNMENTS, deps, actor, from, input);

export async function createTask(t: TaskKind, deps: Deps, actor: Principal, from: string, input: NewAssignment): Promise<Assignment> {
  const assignees = [...new Set(input.assignees)];
  assignees.forEach((a, i) => {
    if (!isWithin(a, prefixOf(from)) || a === from) {
      throw fieldError(`body.assignees.${i}`, { zh: `${a} 不是本单位的下级单位`, en: `${a} is not a unit below yours` });
    }
  });
  const found = new Map((await deps.store.getMany('registry', assignees.map(unitKey))).map((u) => [u.code as string, u]));
  assignees.forEach((a, i) => {
    if (found.get(a)?.status !== 'active') {
      throw fieldError(`body.assignees.${i}`, { zh: `单位 ${a} 不存在或已停用`, en: `Unit ${a} does not exist or is suspended` });
    }
  });
  const now = deps.now();
  const { due } = await dueDate(deps.store, from, toChinaDate(now), { days: input.workingDays });
  const a: Assignment = { id: nextId(now.getTime()), from, ...input, assignees, due, createdAt: now.toISOString(), by: actor.sub };
  const payload = { title: a.title, body: a.body, due, assigner: from, ...(a.columns ? { columns: a.columns } : {}) };
  const messages = assignees.map((to) => newTierMessage({ kind: t.down, from, to, subject: `${t.kind}/${a.id}`, payload }, now));
  await commitAudited(deps, now, from, { actor, action: `${t.kind}.create`, subject: `${t.kind}/${a.id}`, after: a }, [
    { op: 'put', table: levelOf(from), item: { ...taskKey(t, from, a.id), ...a }, expect: { absent: true } },
    ...messages.map(outboxWrite),
  ]);
  return a;
}

const assignmentPayload = z.object({ title: z.string(), body: z.string(), due: z.string(), assigner: z.string(), columns: z.optional(z.array(columnSchema)) });

/** At the assignee: the task arrives as a case it holds; a second delivery finds it there and does nothing. */
export const receiveTask =
  (t: TaskKind): TierEffect =>
  async (deps, m) => {
    const p = assignmentPayload.parse(m.payload);
    const id = m.subject.slice(t.kind.length + 1);
    if (await getCase(deps, m.to, t.kind, id)) return [];
    const c: Case = {
      kind: t.kind,
      id,
      unit: m.to,
      title: p.title,
      body: p.body,
      status: 'assigned',
      due: p.due,
      overdue: false,
      // Case data holds strings: the table travels as JSON.
      data: { assigner: p.assigner, assignee: m.to, ...(p.columns ? { columns: JSON.stringify(p.columns) } : {}) },
      history: [{ at: m.sentAt, unit: m.from, action: 'assign', status: 'assigned' }],
      supervision: [],
      createdAt: m.sentAt,
      updatedAt: m.sentAt,
      v: 1,
    };
    return [
      { op: 'put', table: levelOf(m.to), item: caseItem(c, taskRules(t)), expect: { absent: true } },
      countEvent({ unit: m.to, kind: 'opened', day: toChinaDate(new Date(m.sentAt)), eventId: `${m.subject}/opened` }, deps.now()),
    ];
  };
export const assignmentEffect = receiveTask(ASSIGNMENTS);

export const actOnAssignment = (deps: Deps, actor: Principal, unit: string, id: string, action: AssignmentAction, note?: string) =>
  actOnTask(ASSIGNMENTS, deps, actor, unit, id, action, note);

/**
 * An assignee's (or, once escalated, its new owner's) step on the task. Completing a data request needs its rows,
 * checked against the request's columns (`rows` is given only for a data request).
 */
export async function actOnTask(
  t: TaskKind,
  deps: Deps,
  actor: Principal,
  unit: string,
  id: string,
  action: AssignmentAction,
  note?: string,
  rows?: (c: Case) => string | undefined,
): Promise<Case> {
  const c = await heldCase(deps, unit, t.kind, id);
  const step = TRANSITIONS[action];
  if (!step.from.includes(c.status)) {
    throw new ApiError('unprocessable', [
      { path: 'body.action', message: { zh: `任务状态为「${c.status}」，不能执行「${action}」`, en: `A task in status "${c.status}" cannot take "${action}"` } },
    ]);
  }
  if (step.needsNote && !note) {
    throw fieldError('body.note', { zh: '请填写说明（进展或退回理由）', en: 'a note is required (the progress made or the reason for returning)' });
  }
  const filled = action === 'complete' ? rows?.(c) : undefined;
  return recordStep(deps, actor, c, taskRules(t), { action, status: step.to, ...(note ? { note } : {}) }, filled ? { data: { ...c.data, rows: filled } } : {});
}

const updatePayload = z.object({ assignee: z.string(), seq: z.int(), step: caseStepSchema, rows: z.optional(z.string()) });

/** At the assigner: keep the step under its number; a repeat writes the same item again, any order gives the same view. */
export const taskUpdateEffect =
  (t: TaskKind): TierEffect =>
  async (deps, m) => {
    const { assignee, seq, step, rows } = updatePayload.parse(m.payload);
    const id = m.subject.slice(t.kind.length + 1);
    const a = await deps.store.get(levelOf(m.to), taskKey(t, m.to, id));
    if (!a || !(a.assignees as string[]).includes(assignee)) {
      throw new ApiError('unprocessable', [], { zh: `${m.to} 没有交办 ${m.subject} 给 ${assignee}`, en: `${m.to} did not assign ${m.subject} to ${assignee}` });
    }
    const write: Write = { op: 'put', table: levelOf(m.to), item: { ...stepKey(t, m.to, id, assignee, seq), assignee, seq, ...step, ...(rows ? { rows } : {}) } };
    return [write];
  };
export const assignmentUpdateEffect = taskUpdateEffect(ASSIGNMENTS);

export interface AssigneeView {
  unit: string;
  /** 'sent' until the assignee's first step arrives. */
  status: string;
  overdue: boolean;
  /** Where the task is now, when the assignee escalated it. */
  heldBy?: string;
  steps: (CaseStep & { seq: number })[];
  /** A data request's rows as the assignee's last completion gave them (JSON). */
  rows?: string;
}

export const readAssignment = (deps: Deps, from: string, id: string) => readTask(ASSIGNMENTS, deps, from, id);

/** The assigner's view: the task and every step of every assignee, in step order. */
export async function readTask(t: TaskKind, deps: Deps, from: string, id: string) {
  const item = await deps.store.get(levelOf(from), taskKey(t, from, id));
  if (!item) throw notFound();
  const a = assignmentSchema.parse(item);
  const steps: Item[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.store.query({ table: levelOf(from), pk: stepsPartition(t, from, id), limit: 500, cursor });
    steps.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  const assignees: AssigneeView[] = a.assignees.map((unit) => {
    const mine = steps.filter((s) => s.assignee === unit);
    const own = mine.map(({ pk: _pk, sk: _sk, assignee: _a, rows: _r, ...s }) => ({ ...caseStepSchema.parse(s), seq: s.seq as number }));
    const rows = mine.filter((s) => s.rows).at(-1)?.rows as string | undefined;
    const status = own.at(-1)?.status ?? 'sent';
    const heldBy = own.filter((s) => s.to).at(-1)?.to;
    return {
      unit,
      status,
      overdue: own.some((s) => s.action === 'overdue') && !['completed', 'returned'].includes(status),
      ...(heldBy ? { heldBy } : {}),
      steps: own,
      ...(rows ? { rows } : {}),
    };
  });
  return { assignment: a, assignees };
}
