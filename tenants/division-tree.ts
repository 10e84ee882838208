import * as z from '../shared/zod';
import { LEVELS, type Level } from '../shared/levels';
import type { FieldError } from '../shared/errors';
import { worded } from '../shared/validation-messages';
import { fitsUnder, isUnitCode, isWithin, levelOf, prefixOf } from '../shared/codes';

/**
 * The division-tree file format provincial admins import: a node `{code, name, level, children?}` or an array
 * of them, as published with the NBS 统计用区划代码 (children sorted by code, villages without `children`).
 */
export interface DivisionNode {
  code: string;
  name: string;
  level: Level;
  children?: DivisionNode[];
}

/** A tree has at most one node per level on any path: province, city, county, township, village. */
export const MAX_TREE_DEPTH = LEVELS.length;

/**
 * A node whose subtree may be `depth` levels deep, unrolled rather than recursive: a tree nested thousands deep (a
 * broken or hostile file) then fails at the sixth level with one clear message instead of exhausting the stack.
 */
function nodeSchema(depth: number): z.ZodMiniType<DivisionNode> {
  const children =
    depth > 1 ? z.array(nodeSchema(depth - 1)) : z.array(z.unknown()).check(worded(z.maxLength(0), 'tree_too_deep'));
  return z.strictObject({
    code: z.string(),
    name: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)),
    level: z.enum(LEVELS),
    children: z.optional(children),
  }) as z.ZodMiniType<DivisionNode>;
}

export const divisionNodeSchema = nodeSchema(MAX_TREE_DEPTH);

export const divisionTreeSchema = z.union([divisionNodeSchema, z.array(divisionNodeSchema).check(z.minLength(1))]);

/** One unit to provision, parents before children; `parent` is absent for a root (resolved when it runs). */
export interface PlannedUnit {
  code: string;
  name: string;
  parent?: string;
}

const MAX_REPORTED = 100;

const problem = (path: string, node: DivisionNode, zh: string, en: string): FieldError => ({
  path,
  message: { zh: `节点 ${node.code}（${node.name}）：${zh}`, en: `node ${node.code} (${node.name}): ${en}` },
});

/**
 * Checks a parsed tree against the rules of the code itself (12 digits, a level that matches the code, a child
 * that fits its parent, no duplicates, everything within the unit it is imported under) and returns the units
 * in breadth-first order. All problems are collected (up to 100), each naming its node.
 */
export function planImport(tree: DivisionNode | DivisionNode[], under: string): { plan: PlannedUnit[]; problems: FieldError[] } {
  const roots = Array.isArray(tree) ? tree : [tree];
  const problems: FieldError[] = [];
  const seen = new Set<string>();
  const plan: PlannedUnit[] = [];
  const underPrefix = prefixOf(under);
  let queue: { node: DivisionNode; path: string; parent?: DivisionNode }[] = roots.map((node, i) => ({
    node,
    path: Array.isArray(tree) ? `body.${i}` : 'body',
  }));
  while (queue.length > 0 && problems.length < MAX_REPORTED) {
    const next: typeof queue = [];
    for (const { node, path, parent } of queue) {
      if (!isUnitCode(node.code)) {
        problems.push(problem(`${path}.code`, node, '不是有效的 12 位统计用区划代码', 'not a valid 12-digit division code'));
        continue;
      }
      if (levelOf(node.code) !== node.level) {
        problems.push(problem(`${path}.level`, node, `层级应为 ${levelOf(node.code)}`, `level should be ${levelOf(node.code)}`));
      }
      if (seen.has(node.code)) {
        problems.push(problem(`${path}.code`, node, '代码在文件中重复', 'code appears more than once in the file'));
      }
      seen.add(node.code);
      if (parent && !fitsUnder(node.code, parent.code)) {
        problems.push(problem(`${path}.code`, node, `不属于上级 ${parent.code}`, `does not belong under its parent ${parent.code}`));
      } else if (!parent && node.code !== under && !(isWithin(node.code, underPrefix) && fitsUnder(node.code, under))) {
        problems.push(problem(`${path}.code`, node, `不在导入单位 ${under} 之下`, `is not within the unit ${under} being imported into`));
      }
      plan.push({ code: node.code, name: node.name, parent: parent?.code });
      node.children?.forEach((child, i) => next.push({ node: child, path: `${path}.children.${i}`, parent: node }));
    }
    queue = next;
  }
  return { plan, problems: problems.slice(0, MAX_REPORTED) };
}
