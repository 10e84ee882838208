import { encodeTime } from 'ulid';
import { levelOf, prefixOf } from '../../shared/codes';
import type { Item, Store } from '../../shared/store/store';
import { addCalendarDays, CalendarCoverageError, type WorkingCalendar } from '../../shared/working-days';
import { chinaWorkingCalendar } from '../../tenants/calendars';
import { readSettings } from '../../tenants/settings';
import { readStats } from '../stats/rollup';
import { CATEGORY_IDS, type Category } from './categories';
import { docKey, documentSchema, draftPartition, lastPartition } from './documents';
import { KIND as REQUEST, REPLY_TYPES, type ReplyType } from './requests';

/**
 * Freshness (条例 Art. 26 and each column's update cadence): what a unit must publish soon or should have published
 * already, from its own small partitions (last publication per category, drafts by due date) and its effective
 * settings; the figures of its subtree come from the statistics roll-ups, so an upper tier sees its tree without
 * reading it.
 */

export const cadenceSetting = (c: Category) => `disclosure.cadence.${c}`;
export const WARN_SETTING = 'disclosure.warnBefore';

type State = 'ok' | 'due-soon' | 'overdue';

function stateOf(cal: WorkingCalendar, today: string, due: string, warn: number): State {
  if (today > due) return 'overdue';
  try {
    return cal.workingDaysBetween(today, due) <= warn ? 'due-soon' : 'ok';
  } catch (e) {
    if (e instanceof CalendarCoverageError) return 'ok';
    throw e;
  }
}

function addDays(cal: WorkingCalendar, from: string, days: number): string {
  try {
    return cal.addWorkingDays(from, days);
  } catch (e) {
    if (e instanceof CalendarCoverageError) return '9999-12-31';
    throw e;
  }
}

async function all(store: Store, table: ReturnType<typeof levelOf>, pk: string, max = 2_000): Promise<Item[]> {
  const out: Item[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.query({ table, pk, limit: 500, cursor });
    out.push(...page.items);
    cursor = page.cursor;
  } while (cursor && out.length < max);
  return out;
}

/**
 * The unit's columns that are stale or about to be (a category with a cadence, counted in working days since its
 * last publication or update) and its drafts past or near their Art. 26 deadline, each with who last worked on it:
 * the unit's own small partitions and its effective settings.
 */
export async function pending(store: Store, unit: string, today: string) {
  const [settings, last, drafts] = await Promise.all([
    readSettings(store, unit),
    all(store, levelOf(unit), lastPartition(unit)),
    all(store, levelOf(unit), draftPartition(unit)),
  ]);
  const cal = chinaWorkingCalendar(settings.effective.calendar);
  const { deadlines } = settings.effective;
  const warn = deadlines[WARN_SETTING] ?? 5;
  const columns = CATEGORY_IDS.flatMap((category) => {
    const cadence = deadlines[cadenceSetting(category)];
    const seen = last.find((l) => l.sk === category);
    // A column the unit has never published in, or one without a cadence, is not a column it keeps current.
    if (!cadence || !seen) return [];
    const staleOn = addDays(cal, seen.on as string, cadence);
    return [{ category, lastPublished: seen.on as string, cadence, staleOn, state: stateOf(cal, today, staleOn, warn), by: seen.by as string | undefined }];
  });
  const pendingDrafts = drafts.map((d) => ({
    id: d.id as string,
    title: d.title as string,
    category: d.category as Category,
    due: d.due as string,
    state: stateOf(cal, today, d.due as string, warn),
    by: d.by as string | undefined,
  }));
  return { warnBefore: warn, columns: columns.filter((c) => c.state !== 'ok'), drafts: pendingDrafts.filter((d) => d.state !== 'ok') };
}

/** What `pending` finds, and the subtree's publication figures over the last year with each child's. */
export async function freshness(store: Store, unit: string, today: string) {
  const [p, stats] = await Promise.all([pending(store, unit, today), readStats({ store }, unit, addCalendarDays(today, -365), today)]);
  const pick = (c: Record<string, number>) => ({ published: c['disclosure-published'] ?? 0, late: c['disclosure-late'] ?? 0 });
  const bare = <T extends { by?: string }>({ by: _by, ...rest }: T) => rest;
  return {
    unit,
    today,
    warnBefore: p.warnBefore,
    columns: p.columns.map(bare),
    drafts: p.drafts.map(bare),
    lastYear: {
      own: pick(stats.own),
      subtree: pick(stats.subtree),
      children: stats.children.map((c) => ({ code: c.code, name: c.name, ...pick(c.subtree) })),
    },
  };
}

/** ULIDs made in a China-local date range: their first ten characters are the time. */
const ulidRange = (fromDay: string, toDay: string): [string, string] => [
  encodeTime(Date.parse(`${fromDay}T00:00:00+08:00`), 10),
  `${encodeTime(Date.parse(`${toDay}T23:59:59.999+08:00`), 10)}~`,
];

async function range(store: Store, unit: string, pk: string, between: [string, string]) {
  const out: Item[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.query({ table: levelOf(unit), pk, skBetween: between, limit: 500, cursor });
    out.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  return out;
}

/**
 * The figures of a unit's 政府信息公开工作年度报告 for `year`, due 31 January of the next year (条例 Art. 50), from the
 * platform's own records: documents published that year by category (late ones apart), changed and withdrawn;
 * requests received, answered by reply type, extended, with a 补正, consulted on, late, and carried over.
 */
export async function annualReport(store: Store, unit: string, year: number) {
  const y = String(year);
  // Documents drafted up to a year before may be published in this one.
  const [docs, requests] = await Promise.all([
    range(store, unit, docKey(unit, '').pk, ulidRange(`${year - 1}-01-01`, `${year}-12-31`)),
    range(store, unit, `${prefixOf(unit)}#case`, ulidRange(`${year - 1}-01-01`, `${year}-12-31`).map((b) => `${REQUEST}/${b}`) as [string, string]),
  ]);
  const byCategory = Object.fromEntries(CATEGORY_IDS.map((c) => [c, { published: 0, late: 0 }])) as Record<Category, { published: number; late: number }>;
  let changed = 0;
  let withdrawn = 0;
  for (const item of docs) {
    const d = documentSchema.parse(item);
    if (d.publishedAt?.startsWith(y)) {
      byCategory[d.category].published++;
      if (d.late) byCategory[d.category].late++;
    }
    if (d.withdrawal?.at.startsWith(y)) withdrawn++;
    // Changed after its publication (and still up).
    if (d.publishedAt?.startsWith(y) && d.status === 'published' && d.updatedAt > d.publishedAt) changed++;
  }
  const replies = Object.fromEntries(REPLY_TYPES.map((t) => [t, 0])) as Record<ReplyType, number>;
  const r = { received: 0, carriedOver: 0, answered: 0, late: 0, extended: 0, corrections: 0, consultations: 0, abandoned: 0, escalated: 0, replies };
  for (const item of requests) {
    const data = item.data as Record<string, string>;
    const history = item.history as { action: string; at: string }[];
    if (item.escalatedFrom) continue;
    if (data.receivedOn?.startsWith(y)) {
      r.received++;
      if (!data.repliedOn || data.repliedOn > `${y}-12-31`) r.carriedOver++;
    }
    if (data.repliedOn?.startsWith(y)) {
      r.answered++;
      replies[(JSON.parse(data.reply!) as { type: ReplyType }).type]++;
      if (data.late) r.late++;
    }
    if (!data.receivedOn?.startsWith(y)) continue;
    if (data.extended) r.extended++;
    if (history.some((s) => s.action === 'correction')) r.corrections++;
    if (history.some((s) => s.action === 'consult')) r.consultations++;
    if (item.status === 'abandoned') r.abandoned++;
    if (item.escalatedTo) r.escalated++;
  }
  return { unit, year, due: `${year + 1}-01-31`, documents: { byCategory, changed, withdrawn }, requests: r };
}
