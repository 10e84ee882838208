import { ancestorCandidates, levelOf, prefixOf } from '../../shared/codes';
import type { Deps } from '../../shared/deps';
import { ApiError } from '../../shared/errors';
import { ConditionFailed, MAX_TRANSACTION, type Item, type Key, type Store, type Write } from '../../shared/store/store';
import type { TableId } from '../../shared/resources';
import { fold, words } from '../../shared/text/words';

/**
 * Full-text search over published documents (and, through `indexEntry`, any other public text such as answered
 * questions), kept in the store: an inverted index with one posting item per word and entry, in a partition per
 * province and word (`33#ft#预算`), sorted by the entry's unit code so that a subtree is one key prefix. A query reads
 * the postings of its few words in the asked subtree, ranks with BM25 and reads the page's entries for highlights.
 * Words come from `shared/text/words.ts` (ICU segmentation, offline). No per-unit service, nothing to keep running.
 */

export type EntryKind = 'doc' | 'qa';

/** What is indexed: a document, a public question and answer, any public text of a unit. */
export interface Searchable {
  kind: EntryKind;
  id: string;
  /** The unit it belongs to (the issuer, the unit that answered). */
  unit: string;
  title: string;
  body: string;
  category: string;
  /** YYYY-MM-DD, for date filters. */
  date: string;
  /** The units below `unit` it applies to, for searches made there: levels, and units by name. */
  reach?: { levels: string[]; units: string[] };
}

/** Function words that match nearly everything and rank nothing. */
const STOP = new Set(['的', '了', '和', '与', '及', '是', '在', '对', '为', '等', '中', '将', '并', '或', '把', '被', '之', '于', '以', '其', 'a', 'the', 'of', 'and']);
/** Title words count as this many body words. */
const TITLE_WEIGHT = 3;
/** Text kept with an entry for highlighting. */
const SNIPPET_SOURCE = 5_000;
const STAT_SHARDS = 16;
/** BM25's usual constants. */
const K1 = 1.2;
const B = 0.75;
/** A word is read up to this many postings: beyond it, it says little about relevance. */
export const MAX_POSTINGS = 20_000;
export const MAX_QUERY_WORDS = 8;
/** How many leading candidates are re-ranked on their text. */
const RERANK = 30;
/** Text compared as typed: folded, without spaces or punctuation. */
const squeeze = (text: string) => fold(text).replace(/[^\p{L}\p{N}]+/gu, '');

const province2 = (unit: string) => unit.slice(0, 2);
const ref = (e: Pick<Searchable, 'kind' | 'id'>) => `${e.kind}:${e.id}`;
export const postingPartition = (unit: string, word: string) => `${province2(unit)}#ft#${word}`;
const postingKey = (e: Pick<Searchable, 'kind' | 'id' | 'unit'>, word: string): Key => ({ pk: postingPartition(e.unit, word), sk: `${e.unit}#${ref(e)}` });
/** The entry's own record of what it indexed (to remove exactly that later) and its text for highlights. */
const entryKey = (e: Pick<Searchable, 'kind' | 'id' | 'unit'>): Key => ({ pk: `${prefixOf(e.unit)}#ft-entry`, sk: ref(e) });
const statsPartition = (unit: string) => `${province2(unit)}#ft-stats`;

/** Reach in a posting, compact: `county,village;330106004001`. */
const reachCode = (r: { levels: string[]; units: string[] }) => `${r.levels.join(',')};${r.units.join(',')}`;
function reaches(code: string | undefined, unit: string): boolean {
  if (!code) return false;
  const [levels = '', units = ''] = code.split(';');
  return levels.split(',').includes(levelOf(unit)) || units.split(',').includes(unit);
}

export const searchWords = (text: string) => words(text).filter((w) => !STOP.has(w));

function termFrequencies(e: Pick<Searchable, 'title' | 'body'>) {
  const tf = new Map<string, number>();
  for (const w of searchWords(e.title)) tf.set(w, (tf.get(w) ?? 0) + TITLE_WEIGHT);
  let length = 0;
  for (const w of searchWords(e.body)) {
    tf.set(w, (tf.get(w) ?? 0) + 1);
    length++;
  }
  return { tf, length: length + TITLE_WEIGHT * searchWords(e.title).length };
}

/** Adds to the province's document count and total length, on one of a few shards so concurrent writers rarely meet. */
async function addStats(store: Store, unit: string, docs: number, length: number) {
  for (let attempt = 0; attempt < 20; attempt++) {
    const key = { pk: statsPartition(unit), sk: String(Math.floor(Math.random() * STAT_SHARDS)).padStart(2, '0') };
    const cur = await store.get('province', key);
    const v = (cur?.v as number | undefined) ?? 0;
    const item = { ...key, docs: ((cur?.docs as number | undefined) ?? 0) + docs, length: ((cur?.length as number | undefined) ?? 0) + length, v: v + 1 };
    try {
      await store.write({ op: 'put', table: 'province', item, expect: cur ? { version: v } : { absent: true } });
      return;
    } catch (e) {
      if (!(e instanceof ConditionFailed)) throw e;
    }
  }
  throw new ApiError('conflict');
}

async function deleteAll(store: Store, table: TableId, keys: Key[]) {
  for (let i = 0; i < keys.length; i += MAX_TRANSACTION) {
    await store.transact(keys.slice(i, i + MAX_TRANSACTION).map((key): Write => ({ op: 'delete', table, key })));
  }
}

/**
 * Indexes an entry, or indexes it again after a change: postings of words it no longer has are removed. Writing the
 * same entry twice leaves the same postings, so a retry after a failure is safe. Exported for other capabilities'
 * public texts (questions answered in public, for one).
 */
export async function indexEntry(deps: Pick<Deps, 'store'>, e: Searchable): Promise<{ words: number }> {
  const { store } = deps;
  const { tf, length } = termFrequencies(e);
  const before = await store.get(levelOf(e.unit), entryKey(e));
  const old = (before?.words as string[] | undefined) ?? [];
  const gone = old.filter((w) => !tf.has(w));
  await store.putMany(
    'province',
    [...tf].map(([w, n]) => ({ ...postingKey(e, w), tf: n, dl: length, c: e.category, d: e.date, ...(e.reach ? { r: reachCode(e.reach) } : {}) })),
  );
  await deleteAll(store, 'province', gone.map((w) => postingKey(e, w)));
  await store.write({
    op: 'put',
    table: levelOf(e.unit),
    item: { ...entryKey(e), kind: e.kind, id: e.id, unit: e.unit, title: e.title, body: e.body.slice(0, SNIPPET_SOURCE), category: e.category, date: e.date, words: [...tf.keys()], dl: length },
  });
  await addStats(store, e.unit, before ? 0 : 1, length - ((before?.dl as number | undefined) ?? 0));
  return { words: tf.size };
}

/** Removes an entry's postings and its record; removing one not indexed changes nothing. */
export async function removeEntry(deps: Pick<Deps, 'store'>, e: Pick<Searchable, 'kind' | 'id' | 'unit'>) {
  const { store } = deps;
  const before = await store.get(levelOf(e.unit), entryKey(e));
  if (!before) return;
  await deleteAll(store, 'province', (before.words as string[]).map((w) => postingKey(e, w)));
  await store.write({ op: 'delete', table: levelOf(e.unit), key: entryKey(e) });
  await addStats(store, e.unit, -1, -(before.dl as number));
}

/** A published document as a search entry (its text is the original's when it is a reference). */
export const indexDocument = (
  deps: Pick<Deps, 'store'>,
  d: { id: string; issuer: string; title: string; category: string; subjects: string[]; publishedAt?: string; reach: { levels: string[]; units: string[] } },
  body: string,
) =>
  indexEntry(deps, {
    kind: 'doc',
    id: d.id,
    unit: d.issuer,
    title: d.title,
    body: `${d.subjects.join(' ')}\n${body}`,
    category: d.category,
    date: (d.publishedAt ?? '').slice(0, 10),
    reach: d.reach,
  });
export const unindexDocument = (deps: Pick<Deps, 'store'>, d: { id: string; issuer: string }) => removeEntry(deps, { kind: 'doc', id: d.id, unit: d.issuer });

// ---------------------------------------------------------------- querying

export interface SearchQuery {
  q: string;
  /** Where it is searched: the unit's and its descendants' entries, and, with `above`, its ancestors' that apply to it. */
  unit: string;
  above: boolean;
  category?: string;
  kind?: EntryKind;
  from?: string;
  to?: string;
  limit: number;
  offset: number;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Marks every query word in `text` with <mark>, the rest HTML-escaped; `window` cuts the text to that many
 * characters around the first match. Matching is on folded text (full-width, case), which keeps lengths for CJK.
 */
export function highlight(text: string, terms: string[], window?: number): string {
  if (terms.length === 0) return escapeHtml(window ? text.slice(0, window) : text);
  const re = new RegExp(terms.sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'), 'gu');
  const folded = fold(text);
  const same = folded.length === text.length;
  const source = same ? text : folded;
  let start = 0;
  let end = source.length;
  if (window) {
    const first = folded.search(re);
    start = Math.max(0, (first < 0 ? 0 : first) - Math.floor(window / 3));
    end = Math.min(source.length, start + window);
  }
  const part = source.slice(start, end);
  const foldedPart = folded.slice(start, end);
  let out = '';
  let at = 0;
  for (const m of foldedPart.matchAll(re)) {
    out += escapeHtml(part.slice(at, m.index)) + `<mark>${escapeHtml(part.slice(m.index, m.index + m[0].length))}</mark>`;
    at = m.index + m[0].length;
  }
  out += escapeHtml(part.slice(at));
  return (start > 0 ? '…' : '') + out + (end < source.length ? '…' : '');
}

export async function search(store: Store, q: SearchQuery) {
  const terms = [...new Set(searchWords(q.q))].slice(0, MAX_QUERY_WORDS);
  if (terms.length === 0) {
    throw new ApiError('validation_failed', [{ path: 'query.q', message: { zh: '请输入要查找的词语', en: 'give at least one word to search for' } }]);
  }
  // The subtree is one key prefix; each ancestor's own entries another, kept only where they reach the unit.
  const ranges = [{ prefix: prefixOf(q.unit), above: false }, ...(q.above ? ancestorCandidates(q.unit) : []).map((a) => ({ prefix: `${a}#`, above: true }))];
  const [postings, stats] = await Promise.all([
    Promise.all(
      terms.map(async (t) => {
        const out: Item[] = [];
        for (const r of ranges) {
          let cursor: string | undefined;
          do {
            const page = await store.query({ table: 'province', pk: postingPartition(q.unit, t), skBeginsWith: r.prefix, limit: 1000, cursor });
            out.push(...(r.above ? page.items.filter((p) => reaches(p.r as string | undefined, q.unit)) : page.items));
            cursor = page.cursor;
          } while (cursor && out.length < MAX_POSTINGS);
        }
        return out;
      }),
    ),
    store.query({ table: 'province', pk: statsPartition(q.unit), limit: STAT_SHARDS }),
  ]);
  const docs = Math.max(1, stats.items.reduce((s, i) => s + (i.docs as number), 0));
  const avgdl = Math.max(1, stats.items.reduce((s, i) => s + (i.length as number), 0) / docs);
  const scores = new Map<string, { score: number; date: string }>();
  postings.forEach((list) => {
    const kept = list.filter(
      (p) =>
        (!q.category || p.c === q.category) &&
        (!q.kind || (p.sk as string).includes(`#${q.kind}:`)) &&
        (!q.from || (p.d as string) >= q.from) &&
        (!q.to || (p.d as string) <= q.to),
    );
    const idf = Math.log(1 + (docs - kept.length + 0.5) / (kept.length + 0.5));
    for (const p of kept) {
      const tf = p.tf as number;
      const s = (idf * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * (p.dl as number)) / avgdl));
      const cur = scores.get(p.sk as string);
      scores.set(p.sk as string, { score: (cur?.score ?? 0) + s, date: p.d as string });
    }
  });
  const order = (a: [string, { score: number; date: string }], b: [string, { score: number; date: string }]) =>
    b[1].score - a[1].score || (a[1].date < b[1].date ? 1 : a[1].date > b[1].date ? -1 : 0) || (a[0] < b[0] ? -1 : 1);
  const ranked = [...scores].sort(order);
  // The leading candidates' entries (needed for the page's highlights anyway) re-rank them: the query's words
  // together, as typed, in the title or the text weigh more than the same words scattered.
  const window = ranked.slice(0, Math.max(RERANK, q.offset + q.limit));
  const wanted = window.map(([sk]) => {
    const [unit, r] = sk.split('#') as [string, string];
    const [kind, id] = r.split(':') as [EntryKind, string];
    return { table: levelOf(unit), key: entryKey({ kind, id, unit }) };
  });
  const byTable = new Map<TableId, Key[]>();
  for (const w of wanted) byTable.set(w.table, [...(byTable.get(w.table) ?? []), w.key]);
  const entries = new Map(
    (await Promise.all([...byTable].map(([t, keys]) => store.getMany(t, keys)))).flat().map((e) => [`${e.unit as string}#${e.sk}`, e]),
  );
  const phrase = squeeze(q.q);
  const top = ranked[0]?.[1].score ?? 0;
  const reranked = window.slice(0, RERANK).map(([sk, v]): [string, { score: number; date: string }] => {
    const e = entries.get(sk);
    const bonus = e ? (squeeze(e.title as string).includes(phrase) ? top * 0.5 : 0) + (squeeze(e.body as string).includes(phrase) ? top * 0.25 : 0) : 0;
    return [sk, { ...v, score: v.score + bonus }];
  });
  const final = [...reranked.sort(order), ...ranked.slice(reranked.length)];
  const page = final.slice(q.offset, q.offset + q.limit);
  const items = page.flatMap(([sk, { score }]) => {
    const e = entries.get(sk);
    if (!e) return [];
    return [
      {
        kind: e.kind as EntryKind,
        id: e.id as string,
        unit: e.unit as string,
        category: e.category as string,
        date: e.date as string,
        score: Math.round(score * 1000) / 1000,
        title: highlight(e.title as string, terms),
        snippet: highlight(e.body as string, terms, 120),
      },
    ];
  });
  return { total: ranked.length, words: terms, items, ...(q.offset + q.limit < ranked.length ? { next: q.offset + q.limit } : {}) };
}
