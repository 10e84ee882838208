import { LEVELS, PREFIX_LENGTH, type Level } from './levels';

/**
 * Arithmetic on 12-digit 统计用区划代码: province 2 + city 2 + county 2 + township 3 + village 3 digits.
 * A unit's level is the deepest non-zero segment; its key prefix is the code up to that segment.
 */

const SEGMENT_END: Record<Level, number> = PREFIX_LENGTH;
const SEGMENT_START: Record<Level, number> = { province: 0, city: 2, county: 4, township: 6, village: 9 };

const segment = (code: string, level: Level) => code.slice(SEGMENT_START[level], SEGMENT_END[level]);
const isZero = (s: string) => /^0+$/.test(s);

export function levelOf(code: string): Level {
  for (let i = LEVELS.length - 1; i >= 0; i--) {
    const level = LEVELS[i]!;
    if (!isZero(segment(code, level))) return level;
  }
  throw new Error(`not a division code: ${code}`);
}

/**
 * A well-formed code: 12 digits, a non-zero province, and a non-zero city whenever anything below is set.
 * The county segment alone may be zero under a set township (townships directly under 东莞, 中山, 儋州).
 */
export function isUnitCode(code: string): boolean {
  if (!/^\d{12}$/.test(code) || isZero(segment(code, 'province'))) return false;
  const belowCity = code.slice(SEGMENT_START.county);
  return isZero(belowCity) || !isZero(segment(code, 'city'));
}

export const prefixOf = (code: string): string => code.slice(0, PREFIX_LENGTH[levelOf(code)]);

export const codeOfPrefix = (prefix: string): string => prefix.padEnd(12, '0');

/** Codes of every possible ancestor, nearest first (a skipped level yields no candidate). */
export function ancestorCandidates(code: string): string[] {
  const level = levelOf(code);
  const out: string[] = [];
  for (let i = LEVELS.indexOf(level) - 1; i >= 0; i--) {
    const candidate = codeOfPrefix(code.slice(0, PREFIX_LENGTH[LEVELS[i]!]));
    if (levelOf(candidate) === LEVELS[i] && !out.includes(candidate)) out.push(candidate);
  }
  return out;
}

export const isWithin = (code: string, ancestorPrefix: string): boolean => code.startsWith(ancestorPrefix);

export const depth = (level: Level): number => LEVELS.indexOf(level);

/** Can `child` hang under `parent`: deeper level, and the parent's prefix begins the child's code. */
export function fitsUnder(child: string, parent: string): boolean {
  return depth(levelOf(child)) > depth(levelOf(parent)) && child.startsWith(prefixOf(parent));
}
