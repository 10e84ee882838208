import { commitAudited, type Actor } from '../shared/audit';
import type { Deps } from '../shared/deps';
import { ApiError, notFound } from '../shared/errors';
import type { Text } from '../shared/i18n';
import type { Principal } from '../shared/roles';
import type { Store } from '../shared/store/store';
import { ancestorCandidates, isWithin, levelOf, prefixOf } from '../shared/codes';
import { childrenPartition, CURRENT_EDITION, toUnit, unitItem, unitKey, type Unit } from './unit';

/** The unit hierarchy: creating, reading, listing, renaming, suspending. Units are never deleted. */

export async function getUnit(store: Store, code: string): Promise<Unit> {
  const item = await store.get('registry', unitKey(code));
  if (!item) throw notFound();
  return toUnit(item);
}

/** The nearest existing ancestor: one batch read of the at most four candidate codes. */
export async function nearestAncestor(store: Store, code: string): Promise<Unit | undefined> {
  const candidates = ancestorCandidates(code);
  if (candidates.length === 0) return undefined;
  const found = new Map((await store.getMany('registry', candidates.map(unitKey))).map((i) => [i.code as string, i]));
  const nearest = candidates.find((c) => found.has(c));
  return nearest ? toUnit(found.get(nearest)!) : undefined;
}

export function newUnit(code: string, name: string, parent: string | undefined, at: string): Unit {
  return { code, name, level: levelOf(code), parent, edition: CURRENT_EDITION, status: 'active', createdAt: at, updatedAt: at, v: 1 };
}

export async function createUnit(deps: Pick<Deps, 'store' | 'keys' | 'archive' | 'now'>, actor: Actor, code: string, name: string): Promise<Unit> {
  const { store } = deps;
  const parent = await nearestAncestor(store, code);
  if (!parent && levelOf(code) !== 'province') {
    throw new ApiError('unprocessable', [], {
      zh: `${code} 的上级单位都还不存在，请先创建上级单位`,
      en: `No ancestor of ${code} exists yet; create its parent first`,
    });
  }
  if (await store.get('registry', unitKey(code))) throw new ApiError('already_exists');
  const unit = newUnit(code, name, parent?.code, deps.now().toISOString());
  await commitAudited(deps, deps.now(), code, { actor, action: 'unit.create', subject: code, after: unit }, [
    { op: 'put', table: 'registry', item: unitItem(unit), expect: { absent: true } },
  ]);
  return unit;
}

export async function listChildren(store: Store, code: string, limit: number, cursor?: string) {
  const page = await store.query({ table: 'registry', index: 'gsi1', pk: childrenPartition(code), limit, cursor });
  return { items: page.items.map(toUnit), cursor: page.cursor };
}

export interface UnitChange {
  name?: string;
  status?: Unit['status'];
  /** The version the caller last saw; a stale one is a 409. */
  v?: number;
}

const SUSPEND_OWN: Text = {
  zh: '不能停用本人所属单位或其上级单位：停用后将无人能够恢复，请由上级单位办理',
  en: 'You cannot suspend your own unit or one above it: nobody could then lift the suspension; a unit above must do it',
};

/** Renames, suspends or reactivates a unit; concurrent changes to one unit: one wins, the other gets 409. */
export async function changeUnit(deps: Deps, actor: Principal, code: string, change: UnitChange): Promise<Unit> {
  // A suspension holds for the whole subtree: suspending one's own unit or one above it would leave nobody able
  // to lift it. Only someone above the unit suspends it.
  if (change.status === 'suspended' && isWithin(actor.unit, prefixOf(code))) throw new ApiError('forbidden', [], SUSPEND_OWN);
  const before = await getUnit(deps.store, code);
  if (change.v !== undefined && change.v !== before.v) throw new ApiError('conflict');
  const after: Unit = {
    ...before,
    name: change.name ?? before.name,
    status: change.status ?? before.status,
    updatedAt: deps.now().toISOString(),
    v: before.v + 1,
  };
  const action = change.status && change.status !== before.status ? `unit.${change.status === 'suspended' ? 'suspend' : 'reactivate'}` : 'unit.update';
  await commitAudited(deps, deps.now(), code, { actor, action, subject: code, before, after }, [
    { op: 'put', table: 'registry', item: unitItem(after), expect: { version: before.v } },
  ]);
  return after;
}
