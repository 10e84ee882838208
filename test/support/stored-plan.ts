import { expect } from 'vitest';
import type { Store } from '../../shared/store/store';
import { levelOf } from '../../shared/codes';
import type { PlannedUnit } from '../../tenants/division-tree';
import { getUnit, listChildren } from '../../tenants/units';

/**
 * Every unit reachable from `root` through the children index, walked level by level (villages have no children
 * by their codes, so they are not asked): the codes in the order found, duplicates kept, with parent and name.
 */
export async function storedTree(store: Store, root: string): Promise<{ code: string; parent?: string; name: string }[]> {
  const top = await getUnit(store, root);
  const found = [{ code: top.code, parent: top.parent, name: top.name }];
  let level = [root];
  while (level.length > 0) {
    const next: string[] = [];
    // A few parents at a time: one emulator, two cores.
    for (let i = 0; i < level.length; i += 8) {
      await Promise.all(
        level.slice(i, i + 8).map(async (parent) => {
          let cursor: string | undefined;
          do {
            const page = await listChildren(store, parent, 200, cursor);
            for (const u of page.items) {
              found.push({ code: u.code, parent: u.parent, name: u.name });
              if (levelOf(u.code) !== 'village') next.push(u.code);
            }
            cursor = page.cursor;
          } while (cursor);
        }),
      );
    }
    level = next;
  }
  return found;
}

/**
 * Judges an import by what is stored, not by the job's own counters: every planned unit present exactly once,
 * under the parent and with the name of the plan, and nothing else under the plan's root.
 */
export async function expectPlanStored(store: Store, plan: PlannedUnit[]): Promise<void> {
  const stored = await storedTree(store, plan[0]!.code);
  const seen = new Set<string>();
  const duplicates = stored.filter((u) => seen.size === seen.add(u.code).size).map((u) => u.code);
  const planned = new Map(plan.map((u) => [u.code, u]));
  const byCode = new Map(stored.map((u) => [u.code, u]));
  const extra = stored.filter((u) => !planned.has(u.code)).map((u) => u.code);
  const missing = plan.filter((u) => !byCode.has(u.code)).map((u) => u.code);
  const wrong = plan
    .filter((u) => byCode.has(u.code) && (byCode.get(u.code)!.parent !== u.parent || byCode.get(u.code)!.name !== u.name))
    .map((u) => `${u.code}: stored ${JSON.stringify(byCode.get(u.code))}, planned parent ${u.parent} name ${u.name}`);
  expect({ duplicates, extra, missing, wrong }).toEqual({ duplicates: [], extra: [], missing: [], wrong: [] });
  expect(stored).toHaveLength(plan.length);
}
