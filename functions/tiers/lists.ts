import type { Store } from '../../shared/store/store';
import { levelOf } from '../../shared/codes';
import { assignmentSchema, taskKey, type TaskKind } from './assignments';
import { caseKey, caseSchema, duePartition } from './escalation';
import { noticeKey, noticeSchema } from './notices';

/**
 * The lists a unit's staff work from: the cases it holds (newest first, or the open ones by due date from the
 * due-date index the overdue sweep reads), and the assignments and notices it sent (newest first). Ids are ULIDs,
 * so the sort key's order is the order of creation.
 */
export async function listCases(store: Store, unit: string, o: { kind?: string; open?: boolean; limit: number; cursor?: string }) {
  const page = o.open
    ? await store.query({ table: levelOf(unit), index: 'gsi1', pk: duePartition(unit), limit: o.limit, cursor: o.cursor })
    : await store.query({
        table: levelOf(unit),
        pk: caseKey(unit, '', '').pk,
        ...(o.kind ? { skBeginsWith: `${o.kind}/` } : {}),
        descending: true,
        limit: o.limit,
        cursor: o.cursor,
      });
  const items = page.items.map((i) => caseSchema.parse(i)).filter((c) => !o.kind || c.kind === o.kind);
  return { items, ...(page.cursor ? { cursor: page.cursor } : {}) };
}

/** Assignments or data requests the unit sent. */
export async function listSentTasks(store: Store, t: TaskKind, from: string, limit: number, cursor?: string) {
  const page = await store.query({ table: levelOf(from), pk: taskKey(t, from, '').pk, descending: true, limit, cursor });
  return { items: page.items.map((i) => assignmentSchema.parse(i)), ...(page.cursor ? { cursor: page.cursor } : {}) };
}

export async function listSentNotices(store: Store, from: string, limit: number, cursor?: string) {
  const page = await store.query({ table: levelOf(from), pk: noticeKey(from, '').pk, descending: true, limit, cursor });
  return { items: page.items.map((i) => noticeSchema.parse(i)), ...(page.cursor ? { cursor: page.cursor } : {}) };
}
