import geohash from 'ngeohash';
import { levelOf, prefixOf } from '../../shared/codes';
import type { Deps } from '../../shared/deps';
import type { Item, Key, Write } from '../../shared/store/store';
import { distinctWords } from '../../shared/text/words';
import { addCalendarDays } from '../../shared/working-days';
import type { Location, Ticket } from './model';

/**
 * Duplicate suggestions: a new ticket against the open ones of the same area and category, within a distance where
 * both have a location, within a time window, or with similar words. FixMyStreet's rule is the model (same category,
 * open reports, 250 m for the public); the window is ours, since a lamp reported out twice a year apart is two
 * matters.
 *
 * The lookup never reads more than a fixed number of items, however many tickets the province holds: open tickets
 * are indexed in partitions by area (the county the ticket was filed in, or the unit itself above counties),
 * category and geohash cell (about 1.2 × 0.6 km, so the 250 m circle touches at most four cells),
 * and by area, category and word; each partition is read newest first, within the window, at most PER_PARTITION
 * items. A ticket leaves the index when it is closed or merged.
 */

export const RADIUS_M = 250;
export const WINDOW_DAYS = 30;
const CELL_PRECISION = 6;
/** Words a ticket is indexed under (the longest ones: they say the most). */
const INDEXED_WORDS = 10;
const PER_PARTITION = 40;
/** Candidates at or above this score are suggested (chosen on the labelled pairs: see the tickets tests). */
export const SUGGEST_AT = 0.26;

// Words that say nothing about what a ticket is about: the filer's voice, time, politeness.
const STOP = new Set(
  '的 了 在 是 我 我们 你 你们 他 她 它 有 和 与 及 也 就 都 还 又 很 太 非常 一直 已经 现在 今天 昨天 最近 这 那 这个 那个 这里 那里 一个 一下 什么 怎么 为什么 请 请问 希望 麻烦 尽快 处理 解决 反映 问题 情况 谢谢 感谢 你好 您好 能否 是否 可以 能 会 要 没有 不 没 好 被 把 给 让 对 从 到 上 下 里 中 后 前 时 时候 多 天 几 次 每 个 等 啊 吧 呢 吗 呀 哦 嗯 附近 位置 地方'.split(' '),
);

/**
 * What a ticket's text is compared by: its words, folded, without the ones that say nothing, and the characters of
 * its Chinese words, since two people rarely pick the same words for one thing (菜场 and 菜市场, 公厕 and 厕所).
 */
export function termsOf(text: string): string[] {
  const kept = distinctWords(text).filter((w) => !STOP.has(w) && !/^[\d*]+$/.test(w));
  const chars = kept.flatMap((w) => (/^\p{Script=Han}+$/u.test(w) ? [...w].filter((c) => !STOP.has(c)) : []));
  return [...new Set([...kept, ...chars])];
}

const areaOf = (home: string) => {
  const level = levelOf(home);
  return level === 'province' || level === 'city' ? prefixOf(home) : home.slice(0, 6);
};
const geoPartition = (home: string, category: string, cell: string) => `${areaOf(home)}#dup-geo#${category}#${cell}`;
const wordPartition = (home: string, category: string, word: string) => `${areaOf(home)}#dup-word#${category}#${word}`;
/** Index items live in the level table of the area's unit. */
const areaTable = (home: string) => levelOf(areaOf(home).padEnd(12, '0'));

/** Words and the two-character parts of longer Chinese words (菜市场: 菜市, 市场), the longest first. */
const indexedWords = (terms: string[]) =>
  [...new Set(terms.filter((w) => w.length >= 2).flatMap((w) => (w.length > 2 && /^\p{Script=Han}+$/u.test(w) ? [w, ...[...w].slice(1).map((c, i) => w[i] + c)] : [w])))]
    .sort((a, b) => b.length - a.length || (a < b ? -1 : 1))
    .slice(0, INDEXED_WORDS);

type Indexable = Pick<Ticket, 'id' | 'home' | 'category' | 'title' | 'text' | 'location' | 'createdAt'>;

function entryKeys(t: Indexable): Key[] {
  const sk = `${t.createdAt}#${t.id}`;
  const terms = termsOf(`${t.title} ${t.text}`);
  return [
    ...(t.location ? [{ pk: geoPartition(t.home, t.category, geohash.encode(t.location.lat, t.location.lng, CELL_PRECISION)), sk }] : []),
    ...indexedWords(terms).map((w) => ({ pk: wordPartition(t.home, t.category, w), sk })),
  ];
}

/** The writes that add an open ticket to the index, or take it out: at most one cell and INDEXED_WORDS words. */
export function indexWrites(t: Indexable, op: 'put' | 'delete'): Write[] {
  const table = areaTable(t.home);
  const terms = termsOf(`${t.title} ${t.text}`);
  return entryKeys(t).map((key) =>
    op === 'put'
      ? { op, table, item: { ...key, id: t.id, home: t.home, terms, createdAt: t.createdAt, ...(t.location ? { lat: t.location.lat, lng: t.location.lng } : {}) } }
      : { op, table, key },
  );
}

/** Great-circle distance in metres (haversine; at 250 m its error is far below a GPS fix's). */
export function distanceM(a: Pick<Location, 'lat' | 'lng'>, b: Pick<Location, 'lat' | 'lng'>): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.sqrt(h));
}

export interface Comparable {
  terms: string[];
  location?: Pick<Location, 'lat' | 'lng'>;
}

export interface Match {
  score: number;
  /** Metres apart, when both have a location. */
  distanceM?: number;
  /** Words both texts use. */
  shared: string[];
  textSimilarity: number;
}

/**
 * How alike two tickets of one category are. Text: the cosine of their word sets. Where both have a location, a
 * ticket farther than RADIUS_M is another matter whatever it says, and nearness adds to the text's weight; without
 * one, the text alone decides.
 */
export function compare(a: Comparable, b: Comparable): Match {
  const bs = new Set(b.terms);
  const shared = a.terms.filter((w) => bs.has(w));
  const textSimilarity = a.terms.length && b.terms.length ? shared.length / Math.sqrt(a.terms.length * b.terms.length) : 0;
  if (a.location && b.location) {
    const d = distanceM(a.location, b.location);
    const near = d <= RADIUS_M ? 1 - d / RADIUS_M : -1;
    return { score: near < 0 ? 0 : 0.6 * textSimilarity + 0.4 * near, distanceM: Math.round(d), shared, textSimilarity };
  }
  return { score: textSimilarity, shared, textSimilarity };
}

export interface Suggestion extends Match {
  id: string;
  home: string;
  reason: { zh: string; en: string };
}

function reasonOf(m: Match) {
  const words = m.shared.slice(0, 6);
  const zh = [
    ...(m.distanceM !== undefined ? [`相距约 ${m.distanceM} 米`] : []),
    ...(words.length > 0 ? [`文字相近（${words.join('、')}，相似度 ${m.textSimilarity.toFixed(2)}）`] : []),
  ];
  const en = [
    ...(m.distanceM !== undefined ? [`about ${m.distanceM} m apart`] : []),
    ...(words.length > 0 ? [`similar text (${words.join(', ')}; similarity ${m.textSimilarity.toFixed(2)})`] : []),
  ];
  return { zh: `同一类别，${zh.join('，')}`, en: `same category, ${en.join(', ')}` };
}

/**
 * The cells the circle of RADIUS_M around a point touches: those covering its bounding box, which is smaller than a
 * cell both ways (500 m against 1.2 × 0.6 km), so at most four and most often one or two.
 */
function cellsAround(p: Pick<Location, 'lat' | 'lng'>): string[] {
  const dLat = RADIUS_M / 111_320;
  const dLng = RADIUS_M / (111_320 * Math.cos((p.lat * Math.PI) / 180));
  return geohash.bboxes(p.lat - dLat, p.lng - dLng, p.lat + dLat, p.lng + dLng, CELL_PRECISION);
}

/**
 * Open tickets that may describe the same matter as `t`, best first, at most `max`: at most 4 cell partitions and
 * INDEXED_WORDS word partitions read, each at most PER_PARTITION items within the window.
 */
export async function suggestDuplicates(deps: Pick<Deps, 'store'>, t: Indexable, max = 5): Promise<Suggestion[]> {
  const table = areaTable(t.home);
  const since = `${addCalendarDays(t.createdAt.slice(0, 10), -WINDOW_DAYS)}`;
  const until = `${t.createdAt}~`;
  const terms = termsOf(`${t.title} ${t.text}`);
  const partitions = [
    ...(t.location ? cellsAround(t.location).map((cell) => geoPartition(t.home, t.category, cell)) : []),
    ...indexedWords(terms).map((w) => wordPartition(t.home, t.category, w)),
  ];
  const pages = await Promise.all(
    partitions.map((pk) => deps.store.query({ table, pk, skBetween: [since, until], limit: PER_PARTITION, descending: true })),
  );
  const seen = new Map<string, Item>();
  for (const p of pages) for (const i of p.items) if (i.id !== t.id) seen.set(`${i.home}/${i.id}`, i);
  const me: Comparable = { terms, ...(t.location ? { location: t.location } : {}) };
  const out: Suggestion[] = [];
  for (const i of seen.values()) {
    const other: Comparable = { terms: i.terms as string[], ...(typeof i.lat === 'number' ? { location: { lat: i.lat, lng: i.lng as number } } : {}) };
    const m = compare(me, other);
    if (m.score >= SUGGEST_AT) out.push({ id: i.id as string, home: i.home as string, ...m, reason: reasonOf(m) });
  }
  return out.sort((a, b) => b.score - a.score || (a.distanceM ?? Infinity) - (b.distanceM ?? Infinity)).slice(0, max);
}
