import { ApiError } from '../shared/errors';
import type { Principal, Role } from '../shared/roles';
import type { Store } from '../shared/store/store';
import { isWithin, levelOf, prefixOf } from '../shared/codes';
import { staffKey, unitKey } from './unit';

/**
 * What a caller may want to do to a unit. 'people:read' lists a unit's staff (not public, unlike the unit
 * directory); 'people:register' registers a citizen or business on someone's behalf at a service counter.
 */
export type Action =
  | 'unit:read'
  | 'unit:provision'
  | 'unit:settings'
  | 'people:manage'
  | 'people:read'
  | 'people:register'
  | 'audit:read'
  | 'stats:read'
  | 'queues:operate';

/** How far each role reaches from its own unit for each action: its unit only, or the unit and all below it. */
type Reach = 'self' | 'subtree' | 'anywhere';
const RULES: Record<Role, Partial<Record<Action, Reach>>> = {
  'province-admin': {
    'unit:read': 'subtree',
    'unit:provision': 'subtree',
    'unit:settings': 'subtree',
    'people:manage': 'subtree',
    'people:read': 'subtree',
    'people:register': 'subtree',
    'stats:read': 'subtree',
    // Dead-lettered tier messages: listed and redriven for the units of its province only.
    'queues:operate': 'subtree',
  },
  'unit-admin': { 'unit:read': 'subtree', 'unit:settings': 'subtree', 'people:manage': 'self', 'people:read': 'subtree', 'people:register': 'self', 'stats:read': 'subtree' },
  staff: { 'unit:read': 'self', 'people:read': 'self', 'people:register': 'self', 'stats:read': 'self' },
  auditor: { 'unit:read': 'subtree', 'audit:read': 'subtree', 'people:read': 'subtree', 'stats:read': 'subtree' },
  // The directory of government units is public information.
  citizen: { 'unit:read': 'anywhere' },
  business: { 'unit:read': 'anywhere' },
};

/** Roles that act for a unit, and so stop acting when their unit is suspended. */
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

/**
 * The caller's scope, after checking that a unit-bound caller's unit exists and is active and that its staff record,
 * where there is one, still grants the token's role: two GetItems in parallel, one round trip whatever the tree's size.
 */
export async function resolveScope(principal: Principal, store: Store): Promise<Scope> {
  if (ACTS_FOR_UNIT.has(principal.role)) {
    const [unit, staff] = await Promise.all([
      store.get('registry', unitKey(principal.unit)),
      store.get(levelOf(principal.unit), staffKey(principal.unit, principal.sub)),
    ]);
    // A province admin provisions its province before the province unit exists.
    const bootstrapping = !unit && principal.role === 'province-admin' && levelOf(principal.unit) === 'province';
    if (!bootstrapping && unit?.status !== 'active') {
      throw new ApiError('forbidden', [], { zh: '所属单位不存在或已停用', en: 'Your unit does not exist or is suspended' });
    }
    // A token outlives changes to its account: the record, where there is one, has the last word.
    if (staff && (staff.status !== 'active' || staff.role !== principal.role)) {
      throw new ApiError('forbidden', [], { zh: '账号已停用或角色已变更，请重新登录', en: 'Your account was disabled or its role changed; sign in again' });
    }
  }
  return scopeOf(principal);
}
