import type { Deps } from '../../shared/deps';
import { ApiError } from '../../shared/errors';
import type { Principal } from '../../shared/roles';
import { actOnTask, createTask, readTask, receiveTask, taskRules, taskUpdateEffect, type AssignmentAction, type NewAssignment, type TaskKind } from './assignments';
import { checkColumns, checkRows, rowsOf, toCsv, type Column, type Row } from './data-table';

/**
 * 数据报送: a unit asks units of its subtree for a table of figures by a deadline, instead of sending a spreadsheet
 * by e-mail and collecting the replies by hand. It is a task like 交办 (accept, complete or return, escalate,
 * 督办, overdue), carried by its own message kinds: `data-request` down and `data-response` back, the last with
 * the rows the unit filled in, checked against the request's columns.
 */
export const DATA_REQUESTS: TaskKind = { kind: 'data-request', down: 'data-request', up: 'data-response' };
export const dataRequestRules = taskRules(DATA_REQUESTS);
export const dataRequestEffect = receiveTask(DATA_REQUESTS);
export const dataResponseEffect = taskUpdateEffect(DATA_REQUESTS);

export async function createDataRequest(deps: Deps, actor: Principal, from: string, input: NewAssignment & { columns: Column[] }) {
  checkColumns(input.columns);
  return createTask(DATA_REQUESTS, deps, actor, from, input);
}

/** A step on a data request held here; completing it sends the rows. */
export function actOnDataRequest(deps: Deps, actor: Principal, unit: string, id: string, action: AssignmentAction, note?: string, rows?: Row[]) {
  return actOnTask(DATA_REQUESTS, deps, actor, unit, id, action, note, (c) => {
    if (!c.data.columns) throw new ApiError('unprocessable', [], { zh: '该报送任务没有表格', en: 'This data request has no table' });
    return checkRows(JSON.parse(c.data.columns) as Column[], rows);
  });
}

/** The requester's view: every unit's steps and, once it completed, its rows as objects. */
export async function readDataRequest(deps: Deps, from: string, id: string) {
  const view = await readTask(DATA_REQUESTS, deps, from, id);
  const columns = view.assignment.columns ?? [];
  return {
    ...view,
    assignees: view.assignees.map(({ rows, ...a }) => ({ ...a, ...(rows ? { rows: rowsOf(columns, rows) } : {}) })),
  };
}

/** Every unit's rows so far in one CSV (units that have not sent yet are absent). */
export async function dataRequestCsv(deps: Deps, from: string, id: string): Promise<string> {
  const view = await readTask(DATA_REQUESTS, deps, from, id);
  const sent = view.assignees.flatMap((a) => (a.rows ? [{ unit: a.unit, rows: a.rows }] : []));
  return toCsv(view.assignment.columns ?? [], sent);
}
