import { createHash } from 'node:crypto';
import { monotonicFactory } from 'ulid';
import * as z from '../shared/zod';
import { commitAudited, type Actor } from '../shared/audit';
import type { Deps } from '../shared/deps';
import { ApiError, forbidden, notFound } from '../shared/errors';
import { maskPhone } from '../shared/identity-codes';
import type { Text } from '../shared/i18n';
import { PREFIX_LENGTH } from '../shared/levels';
import type { Principal } from '../shared/roles';
import type { Key, Store, Write } from '../shared/store/store';
import { isWithin, levelOf, prefixOf } from '../shared/codes';
import type { Action, Scope } from './scope';
import { createUnit } from './units';
import { staffKey, unitKey } from './unit';

/**
 * The people of a unit: its departments and its staff accounts (citizen and business accounts are in
 * tenants/accounts.ts). Every record lives in its unit's level table under the unit's prefix; that a subject is
 * staff of one unit only is enforced by an index item in the province's registry partitions, written in the same
 * transaction as the record.
 */

// ---------------------------------------------------------------- keys

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const provincePrefix = (code: string) => code.slice(0, PREFIX_LENGTH.province);
/** One hex digit of the hash: 16 partitions, so no single province key takes every registration. */
const shardOf = (hash: string) => hash.slice(0, 1);

export const deptKey = (unit: string, id: string): Key => ({ pk: `${prefixOf(unit)}#dept`, sk: id });
export type AccountKind = 'citizen' | 'business';

/**
 * Where a subject's account of one kind is, by subject alone: `/me` knows only the token. The shard is a digit of an
 * unkeyed hash of the subject, which the sort key holds in clear anyway, so it gives nothing away. Citizens' and
 * businesses' entries live in the `people` table (tenants/accounts.ts), staff entries in the registry.
 */
export function subjectIndexKey(kind: AccountKind | 'staff', anyUnitInProvince: string, sub: string): Key {
  return { pk: `${provincePrefix(anyUnitInProvince)}#idx-account#${shardOf(sha256(sub))}`, sk: `${kind}#${sub}` };
}

// ---------------------------------------------------------------- shared helpers

const iso = z.string();
const fieldError = (path: string, message: Text) => new ApiError('validation_failed', [{ path, message }]);
const sameKey = (a: Key, b: Key) => a.pk === b.pk && a.sk === b.sk;

export async function requireUnit(store: Store, code: string) {
  if (!(await store.get('registry', unitKey(code)))) throw notFound();
}

const nextId = monotonicFactory();

// ---------------------------------------------------------------- departments

export const departmentSchema = z.object({
  id: z.string(),
  unit: z.string(),
  name: z.string(),
  nameEn: z.optional(z.string()),
  status: z.enum(['active', 'inactive']),
  createdAt: iso,
  updatedAt: iso,
  v: z.int(),
});
export type Department = z.infer<typeof departmentSchema>;

export async function createDepartment(deps: Deps, actor: Principal, unit: string, input: { name: string; nameEn?: string }) {
  await requireUnit(deps.store, unit);
  const now = deps.now();
  const at = now.toISOString();
  const dept: Department = { id: nextId(now.getTime()), unit, ...input, status: 'active', createdAt: at, updatedAt: at, v: 1 };
  await commitAudited(deps, now, unit, { actor, action: 'department.create', subject: `dept/${dept.id}`, after: dept }, [
    { op: 'put', table: levelOf(unit), item: { ...deptKey(unit, dept.id), ...dept }, expect: { absent: true } },
  ]);
  return dept;
}

export async function listDepartments(store: Store, unit: string, limit: number, cursor?: string) {
  const page = await store.query({ table: levelOf(unit), pk: deptKey(unit, '').pk, limit, cursor });
  return { items: page.items.map((i) => departmentSchema.parse(i)), cursor: page.cursor };
}

export interface DepartmentChange {
  v: number;
  name?: string;
  /** null removes the English name. */
  nameEn?: string | null;
  status?: Department['status'];
}

export async function changeDepartment(deps: Deps, actor: Principal, unit: string, id: string, change: DepartmentChange) {
  const table = levelOf(unit);
  const item = await deps.store.get(table, deptKey(unit, id));
  if (!item) throw notFound();
  const before = departmentSchema.parse(item);
  if (before.v !== change.v) throw new ApiError('conflict');
  const { nameEn: _old, ...rest } = before;
  const nameEn = change.nameEn === null ? undefined : (change.nameEn ?? before.nameEn);
  const after: Department = {
    ...rest,
    ...(nameEn ? { nameEn } : {}),
    name: change.name ?? before.name,
    status: change.status ?? before.status,
    updatedAt: deps.now().toISOString(),
    v: before.v + 1,
  };
  const action =
    change.status && change.status !== before.status ? `department.${change.status === 'inactive' ? 'deactivate' : 'reactivate'}` : 'department.update';
  await commitAudited(deps, deps.now(), unit, { actor, action, subject: `dept/${id}`, before, after }, [
    { op: 'put', table, item: { ...deptKey(unit, id), ...after }, expect: { version: before.v } },
  ]);
  return after;
}

/** A transaction check that the department exists, is active, and stays as read until the change commits. */
async function activeDepartment(store: Store, unit: string, deptId: string): Promise<Write> {
  const key = deptKey(unit, deptId);
  const d = await store.get(levelOf(unit), key);
  if (!d || d.status !== 'active') {
    throw fieldError('body.deptId', { zh: '本单位没有该部门，或该部门已停用', en: 'no active department with this id in the unit' });
  }
  return { op: 'check', table: levelOf(unit), key, expect: { version: d.v as number } };
}

// ---------------------------------------------------------------- staff

export const STAFF_ROLES = ['unit-admin', 'staff', 'auditor', 'province-admin'] as const;
export const staffRoleSchema = z.enum(STAFF_ROLES);
export type StaffRole = z.infer<typeof staffRoleSchema>;

/**
 * A staff account's binding to a unit, department and role. In AWS the account itself (sign-in, MFA) lives in
 * Cognito, whose custom attributes role/unit/dept end up in the token; this record is the authoritative one those
 * attributes are set from, and what every request of the account is checked against (tenants/scope.ts).
 */
export const staffSchema = z.object({
  sub: z.string(),
  unit: z.string(),
  name: z.string(),
  role: staffRoleSchema,
  deptId: z.optional(z.string()),
  phone: z.optional(z.string()),
  status: z.enum(['active', 'disabled']),
  createdAt: iso,
  updatedAt: iso,
  v: z.int(),
});
export type Staff = z.infer<typeof staffSchema>;

/** The phone is personal data: only those who manage the unit's people see it in full. */
export const staffView = (s: Staff, entitled: boolean): Staff => (s.phone && !entitled ? { ...s, phone: maskPhone(s.phone) } : s);

/*
 * Separation of duties: who may create or change whose account record.
 *
 * Order of authority: province-admin > unit-admin = auditor > staff. A unit admin and an auditor rank alike, so
 * neither commands the other: an admin cannot create, demote or disable the auditors who audit it (nor lock one
 * out), and an auditor, read-only everywhere else, cannot touch an admin. Between two holders of the same role,
 * the one at an ancestor unit outranks the one below; peers at one unit never outrank each other.
 *
 * 1. Which roles a caller may grant at a unit is a scope rule (tenants/scope.ts): accounts of role staff need
 *    'people:manage' (province admin over its subtree, unit admin at its own unit), admin roles 'people:admins'
 *    (province admin only), auditors 'people:auditors' (province admin, or an auditor of an ancestor unit: auditors
 *    are appointed and removed only from above).
 * 2. An existing record is changed only by a caller who outranks the role it holds. So a province admin cannot
 *    change or disable another province admin: that is an operator's step (govtiers revoke and bootstrap), as is
 *    the first province admin of a province.
 * 3. A subject holds at most one record per province, so a record is never created over an account that already
 *    holds one (409): nobody can rebind, and so lock out, an account by creating a record for it.
 */
const RANK: Record<StaffRole, number> = { 'province-admin': 3, 'unit-admin': 2, auditor: 2, staff: 1 };
const GRANT: Record<StaffRole, Action> = {
  staff: 'people:manage',
  'unit-admin': 'people:admins',
  'province-admin': 'people:admins',
  auditor: 'people:auditors',
};
export const isStaffRole = (role: string): role is StaffRole => (STAFF_ROLES as readonly string[]).includes(role);

function outranks(actor: Principal, role: StaffRole, unit: string): boolean {
  if (!isStaffRole(actor.role)) return false;
  if (RANK[actor.role] !== RANK[role]) return RANK[actor.role] > RANK[role];
  return actor.role === role && unit !== actor.unit && isWithin(unit, prefixOf(actor.unit));
}

const mayNotGrant = (role: StaffRole): Text => ({
  zh: `您无权在该单位授予或撤销“${ROLE_NAMES[role].zh}”角色`,
  en: `You may not grant or remove the ${ROLE_NAMES[role].en} role at this unit`,
});
const notAbove: Text = {
  zh: '只能变更比自己权限低的账号：管理员与审计员互不管理，同级账号由上级或运维人员办理',
  en: 'You may only change accounts below your own authority: admins and auditors do not manage each other, and peers are changed from above or by the operator',
};
const ROLE_NAMES: Record<StaffRole, Text> = {
  'province-admin': { zh: '省级管理员', en: 'province admin' },
  'unit-admin': { zh: '单位管理员', en: 'unit admin' },
  auditor: { zh: '审计员', en: 'auditor' },
  staff: { zh: '工作人员', en: 'staff' },
};

/** 403 unless the caller may manage some kind of account at the unit: decided from codes alone, before any read. */
function requireSomeGrant(scope: Scope, unit: string) {
  if (!STAFF_ROLES.some((r) => scope.can(GRANT[r], unit))) throw forbidden();
}

function requireGrant(scope: Scope, unit: string, role: StaffRole) {
  if (!scope.can(GRANT[role], unit)) throw new ApiError('forbidden', [], mayNotGrant(role));
  if (role === 'province-admin' && levelOf(unit) !== 'province') {
    throw fieldError('body.role', { zh: '省级管理员只能设在省级单位', en: 'province-admin can only be granted at a province unit' });
  }
}

const deptRequired = () => fieldError('body.deptId', { zh: '工作人员必须归属一个部门', en: 'staff must belong to a department' });

export interface NewStaff {
  sub: string;
  name: string;
  role: StaffRole;
  deptId?: string;
  phone?: string;
}

export async function addStaff(deps: Deps, scope: Scope, unit: string, input: NewStaff) {
  requireSomeGrant(scope, unit);
  requireGrant(scope, unit, input.role);
  if (input.role === 'staff' && !input.deptId) throw deptRequired();
  return bindAccount(deps, scope.principal, unit, input);
}

/** Writes a new record with its subject index, audited; 404 without the unit, 409 when the subject holds a record. */
async function bindAccount(deps: Pick<Deps, 'store' | 'keys' | 'archive' | 'now'>, actor: Actor, unit: string, input: NewStaff) {
  const { store } = deps;
  const index = subjectIndexKey('staff', unit, input.sub);
  const found = await store.getMany('registry', [unitKey(unit), index]);
  if (!found.some((i) => sameKey(i, unitKey(unit)))) throw notFound();
  // A Cognito user carries one unit: the same subject cannot be bound to two units.
  if (found.some((i) => sameKey(i, index))) throw new ApiError('already_exists');
  const checks = input.deptId ? [await activeDepartment(store, unit, input.deptId)] : [];
  const at = deps.now().toISOString();
  const staff: Staff = { ...input, unit, status: 'active', createdAt: at, updatedAt: at, v: 1 };
  await commitAudited(deps, deps.now(), unit, { actor, action: 'staff.create', subject: `staff/${staff.sub}`, after: staffView(staff, false) }, [
    { op: 'put', table: levelOf(unit), item: { ...staffKey(unit, staff.sub), ...staff }, expect: { absent: true } },
    { op: 'put', table: 'registry', item: { ...index, unit }, expect: { absent: true } },
    ...checks,
  ]);
  return staff;
}

export async function listStaff(store: Store, unit: string, limit: number, cursor?: string) {
  const page = await store.query({ table: levelOf(unit), pk: staffKey(unit, '').pk, limit, cursor });
  return { items: page.items.map((i) => staffSchema.parse(i)), cursor: page.cursor };
}

export interface StaffChange {
  v: number;
  name?: string;
  role?: StaffRole;
  /** null takes the account out of its department (not allowed for role staff). */
  deptId?: string | null;
  phone?: string | null;
  status?: Staff['status'];
}

export async function changeStaff(deps: Deps, scope: Scope, unit: string, sub: string, change: StaffChange) {
  const { store } = deps;
  requireSomeGrant(scope, unit);
  const table = levelOf(unit);
  const item = await store.get(table, staffKey(unit, sub));
  if (!item) throw notFound();
  const before = staffSchema.parse(item);
  if (before.v !== change.v) throw new ApiError('conflict');
  requireGrant(scope, unit, before.role);
  if (!outranks(scope.principal, before.role, unit)) throw new ApiError('forbidden', [], notAbove);
  if (change.role) requireGrant(scope, unit, change.role);
  const { deptId: _d, phone: _p, ...rest } = before;
  const deptId = change.deptId === null ? undefined : (change.deptId ?? before.deptId);
  const phone = change.phone === null ? undefined : (change.phone ?? before.phone);
  const after: Staff = {
    ...rest,
    ...(deptId ? { deptId } : {}),
    ...(phone ? { phone } : {}),
    name: change.name ?? before.name,
    role: change.role ?? before.role,
    status: change.status ?? before.status,
    updatedAt: deps.now().toISOString(),
    v: before.v + 1,
  };
  if (after.role === 'staff' && !after.deptId) throw deptRequired();
  const checks = deptId && deptId !== before.deptId ? [await activeDepartment(store, unit, deptId)] : [];
  const action =
    change.status && change.status !== before.status ? `staff.${change.status === 'disabled' ? 'disable' : 'enable'}` : 'staff.update';
  await commitAudited(
    deps,
    deps.now(),
    unit,
    { actor: scope.principal, action, subject: `staff/${sub}`, before: staffView(before, false), after: staffView(after, false) },
    [{ op: 'put', table, item: { ...staffKey(unit, sub), ...after }, expect: { version: before.v } }, ...checks],
  );
  return after;
}

const operatorActor = (operator: string, province: string): Actor => ({ sub: operator, role: 'operator', unit: province });

/**
 * The operator's step that gives a province its first admin (and recovers one): creates the province unit if
 * absent and binds the subject as its province admin, or re-enables that binding; each change audited with the
 * operator as actor. Running it again changes nothing. Refuses a subject already bound to another unit or role.
 */
export async function bootstrapProvince(
  deps: Pick<Deps, 'store' | 'keys' | 'archive' | 'now'>,
  operator: string,
  province: string,
  provinceName: string,
  sub: string,
): Promise<{ unitCreated: boolean; account: 'created' | 'enabled' | 'unchanged' }> {
  if (levelOf(province) !== 'province') throw fieldError('province', { zh: '必须是省级单位代码', en: 'must be the code of a province' });
  const { store } = deps;
  let unitCreated = false;
  if (!(await store.get('registry', unitKey(province)))) {
    try {
      await createUnit(deps, operatorActor(operator, province), province, provinceName);
      unitCreated = true;
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 'already_exists')) throw e;
    }
  }
  if (!(await store.get('registry', subjectIndexKey('staff', province, sub)))) {
    await bindAccount(deps, operatorActor(operator, province), province, { sub, name: `省级管理员 ${sub}`, role: 'province-admin' });
    return { unitCreated, account: 'created' };
  }
  const changed = await setProvinceAdminStatus(deps, operator, province, sub, 'active');
  return { unitCreated, account: changed ? 'enabled' : 'unchanged' };
}

/**
 * The operator's other step: disables (or re-enables) a province admin, which no one in the platform may do since
 * nobody outranks a province admin. True when the record changed. 404 without such a binding.
 */
export async function setProvinceAdminStatus(
  deps: Pick<Deps, 'store' | 'keys' | 'archive' | 'now'>,
  operator: string,
  province: string,
  sub: string,
  status: Staff['status'],
): Promise<boolean> {
  const { store } = deps;
  const item = levelOf(province) === 'province' ? await store.get(levelOf(province), staffKey(province, sub)) : undefined;
  const before = item && staffSchema.parse(item);
  if (!before || before.role !== 'province-admin') {
    const pointer = await store.get('registry', subjectIndexKey('staff', province, sub));
    if (!pointer) throw notFound();
    throw new ApiError('already_exists', [], {
      zh: `账号 ${sub} 已绑定到单位 ${String(pointer.unit)} 的其他角色，不是该省的省级管理员`,
      en: `The account ${sub} is bound to another role or unit (${String(pointer.unit)}), not as this province's admin`,
    });
  }
  if (before.status === status) return false;
  const after: Staff = { ...before, status, updatedAt: deps.now().toISOString(), v: before.v + 1 };
  const action = status === 'active' ? 'staff.enable' : 'staff.disable';
  const record = { actor: operatorActor(operator, province), action, subject: `staff/${sub}`, before: staffView(before, false), after: staffView(after, false) };
  await commitAudited(deps, deps.now(), province, record, [
    { op: 'put', table: levelOf(province), item: { ...staffKey(province, sub), ...after }, expect: { version: before.v } },
  ]);
  return true;
}
