import * as z from '../shared/zod';
import { commitAudited } from '../shared/audit';
import type { Deps } from '../shared/deps';
import { ApiError, notFound } from '../shared/errors';
import type { Principal } from '../shared/roles';
import type { Item, Key, Store } from '../shared/store/store';
import { CalendarCoverageError, type DayInfo } from '../shared/working-days';
import { chinaWorkingCalendar } from './calendars';
import { ancestorCandidates, prefixOf } from '../shared/codes';
import { unitKey } from './unit';
import { worded } from '../shared/validation-messages';
import { roleSchema, type Role } from '../shared/roles';

/**
 * Per-unit settings, inherited down the tree: each unit stores only its own overrides, and what applies to a unit
 * is the national defaults overlaid by its ancestors' overrides from the province down, the nearest winning.
 *
 * A unit's overrides sit in the registry beside its unit item (not in its level table) so that the whole chain,
 * up to five units in up to five level tables, is one batch read of one table.
 */

const date = z.iso.date();
export const deadlineName = z.string().check(worded(z.regex(/^[a-zA-Z][a-zA-Z0-9.-]{0,63}$/), 'deadline_name'));
const workingDays = z.int().check(z.gte(0), z.lte(365));

/** The national defaults, in working days (政府信息公开条例 2019; 12345 and 好差评 norms where the State Council leaves them local). */
export const NATIONAL_DEADLINES: Readonly<Record<string, number>> = {
  'disclosure.proactive': 20,
  'disclosure.request': 20,
  'disclosure.extension': 20,
  'disclosure.correction': 7,
  'complaint.reply': 15,
  'consultation.reply': 3,
  signFor: 1,
  'badReview.rectify': 15,
  // How many working days before an application's due date a worklist shows it yellow: a local choice, two by
  // default as most provinces' 政务服务 rules warn at two or three days.
  'services.warnBefore': 2,
  // 诉求 (tickets): 国办发〔2020〕53号 leaves every time limit to the local hotline; these are common local values
  // (答复 of 求助 and 表扬 like a consultation's upper bound, 举报 and 建议 like a complaint's), to be overridden.
  'help.reply': 5,
  'report.reply': 15,
  'suggestion.reply': 15,
  'praise.reply': 5,
  /** 受理 to 派单, 答复 to 回访, 回访 to 办结 (the filer's 评价 in between). */
  'ticket.dispatch': 1,
  'ticket.callback': 3,
  'ticket.close': 5,
};

/**
 * Who may see 举报 (reports against officials) at a unit, unless its settings say otherwise: its admins. Reports
 * name officials and must stay with the few who handle them confidentially (the 检举人 is protected); a unit widens
 * or narrows this to its own discipline-inspection practice.
 */
export const NATIONAL_REPORT_ROLES: readonly Role[] = ['unit-admin', 'province-admin'];

export const NATIONAL = 'national';

export const contactSchema = z.strictObject({
  phone: z.optional(z.string().check(worded(z.regex(/^[0-9+() -]{3,32}$/), 'phone'))),
  address: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))),
  email: z.optional(z.email().check(z.maxLength(254))),
  hours: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))),
});
export type Contact = z.infer<typeof contactSchema>;

const siteText = (max: number) => z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(max)));

/**
 * What the 政府网站发展指引 (国办发〔2017〕47号) asks every page of a government site to show, set by the unit that runs
 * the site. Unset, the sponsor is the unit's own government (its name followed by 人民政府) and the filing numbers
 * are left off the page rather than invented; each key is inherited like any other, nearest wins.
 */
export const siteSchema = z.strictObject({
  /** 主办单位. */
  sponsor: siteText(100),
  /** 政府网站标识码, as 中央编办 issues it (10 digits: region code and serial). */
  siteCode: siteText(16),
  /** ICP 备案号, e.g. 浙ICP备05000000号. */
  icp: siteText(64),
  /** 公安机关备案号, e.g. 浙公网安备 33010602000000号. */
  psb: siteText(64),
  /** 党政机关网站标识: the address of its verification page, as 中央编办 issues it. */
  markUrl: siteText(300),
  /**
   * The lowest level that runs a site of its own (the 指引: from the county up, none for townships and villages);
   * units below it are shown inside the site of their ancestor at that level. The province's value decides.
   */
  hostLevel: z.optional(z.enum(['province', 'city', 'county'])),
});
export type Site = z.infer<typeof siteSchema>;
/** Nationally, every county runs the site that its townships and villages live in. */
export const NATIONAL_SITE_HOST_LEVEL = 'county';

/** The parts a unit may override; every part and every key in it is optional. */
export const overridesShape = {
  calendar: z.optional(
    z.strictObject({
      extraHolidays: z.optional(z.array(date).check(z.maxLength(100))),
      extraWorkdays: z.optional(z.array(date).check(z.maxLength(100))),
    }),
  ),
  deadlines: z.optional(z.record(deadlineName, workingDays)),
  contact: z.optional(contactSchema),
  site: z.optional(siteSchema),
  /** What happens to a case whose deadline passes: flagged only, or also escalated to the parent unit. */
  escalation: z.optional(z.strictObject({ onOverdue: z.optional(z.boolean()) })),
  /**
   * Tickets (诉求): deadlines in hours, which win over a deadline in working days of the same name (a hotline that
   * dispatches within 2 hours); the roles that see 举报; the department acting as the leader's office (领导信箱).
   */
  tickets: z.optional(
    z.strictObject({
      hours: z.optional(z.record(deadlineName, z.int().check(z.gte(1), z.lte(720)))),
      reportRoles: z.optional(z.array(roleSchema).check(z.minLength(1), z.maxLength(6))),
      leaderOffice: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
    }),
  ),
};
export const overridesSchema = z.object(overridesShape);
export type Overrides = z.infer<typeof overridesSchema>;

/** A date cannot be both an extra holiday and an extra workday of the same unit. */
export function calendarClashes(o: Overrides): string[] {
  const holidays = new Set(o.calendar?.extraHolidays ?? []);
  return [...new Set(o.calendar?.extraWorkdays ?? [])].filter((d) => holidays.has(d));
}

export const settingsSchema = z.object({
  calendar: z.object({ extraHolidays: z.array(date), extraWorkdays: z.array(date) }),
  deadlines: z.record(z.string(), z.int()),
  contact: contactSchema,
  site: siteSchema,
  escalation: z.object({ onOverdue: z.boolean() }),
  /** `leaderOffice` is not here: a department belongs to its unit, so it is read from the unit's own overrides. */
  tickets: z.object({ hours: z.record(z.string(), z.int()), reportRoles: z.array(z.string()) }),
});
export type Settings = z.infer<typeof settingsSchema>;

/** For every effective value, the unit it came from ('national' for the built-in defaults). */
export const sourcesSchema = z.object({
  calendar: z.record(z.string(), z.string()),
  deadlines: z.record(z.string(), z.string()),
  contact: z.record(z.string(), z.string()),
  site: z.record(z.string(), z.string()),
  escalation: z.record(z.string(), z.string()),
  tickets: z.record(z.string(), z.string()),
});
export type Sources = z.infer<typeof sourcesSchema>;

export const settingsKey = (code: string): Key => ({ pk: `${prefixOf(code)}#settings`, sk: 'settings' });

export interface UnitOverrides {
  unit: string;
  overrides: Overrides;
}

/**
 * Overlays the chain, province first: deadlines and contact per key, nearest wins; local calendar days are the
 * union of every level's, and when two levels disagree about one date the nearer one wins.
 */
export function merge(chain: UnitOverrides[]): { effective: Settings; sources: Sources } {
  const deadlines: Record<string, number> = { ...NATIONAL_DEADLINES };
  const sources: Sources = {
    calendar: {},
    deadlines: Object.fromEntries(Object.keys(deadlines).map((k) => [k, NATIONAL])),
    contact: {},
    site: { hostLevel: NATIONAL },
    escalation: { onOverdue: NATIONAL },
    tickets: { reportRoles: NATIONAL },
  };
  const tickets: Settings['tickets'] = { hours: {}, reportRoles: [...NATIONAL_REPORT_ROLES] };
  const contact: Record<string, string> = {};
  const site: Record<string, string> = { hostLevel: NATIONAL_SITE_HOST_LEVEL };
  // Nationally an overdue case is flagged to both sides, not moved: moving it is a local choice.
  const escalation = { onOverdue: false };
  const days = new Map<string, 'holiday' | 'workday'>();
  for (const { unit, overrides: o } of chain) {
    for (const [k, v] of Object.entries(o.deadlines ?? {})) {
      deadlines[k] = v;
      sources.deadlines[k] = unit;
    }
    for (const part of ['contact', 'site'] as const) {
      for (const [k, v] of Object.entries(o[part] ?? {})) {
        if (v === undefined) continue;
        (part === 'contact' ? contact : site)[k] = v;
        sources[part][k] = unit;
      }
    }
    if (o.escalation?.onOverdue !== undefined) {
      escalation.onOverdue = o.escalation.onOverdue;
      sources.escalation.onOverdue = unit;
    }
    for (const [k, v] of Object.entries(o.tickets?.hours ?? {})) {
      tickets.hours[k] = v;
      sources.tickets[`hours.${k}`] = unit;
    }
    if (o.tickets?.reportRoles) {
      tickets.reportRoles = o.tickets.reportRoles;
      sources.tickets.reportRoles = unit;
    }
    const mark = (d: string, kind: 'holiday' | 'workday') => {
      days.set(d, kind);
      sources.calendar[d] = unit;
    };
    for (const d of o.calendar?.extraHolidays ?? []) mark(d, 'holiday');
    for (const d of o.calendar?.extraWorkdays ?? []) mark(d, 'workday');
  }
  const pick = (kind: 'holiday' | 'workday') => [...days].filter(([, k]) => k === kind).map(([d]) => d).sort();
  return {
    effective: { calendar: { extraHolidays: pick('holiday'), extraWorkdays: pick('workday') }, deadlines, contact, site, escalation, tickets },
    sources,
  };
}

const toOverrides = (item: Item | undefined): Overrides => (item ? overridesSchema.parse(item.overrides) : {});

/** The unit's own overrides and version (0 before the first save) and its effective settings: one batch read. */
export async function readSettings(store: Store, code: string) {
  // Candidates are the codes an ancestor could have; only existing units ever have a settings item.
  const above = ancestorCandidates(code).reverse();
  const items = await store.getMany('registry', [unitKey(code), ...[...above, code].map(settingsKey)]);
  const find = (k: Key) => items.find((i) => i.pk === k.pk && i.sk === k.sk);
  if (!find(unitKey(code))) throw notFound();
  const chain = [...above, code].flatMap((unit) => {
    const item = find(settingsKey(unit));
    return item ? [{ unit, overrides: toOverrides(item) }] : [];
  });
  const own = find(settingsKey(code));
  return { unit: code, ...merge(chain), overrides: toOverrides(own), v: (own?.v as number | undefined) ?? 0 };
}

/** Sorted, without repeats, without empty parts: what is stored is what is shown. */
function tidy(o: Overrides): Overrides {
  const uniq = (a: string[] | undefined) => (a && a.length > 0 ? [...new Set(a)].sort() : undefined);
  const calendar = { extraHolidays: uniq(o.calendar?.extraHolidays), extraWorkdays: uniq(o.calendar?.extraWorkdays) };
  const defined = (part: object | undefined) => Object.fromEntries(Object.entries(part ?? {}).filter(([, v]) => v !== undefined));
  const contact = defined(o.contact);
  const site = defined(o.site);
  return JSON.parse(
    JSON.stringify({
      ...(calendar.extraHolidays || calendar.extraWorkdays ? { calendar } : {}),
      ...(o.deadlines && Object.keys(o.deadlines).length > 0 ? { deadlines: o.deadlines } : {}),
      ...(Object.keys(contact).length > 0 ? { contact } : {}),
      ...(Object.keys(site).length > 0 ? { site } : {}),
      ...(o.escalation?.onOverdue !== undefined ? { escalation: o.escalation } : {}),
      ...(o.tickets && Object.values(o.tickets).some((v) => v !== undefined) ? { tickets: o.tickets } : {}),
    }),
  ) as Overrides;
}

/** Replaces a unit's own overrides; `v` is the version last read (0 for none yet), a stale one is a 409. */
export async function putSettings(deps: Deps, actor: Principal, code: string, v: number, overrides: Overrides) {
  const clashes = calendarClashes(overrides);
  if (clashes.length > 0) {
    throw new ApiError('validation_failed', [
      {
        path: 'body.calendar.extraWorkdays',
        message: { zh: `${clashes.join('、')} 同时被列为假日和工作日`, en: `${clashes.join(', ')} listed both as holiday and as workday` },
      },
    ]);
  }
  const { store } = deps;
  const items = await store.getMany('registry', [unitKey(code), settingsKey(code)]);
  if (!items.some((i) => i.sk === 'unit')) throw notFound();
  const current = items.find((i) => i.sk === 'settings');
  const currentV = (current?.v as number | undefined) ?? 0;
  if (currentV !== v) throw new ApiError('conflict');
  const after = tidy(overrides);
  const updatedAt = deps.now().toISOString();
  await commitAudited(deps, deps.now(), code, { actor, action: 'settings.update', subject: 'settings', before: toOverrides(current), after }, [
    {
      op: 'put',
      table: 'registry',
      item: { ...settingsKey(code), unit: code, overrides: after, updatedAt, updatedBy: actor.sub, v: currentV + 1 },
      expect: current ? { version: currentV } : { absent: true },
    },
  ]);
  return { unit: code, overrides: after, v: currentV + 1, updatedAt };
}

export const dayInfoSchema = z.object({
  date: z.string(),
  working: z.boolean(),
  why: z.enum(['weekday', 'weekend', 'holiday', 'adjusted-workday', 'local-holiday', 'local-workday']),
  name: z.optional(z.string()),
  nameEn: z.optional(z.string()),
  /** The State Council notice, for national holidays and adjusted workdays. */
  source: z.optional(z.string()),
  /** The unit that declared a local day. */
  unit: z.optional(z.string()),
});

export const dueDateSchema = z.object({
  unit: z.string(),
  from: z.string(),
  days: z.int(),
  deadline: z.optional(z.string()),
  due: z.string(),
  /** Days passed over, and why. */
  skipped: z.array(dayInfoSchema),
  /** Days counted though not plain weekdays: 调休 weekends and local workdays. */
  workedDaysOff: z.array(dayInfoSchema),
});

/**
 * The date `days` working days after `from` (or the unit's effective default for a named deadline) on the
 * national calendar with the unit's inherited local days, with every day passed over and why.
 */
export async function dueDate(store: Store, code: string, from: string, ask: { days?: number; deadline?: string }) {
  if ((ask.days === undefined) === (ask.deadline === undefined)) {
    throw new ApiError('validation_failed', [
      { path: 'query.days', message: { zh: 'days 与 deadline 须且只须填写一个', en: 'give exactly one of days and deadline' } },
    ]);
  }
  const s = await readSettings(store, code);
  const { deadlines } = s.effective;
  // Own keys only: a deadline named `constructor` must not find Object.prototype's.
  const days = ask.deadline === undefined ? ask.days! : Object.hasOwn(deadlines, ask.deadline) ? deadlines[ask.deadline] : undefined;
  if (days === undefined) {
    throw new ApiError('validation_failed', [{ path: 'query.deadline', message: { zh: '没有这个期限名称', en: 'no deadline of this name' } }]);
  }
  let walk;
  try {
    walk = chinaWorkingCalendar(s.effective.calendar).explain(from, days);
  } catch (e) {
    if (!(e instanceof CalendarCoverageError)) throw e;
    const years = e.coveredYears.join('、');
    throw new ApiError('unprocessable', [], {
      zh: `工作日历只覆盖 ${years} 年，无法计算到 ${e.date}`,
      en: `The working-day calendar covers ${e.coveredYears.join(', ')} only; cannot count to ${e.date}`,
    });
  }
  const local = (d: DayInfo) => (d.why.startsWith('local-') ? { ...d, unit: s.sources.calendar[d.date] } : d);
  return {
    unit: code,
    from,
    days,
    ...(ask.deadline ? { deadline: ask.deadline } : {}),
    due: walk.due,
    skipped: walk.skipped.map(local),
    workedDaysOff: walk.counted.filter((d) => d.why !== 'weekday').map(local),
  };
}
