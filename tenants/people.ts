import { createHash } from 'node:crypto';
import { monotonicFactory } from 'ulid';
import * as z from '../shared/zod';
import { commitAudited } from '../shared/audit';
import type { Deps } from '../shared/deps';
import { ApiError, forbidden, notFound } from '../shared/errors';
import {
  checkCreditCode,
  checkResidentId,
  maskCreditCode,
  maskPhone,
  maskResidentId,
  normalizeCreditCode,
  normalizeResidentId,
} from '../shared/identity-codes';
import type { Text } from '../shared/i18n';
import { PREFIX_LENGTH } from '../shared/levels';
import type { Principal } from '../shared/roles';
import { ConditionFailed, type Item, type Key, type Store, type Write } from '../shared/store/store';
import { FIELD_MESSAGES } from '../shared/validation-messages';
import { levelOf, prefixOf } from '../shared/codes';
import type { Scope } from './scope';
import { staffKey, unitKey } from './unit';

/**
 * The people of a unit: its departments, its staff accounts, and the citizen and business accounts whose home
 * unit it is. Every record lives in its unit's level table under the unit's prefix; what must be unique across
 * the province (resident IDs, credit codes, one account per subject) is enforced by index items in the
 * province's registry partitions, written in the same transaction as the record.
 */

// ---------------------------------------------------------------- keys

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const provincePrefix = (code: string) => code.slice(0, PREFIX_LENGTH.province);
/** One hex digit of the hash: 16 partitions, so no single province key takes every registration. */
const shardOf = (hash: string) => hash.slice(0, 1);

export const deptKey = (unit: string, id: string): Key => ({ pk: `${prefixOf(unit)}#dept`, sk: id });
export type AccountKind = 'citizen' | 'business';
export const accountKey = (kind: AccountKind, unit: string, sub: string): Key => ({ pk: `${prefixOf(unit)}#${kind}`, sk: sub });

/** Where a subject's account of one kind is, by subject alone: `/me` knows only the token. */
export function subjectIndexKey(kind: AccountKind | 'staff', anyUnitInProvince: string, sub: string): Key {
  return { pk: `${provincePrefix(anyUnitInProvince)}#idx-account#${shardOf(sha256(sub))}`, sk: `${kind}#${sub}` };
}

/** Uniqueness of a resident ID or credit code, keyed by its hash: the clear number is never part of a key. */
export function numberIndexKey(kind: 'resident' | 'credit', anyUnitInProvince: string, number: string): Key {
  const normalized = kind === 'resident' ? normalizeResidentId(number) : normalizeCreditCode(number);
  const hash = sha256(`${kind}:${normalized}`);
  return { pk: `${provincePrefix(anyUnitInProvince)}#idx-${kind}#${shardOf(hash)}`, sk: hash };
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
const ADMIN_ROLES: ReadonlySet<string> = new Set(['unit-admin', 'province-admin']);

/**
 * A staff account's binding to a unit, department and role. In AWS the account itself (sign-in, MFA) lives in
 * Cognito, whose custom attributes role/unit/dept end up in the token; this record is the authoritative one those
 * attributes are set from, and what an audit or a listing reads.
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

const ONLY_PROVINCE_ADMIN: Text = { zh: '只有省级管理员可以授予或变更管理员角色', en: 'Only a province admin may grant or change an admin role' };

function checkGrant(actor: Principal, unit: string, role: StaffRole) {
  if (ADMIN_ROLES.has(role) && actor.role !== 'province-admin') throw new ApiError('forbidden', [], ONLY_PROVINCE_ADMIN);
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

export async function addStaff(deps: Deps, actor: Principal, unit: string, input: NewStaff) {
  checkGrant(actor, unit, input.role);
  if (input.role === 'staff' && !input.deptId) throw deptRequired();
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

export async function changeStaff(deps: Deps, actor: Principal, unit: string, sub: string, change: StaffChange) {
  const { store } = deps;
  const table = levelOf(unit);
  const item = await store.get(table, staffKey(unit, sub));
  if (!item) throw notFound();
  const before = staffSchema.parse(item);
  if (before.v !== change.v) throw new ApiError('conflict');
  // An admin's account is changed only by a province admin, or a unit admin could demote or lock out a peer.
  if (ADMIN_ROLES.has(before.role) && actor.role !== 'province-admin') throw new ApiError('forbidden', [], ONLY_PROVINCE_ADMIN);
  if (change.role) checkGrant(actor, unit, change.role);
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
    { actor, action, subject: `staff/${sub}`, before: staffView(before, false), after: staffView(after, false) },
    [{ op: 'put', table, item: { ...staffKey(unit, sub), ...after }, expect: { version: before.v } }, ...checks],
  );
  return after;
}

// ---------------------------------------------------------------- citizen and business accounts

export const citizenSchema = z.object({
  sub: z.string(),
  unit: z.string(),
  name: z.string(),
  idNumber: z.string(),
  phone: z.optional(z.string()),
  /** Subject of the staff member who registered the citizen at a counter, if one did. */
  registeredBy: z.optional(z.string()),
  createdAt: iso,
  updatedAt: iso,
  v: z.int(),
});
export type Citizen = z.infer<typeof citizenSchema>;

export const businessSchema = z.object({
  sub: z.string(),
  unit: z.string(),
  name: z.string(),
  creditCode: z.string(),
  /** Set when the code's check characters do not fit (GB 32100 / GB 11714) and staff registered it anyway. */
  override: z.optional(z.object({ reason: z.string(), by: z.string(), at: iso })),
  registeredBy: z.optional(z.string()),
  createdAt: iso,
  updatedAt: iso,
  v: z.int(),
});
export type Business = z.infer<typeof businessSchema>;

/** Only the owner sees their numbers and phone in full. */
export function citizenView(c: Citizen, owner: boolean): Citizen {
  if (owner) return c;
  return { ...c, idNumber: maskResidentId(c.idNumber), ...(c.phone ? { phone: maskPhone(c.phone) } : {}) };
}
export const businessView = (b: Business, owner: boolean): Business => (owner ? b : { ...b, creditCode: maskCreditCode(b.creditCode) });

/** Who the account is for: the caller themself, or (at a counter) someone whose subject staff give in the body. */
function registrant(scope: Scope, selfRole: AccountKind, unit: string, bodySub: string | undefined) {
  const p = scope.principal;
  if (p.role === selfRole) {
    if (bodySub !== undefined && bodySub !== p.sub) throw forbidden();
    if (provincePrefix(unit) !== provincePrefix(p.unit)) {
      throw fieldError('body.unit', { zh: '所属单位必须在本省内', en: 'the home unit must be in your province' });
    }
    return { sub: p.sub, onBehalf: false };
  }
  if (!scope.can('people:register', unit)) throw forbidden();
  if (!bodySub) {
    throw fieldError('body.sub', { zh: '代为登记时必须填写对方的账号标识', en: "the person's account id (sub) is required when registering on their behalf" });
  }
  return { sub: bodySub, onBehalf: true };
}

interface Registration {
  kind: AccountKind;
  number: { kind: 'resident' | 'credit'; value: string };
  record: Citizen | Business;
  /** Set when staff register: the change then goes through the audit chain of the home unit. */
  audit?: { actor: Principal; action: string; after: unknown };
}

/** Record, subject index and number index in one transaction: all three are new, or nothing is written. */
async function register(deps: Deps, r: Registration) {
  const { store } = deps;
  const { unit, sub } = r.record;
  const bySubject = subjectIndexKey(r.kind, unit, sub);
  const byNumber = numberIndexKey(r.number.kind, unit, r.number.value);
  const found = await store.getMany('registry', [unitKey(unit), bySubject, byNumber]);
  if (!found.some((i) => sameKey(i, unitKey(unit)))) throw fieldError('body.unit', { zh: '没有这个单位', en: 'no such unit' });
  if (found.length > 1) throw new ApiError('already_exists');
  const writes: Write[] = [
    { op: 'put', table: levelOf(unit), item: { ...accountKey(r.kind, unit, sub), ...r.record }, expect: { absent: true } },
    { op: 'put', table: 'registry', item: { ...bySubject, unit }, expect: { absent: true } },
    { op: 'put', table: 'registry', item: { ...byNumber, kind: r.kind, unit, sub }, expect: { absent: true } },
  ];
  if (r.audit) {
    const { actor, action, after } = r.audit;
    await commitAudited(deps, deps.now(), unit, { actor, action, subject: `${r.kind}/${sub}`, after }, writes);
    return;
  }
  try {
    await store.transact(writes);
  } catch (e) {
    // Every write expects absence: a failed one means someone registered the same subject or number meanwhile.
    if (e instanceof ConditionFailed) throw new ApiError('already_exists');
    throw e;
  }
}

export interface NewCitizen {
  idNumber: string;
  name: string;
  phone?: string;
  unit: string;
  sub?: string;
}

export async function registerCitizen(deps: Deps, scope: Scope, input: NewCitizen) {
  const { sub, onBehalf } = registrant(scope, 'citizen', input.unit, input.sub);
  // The request schema checked already; checked again here so no caller of the domain can skip it.
  const idNumber = normalizeResidentId(input.idNumber);
  if (!checkResidentId(idNumber).ok) throw fieldError('body.idNumber', FIELD_MESSAGES.invalid_resident_id!);
  const at = deps.now().toISOString();
  const citizen: Citizen = {
    sub,
    unit: input.unit,
    name: input.name,
    idNumber,
    ...(input.phone ? { phone: input.phone } : {}),
    ...(onBehalf ? { registeredBy: scope.principal.sub } : {}),
    createdAt: at,
    updatedAt: at,
    v: 1,
  };
  await register(deps, {
    kind: 'citizen',
    number: { kind: 'resident', value: citizen.idNumber },
    record: citizen,
    audit: onBehalf ? { actor: scope.principal, action: 'citizen.register', after: citizenView(citizen, false) } : undefined,
  });
  return citizenView(citizen, !onBehalf);
}

export interface NewBusiness {
  creditCode: string;
  name: string;
  unit: string;
  sub?: string;
  override?: { reason: string };
}

export async function registerBusiness(deps: Deps, scope: Scope, input: NewBusiness) {
  const { sub, onBehalf } = registrant(scope, 'business', input.unit, input.sub);
  const creditCode = normalizeCreditCode(input.creditCode);
  const check = checkCreditCode(creditCode);
  const passes = check.ok;
  // An override vouches for a wrong check character in a real code, never for a malformed one.
  if (!check.ok && check.reason === 'format') throw fieldError('body.creditCode', FIELD_MESSAGES.invalid_credit_code!);
  if (input.override) {
    // Only government staff at a counter, seeing the licence, may vouch for a code that fails its check.
    if (!onBehalf) throw new ApiError('forbidden', [], { zh: '只有工作人员可以登记未通过校验的代码', en: 'Only staff may register a code that fails its check' });
    if (passes) throw fieldError('body.override', { zh: '该代码校验通过，无需特殊登记', en: 'the code passes its check; no override is needed' });
  } else if (!passes) {
    throw fieldError('body.creditCode', FIELD_MESSAGES.invalid_credit_code!);
  }
  const now = deps.now();
  const at = now.toISOString();
  const business: Business = {
    sub,
    unit: input.unit,
    name: input.name,
    creditCode,
    ...(input.override ? { override: { reason: input.override.reason, by: scope.principal.sub, at } } : {}),
    ...(onBehalf ? { registeredBy: scope.principal.sub } : {}),
    createdAt: at,
    updatedAt: at,
    v: 1,
  };
  await register(deps, {
    kind: 'business',
    number: { kind: 'credit', value: creditCode },
    record: business,
    audit: onBehalf
      ? { actor: scope.principal, action: input.override ? 'business.override' : 'business.register', after: businessView(business, false) }
      : undefined,
  });
  return businessView(business, !onBehalf);
}

/** The caller's own account; 404 when there is none, whoever asks (so existence never leaks). */
export async function myAccount(store: Store, kind: AccountKind, principal: Principal): Promise<Item> {
  const pointer = await store.get('registry', subjectIndexKey(kind, principal.unit, principal.sub));
  const unit = pointer?.unit as string | undefined;
  const item = unit ? await store.get(levelOf(unit), accountKey(kind, unit, principal.sub)) : undefined;
  if (!item) throw notFound();
  return item;
}

export const myCitizen = async (store: Store, principal: Principal) => citizenSchema.parse(await myAccount(store, 'citizen', principal));
export const myBusiness = async (store: Store, principal: Principal) => businessSchema.parse(await myAccount(store, 'business', principal));
