import { ApiError } from '../shared/errors';
import { ROLES, type Principal, type Role } from '../shared/roles';
import type { Text } from '../shared/i18n';
import type { Item, Store } from '../shared/store/store';
import { ancestorCandidates, isWithin, levelOf, prefixOf } from '../shared/codes';
import { staffKey, unitKey } from './unit';

/**
 * What a caller may want to do to a unit. 'people:manage' covers departments and accounts of role staff;
 * 'people:admins' grants or changes admin roles and 'people:auditors' appoints or removes auditors (see the
 * order of authority in people.ts). 'people:read' lists a unit's staff (not public, unlike the unit directory);
 * 'people:register' registers a citizen or business on someone's behalf at a service counter.
 * 'tiers:act' is work a unit does in its own name (assign, handle, escalate, send and sign notices); 'tiers:read'
 * looks at that work; 'tiers:supervise' flags a case below for 督办. 'services:define' defines, adopts and bundles
 * catalogue items in the unit's name; 'services:handle' works applications (the department is checked by the
 * services domain); 'services:read' looks at applications and worklists. 'uploads:create' hands out a form upload
 * of a file for the caller's own records at a unit: citizens and businesses anywhere they apply or report, staff and
 * admins at their unit and below.
 */
export type Action =
  | 'unit:read'
  | 'unit:provision'
  | 'unit:settings'
  | 'people:manage'
  | 'people:admins'
  | 'people:auditors'
  | 'people:read'
  | 'people:register'
  | 'audit:read'
  | 'tiers:act'
  | 'tiers:read'
  | 'tiers:supervise'
  | 'stats:read'
  | 'queues:operate'
  | 'services:define'
  | 'services:handle'
  | 'services:read'
  | 'uploads:create';

/**
 * How far each role reaches from its own unit for each action: its unit only, the unit and all below it, or only
 * the units below it (auditors are appointed from above, never by their peers).
 */
type Reach = 'self' | 'subtree' | 'below' | 'anywhere';
const RULES: Record<Role, Partial<Record<Action, Reach>>> = {
  'province-admin': {
    'unit:read': 'subtree',
    'unit:provision': 'subtree',
    'unit:settings': 'subtree',
    'people:manage': 'subtree',
    'people:admins': 'subtree',
    'people:auditors': 'subtree',
    'people:read': 'subtree',
    'people:register': 'subtree',
    'tiers:act': 'self',
    'tiers:read': 'subtree',
    'tiers:supervise': 'subtree',
    'stats:read': 'subtree',
    // Dead-lettered tier messages: listed and redriven for the units of its province only.
    'queues:operate': 'subtree',
    'services:define': 'self',
    'services:read': 'subtree',
    'uploads:create': 'subtree',
  },
  'unit-admin': {
    'unit:read': 'subtree',
    'unit:settings': 'subtree',
    'people:manage': 'self',
    'people:read': 'subtree',
    'people:register': 'self',
    'tiers:act': 'self',
    'tiers:read': 'subtree',
    'tiers:supervise': 'subtree',
    'stats:read': 'subtree',
    'services:define': 'self',
    'services:read': 'subtree',
    'uploads:create': 'subtree',
  },
  staff: {
    'unit:read': 'self',
    'people:read': 'self',
    'people:register': 'self',
    'tiers:act': 'self',
    'tiers:read': 'self',
    'stats:read': 'self',
    'services:handle': 'self',
    'services:read': 'self',
    'uploads:create': 'subtree',
  },
  auditor: {
    'unit:read': 'subtree',
    'audit:read': 'subtree',
    'people:read': 'subtree',
    'people:auditors': 'below',
    'tiers:read': 'subtree',
    'stats:read': 'subtree',
    'services:read': 'subtree',
  },
  // The directory of government units is public information.
  citizen: { 'unit:read': 'anywhere', 'uploads:create': 'anywhere' },
  business: { 'unit:read': 'anywhere', 'uploads:create': 'anywhere' },
};

/**
 * The roles that may do `action` somewhere, plus `also` (roles a domain rule lets in, such as a citizen registering
 * itself): an operation's `roles`, so the pipeline refuses everyone else before reading the request.
 */
export const rolesFor = (action: Action, ...also: Role[]): Role[] =>
  ROLES.filter((role) => RULES[role][action] !== undefined || also.includes(role));

/** Roles that act for a unit: they need an account record, and stop acting when their unit or one above it is suspended. */
const ACTS_FOR_UNIT: ReadonlySet<Role> = new Set(['province-admin', 'unit-admin', 'staff', 'auditor']);

export interface Scope {
  principal: Principal;
  /** Key prefix of the caller's unit: the caller's subtree is every key that starts with it. */
  prefix: string;
  can(action: Action, target: string): boolean;
  /** Throws 403 unless allowed; decided from codes alone, so it never reveals whether the target exists. */
  require(action: Action, target: string): void;
}

export function scopeOf(principal: Principal): Scope {
  const prefix = prefixOf(principal.unit);
  const can = (action: Action, target: string) => {
    const reach = RULES[principal.role][action];
    if (reach === 'anywhere') return true;
    if (reach === 'subtree') return isWithin(target, prefix);
    if (reach === 'below') return isWithin(target, prefix) && target !== principal.unit;
    if (reach === 'self') return target === principal.unit;
    return false;
  };
  return {
    principal,
    prefix,
    can,
    require(action, target) {
      if (!can(action, target)) throw new ApiError('forbidden');
    },
  };
}

const UNIT_GONE: Text = { zh: '所属单位不存在或已停用', en: 'Your unit does not exist or is suspended' };
const ABOVE_SUSPENDED: Text = { zh: '上级单位已停用，本单位暂停使用', en: 'A unit above yours is suspended, and so is yours' };
const NO_ACCOUNT: Text = {
  zh: '账号未开通、已停用或角色已变更，请联系管理员或重新登录',
  en: 'Your account is not set up, was disabled, or its role changed; ask an admin or sign in again',
};

/**
 * Why an account record does not back the token, or undefined when it does: a role that acts for a unit needs an
 * active record at the token's unit with the token's role. A token outlives changes to its account; the record has
 * the last word, and without one the token alone decides nothing.
 */
function accountRefusal(principal: Principal, record: Item | undefined): Text | undefined {
  if (!record || record.status !== 'active' || record.role !== principal.role || record.unit !== principal.unit) return NO_ACCOUNT;
  return undefined;
}

const accountRecord = (store: Store, principal: Principal) => store.get(levelOf(principal.unit), staffKey(principal.unit, principal.sub));

/**
 * What the identity provider knows of the account: why it may hold no token (citizens and businesses always may), or
 * the department its record binds it to, which the provider's `dept` attribute is set from (the id, not a name).
 */
export async function accountCheck(store: Store, principal: Principal): Promise<{ refusal: Text } | { dept?: string }> {
  if (!ACTS_FOR_UNIT.has(principal.role)) return {};
  const record = await accountRecord(store, principal);
  const refusal = accountRefusal(principal, record);
  if (refusal) return { refusal };
  return record!.deptId ? { dept: record!.deptId as string } : {};
}

/**
 * The caller's scope, after checking, for a role that acts for a unit, that its account record is active with the
 * token's role, and that its unit and every existing unit above it are active (a suspension holds for the whole
 * subtree). One BatchGet of at most five unit items beside one GetItem, in parallel: a constant cost per request.
 */
export async function resolveScope(principal: Principal, store: Store): Promise<Scope> {
  if (ACTS_FOR_UNIT.has(principal.role)) {
    const lineage = [principal.unit, ...ancestorCandidates(principal.unit)];
    const [units, record] = await Promise.all([store.getMany('registry', lineage.map(unitKey)), accountRecord(store, principal)]);
    const refusal = accountRefusal(principal, record);
    if (refusal) throw new ApiError('forbidden', [], refusal);
    const own = units.find((u) => u.code === principal.unit);
    if (own?.status !== 'active') throw new ApiError('forbidden', [], UNIT_GONE);
    if (units.some((u) => u.status !== 'active')) throw new ApiError('forbidden', [], ABOVE_SUSPENDED);
  }
  return scopeOf(principal);
}
