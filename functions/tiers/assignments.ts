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
import { newTierMessage } from '../../shared/tiers/message';
import { outboxWrite, type TierEffect } from '../../shared/tiers/outbox';
import { toChinaDate } from '../../shared/working-days';
import { dueDate } from '../../tenants/settings';
import { unitKey } from '../../tenants/unit';
import { caseItem, caseStepSchema, getCase, heldCase, recordStep, type Case, type CaseRules, type CaseStep } from './escalation';

/**
 * 交办: a unit assigns a task to units of its subtree with a deadline in working days. Each assignee holds the task
 * as a case (so it can be escalated and supervised like any other) and works it through accept → progress →
 * complete, or returns it with a reason. Every step goes back to the assigner as a message and is kept there as
 * its own item, keyed by assignee and step number, so the assigner's view is right whatever order steps arrive in.
 */

export const KIND = 'assignment';
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

export const assignmentKey = (from: string, id: string): Key => ({ pk: `${prefixOf(from)}#assignment`, sk: id });
const stepsPartition = (from: string, id: string) => `${prefixOf(from)}#assignment#${id}`;
const stepKey = (from: string, id: string, assignee: string, seq: number): Key => ({
  pk: stepsPartition(from, id),
  sk: `${assignee}#${String(seq).padStart(4, '0')}`,
});

/** Every step of an assignee's case is told to the assigner, numbered by its place in the case's history. */
export const assignmentRules: CaseRules = {
  open: new Set(['assigned', 'accepted']),
  notify: (c, step, now) =>
    newTierMessage(
      {
        kind: 'assignment-update',
        from: c.unit,
        to: c.data.assigner!,
        subject: `${KIND}/${c.id}`,
        payload: { assignee: c.data.assignee!, seq: c.history.length - 1, step },
      },
      now,
    ),
};

const nextId = monotonicFactory();
const fieldError = (path: string, message: Text) => new ApiError('validation_failed', [{ path, message }]);

export interface NewAssignment {
  title: string;
  body: string;
  assignees: string[];
  workingDays: number;
}

export async function createAssignment(deps: Deps, actor: Principal, from: string, input: NewAssignment): Promise<Assignment> {
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
  const messages = assignees.map((to) =>
    newTierMessage({ kind: KIND, from, to, subject: `${KIND}/${a.id}`, payload: { title: a.title, body: a.body, due, assigner: from } }, now),
  );
  await commitAudited(deps, now, from, { actor, action: 'assignment.create', subject: `${KIND}/${a.id}`, after: a }, [
    { op: 'put', table: levelOf(from), item: { ...assignmentKey(from, a.id), ...a }, expect: { absent: true } },
    ...messages.map(outboxWrite),
  ]);
  return a;
}

const assignmentPayload = z.object({ title: z.string(), body: z.string(), due: z.string(), assigner: z.string() });

/** At the assignee: the task arrives as a case it holds; a second delivery finds it there and does nothing. */
export const assignmentEffect: TierEffect = async (deps, m) => {
  const p = assignmentPayload.parse(m.payload);
  const id = m.subject.slice(KIND.length + 1);
  if (await getCase(deps, m.to, KIND, id)) return [];
  const c: Case = {
    kind: KIND,
    id,
    unit: m.to,
    title: p.title,
    body: p.body,
    status: 'assigned',
    due: p.due,
    overdue: false,
    data: { assigner: p.assigner, assignee: m.to },
    history: [{ at: m.sentAt, unit: m.from, action: 'assign', status: 'assigned' }],
    supervision: [],
    createdAt: m.sentAt,
    updatedAt: m.sentAt,
    v: 1,
  };
  return [
    { op: 'put', table: levelOf(m.to), item: caseItem(c, assignmentRules), expect: { absent: true } },
    countEvent({ unit: m.to, kind: 'opened', day: toChinaDate(new Date(m.sentAt)), eventId: `${m.subject}/opened` }, deps.now()),
  ];
};

/** An assignee's (or, once escalated, its new owner's) step on the task. */
export async function actOnAssignment(deps: Deps, actor: Principal, unit: string, id: string, action: AssignmentAction, note?: string): Promise<Case> {
  const c = await heldCase(deps, unit, KIND, id);
  const t = TRANSITIONS[action];
  if (!t.from.includes(c.status)) {
    throw new ApiError('unprocessable', [
      { path: 'body.action', message: { zh: `任务状态为「${c.status}」，不能执行「${action}」`, en: `A task in status "${c.status}" cannot take "${action}"` } },
    ]);
  }
  if (t.needsNote && !note) {
    throw fieldError('body.note', { zh: '请填写说明（进展或退回理由）', en: 'a note is required (the progress made or the reason for returning)' });
  }
  return recordStep(deps, actor, c, assignmentRules, { action, status: t.to, ...(note ? { note } : {}) });
}

const updatePayload = z.object({ assignee: z.string(), seq: z.int(), step: caseStepSchema });

/** At the assigner: keep the step under its number; a repeat writes the same item again, any order gives the same view. */
export const assignmentUpdateEffect: TierEffect = async (deps, m) => {
  const { assignee, seq, step } = updatePayload.parse(m.payload);
  const id = m.subject.slice(KIND.length + 1);
  const a = await deps.store.get(levelOf(m.to), assignmentKey(m.to, id));
  if (!a || !(a.assignees as string[]).includes(assignee)) {
    throw new ApiError('unprocessable', [], { zh: `${m.to} 没有交办 ${m.subject} 给 ${assignee}`, en: `${m.to} did not assign ${m.subject} to ${assignee}` });
  }
  const write: Write = { op: 'put', table: levelOf(m.to), item: { ...stepKey(m.to, id, assignee, seq), assignee, seq, ...step } };
  return [write];
};

export interface AssigneeView {
  unit: string;
  /** 'sent' until the assignee's first step arrives. */
  status: string;
  overdue: boolean;
  /** Where the task is now, when the assignee escalated it. */
  heldBy?: string;
  steps: (CaseStep & { seq: number })[];
}

/** The assigner's view: the assignment and every step of every assignee, in step order. */
export async function readAssignment(deps: Deps, from: string, id: string) {
  const item = await deps.store.get(levelOf(from), assignmentKey(from, id));
  if (!item) throw notFound();
  const a = assignmentSchema.parse(item);
  const steps: Item[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.store.query({ table: levelOf(from), pk: stepsPartition(from, id), limit: 500, cursor });
    steps.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  const assignees: AssigneeView[] = a.assignees.map((unit) => {
    const own = steps
      .filter((s) => s.assignee === unit)
      .map(({ pk: _pk, sk: _sk, assignee: _a, ...s }) => ({ ...caseStepSchema.parse(s), seq: s.seq as number }));
    const status = own.at(-1)?.status ?? 'sent';
    const heldBy = own.filter((s) => s.to).at(-1)?.to;
    return {
      unit,
      status,
      overdue: own.some((s) => s.action === 'overdue') && !['completed', 'returned'].includes(status),
      ...(heldBy ? { heldBy } : {}),
      steps: own,
    };
  });
  return { assignment: a, assignees };
}
