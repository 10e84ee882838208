import * as z from './zod';

/**
 * Working days in mainland China: Monday to Friday, less the statutory holidays, plus the weekend days
 * the State Council moves work to (调休上班). Each year's arrangement comes from that year's notice of the
 * General Office of the State Council and is shipped as data (tenants/calendars); nothing is guessed, so a
 * date in a year without data is an error, not a plain weekday.
 *
 * Dates are China-local calendar dates written YYYY-MM-DD; the machine's time zone never enters.
 */

// ---------------------------------------------------------------- dates

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** A YYYY-MM-DD string naming a real calendar date. */
export function isIsoDate(s: string): boolean {
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

function dayNumber(date: string): number {
  if (!isIsoDate(date)) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  return Date.parse(`${date}T00:00:00Z`) / DAY_MS;
}

const fromDayNumber = (n: number): string => new Date(n * DAY_MS).toISOString().slice(0, 10);

/** `date` moved by `days` calendar days. */
export const addCalendarDays = (date: string, days: number): string => fromDayNumber(dayNumber(date) + days);

/** 0 = Sunday … 6 = Saturday. */
export const dayOfWeek = (date: string): number => new Date(dayNumber(date) * DAY_MS).getUTCDay();

const isWeekend = (date: string) => {
  const d = dayOfWeek(date);
  return d === 0 || d === 6;
};

/** The calendar date in China (UTC+8, no daylight saving) at `instant`. */
export function toChinaDate(instant: Date): string {
  const t = instant.getTime();
  if (Number.isNaN(t)) throw new RangeError('invalid Date');
  return new Date(t + 8 * 3_600_000).toISOString().slice(0, 10);
}

// ---------------------------------------------------------------- data

const isoDateSchema = z.string().check(z.refine(isIsoDate, { message: 'expected a real date written YYYY-MM-DD' }));

/** Dates a year's notice may name: that year, or the end of the previous one (元旦 2019 began 2018-12-30). */
const belongsTo = (date: string, year: number) => date.startsWith(`${year}-`) || date.startsWith(`${year - 1}-12-`);

/** One year's arrangement, as published in the State Council General Office's notice. */
export const calendarYearSchema = z
  .strictObject({
    year: z.int().check(z.gte(2000), z.lte(2100)),
    source: z.strictObject({
      /** 国务院办公厅关于YYYY年部分节假日安排的通知 */
      title: z.string().check(z.minLength(1)),
      /** Document number, e.g. 国办发明电〔2025〕7号 */
      number: z.string().check(z.minLength(1)),
      /** The notice on an official site (gov.cn). */
      url: z.url({ protocol: /^https$/, hostname: /(^|\.)gov\.cn$/ }),
      published: isoDateSchema,
    }),
    /** Ranges of days off, both ends included. */
    holidays: z
      .array(
        z.strictObject({
          name: z.string().check(z.minLength(1)),
          nameEn: z.string().check(z.minLength(1)),
          from: isoDateSchema,
          to: isoDateSchema,
        }),
      )
      .check(z.minLength(1)),
    /** Weekend days that are working days (调休上班). */
    workdays: z.array(isoDateSchema),
  })
  .check(
    z.superRefine((y, ctx) => {
      const off = new Set<string>();
      y.holidays.forEach((h, i) => {
        if (!isIsoDate(h.from) || !isIsoDate(h.to)) return;
        if (h.from > h.to) ctx.addIssue({ code: 'custom', path: ['holidays', i, 'to'], message: 'ends before it begins' });
        else if (dayNumber(h.to) - dayNumber(h.from) > 14) ctx.addIssue({ code: 'custom', path: ['holidays', i, 'to'], message: 'longer than 15 days' });
        else
          for (let d = h.from; d <= h.to; d = addCalendarDays(d, 1)) {
            if (off.has(d)) ctx.addIssue({ code: 'custom', path: ['holidays', i], message: `${d} is in two holidays` });
            off.add(d);
          }
        for (const k of ['from', 'to'] as const)
          if (!belongsTo(h[k], y.year)) ctx.addIssue({ code: 'custom', path: ['holidays', i, k], message: `not in ${y.year}` });
      });
      const seen = new Set<string>();
      y.workdays.forEach((d, i) => {
        if (!isIsoDate(d)) return;
        const path = ['workdays', i];
        if (!belongsTo(d, y.year)) ctx.addIssue({ code: 'custom', path, message: `not in ${y.year}` });
        if (!isWeekend(d)) ctx.addIssue({ code: 'custom', path, message: `${d} is a weekday already` });
        if (off.has(d)) ctx.addIssue({ code: 'custom', path, message: `${d} is also a holiday` });
        if (seen.has(d)) ctx.addIssue({ code: 'custom', path, message: `${d} is listed twice` });
        seen.add(d);
      });
    }),
  );

export type CalendarYear = z.infer<typeof calendarYearSchema>;

// ---------------------------------------------------------------- calendar

/** Asked about a date in a year the calendar has no arrangement for. */
export class CalendarCoverageError extends Error {
  readonly code = 'calendar_not_covered';
  constructor(
    readonly date: string,
    readonly coveredYears: readonly number[],
  ) {
    super(`no working-day calendar for ${date}; covered years: ${coveredYears.join(', ') || 'none'}`);
    this.name = 'CalendarCoverageError';
  }
}

/** Why a day is or is not a working day. */
export type DayKind =
  /** Monday to Friday, no holiday. */
  | 'weekday'
  /** Saturday or Sunday. */
  | 'weekend'
  /** A statutory holiday (or a weekend inside its range) from the State Council notice. */
  | 'holiday'
  /** A weekend day worked in exchange for a holiday (调休上班). */
  | 'adjusted-workday'
  /** A day off added for this calendar (e.g. a local holiday of an autonomous region). */
  | 'local-holiday'
  /** A working day added for this calendar. */
  | 'local-workday';

export interface DayInfo {
  date: string;
  working: boolean;
  why: DayKind;
  /** zh-CN holiday name, for 'holiday'. */
  name?: string;
  nameEn?: string;
  /** Document number of the notice the day's status comes from, for 'holiday' and 'adjusted-workday'. */
  source?: string;
}

export interface Explanation {
  start: string;
  n: number;
  due: string;
  /** Working days counted, in order; the last is `due`. */
  counted: DayInfo[];
  /** Days passed over between `start` and `due`, and why. */
  skipped: DayInfo[];
}

export interface CalendarOverrides {
  /** Extra days off, e.g. a regional holiday; they win over adjusted workdays. */
  extraHolidays?: string[];
  /** Extra working days; they win over everything. */
  extraWorkdays?: string[];
}

interface Special {
  working: boolean;
  why: 'holiday' | 'adjusted-workday';
  name?: string;
  nameEn?: string;
  source: string;
}

export class WorkingCalendar {
  private readonly years: ReadonlySet<number>;
  private readonly special = new Map<string, Special>();
  private readonly extraHolidays: ReadonlySet<string>;
  private readonly extraWorkdays: ReadonlySet<string>;

  /** `years` as `calendarYearSchema` parsed them: checked once where the data enters, not on every calendar built. */
  constructor(years: readonly CalendarYear[], overrides: CalendarOverrides = {}) {
    const covered = new Set<number>();
    for (const y of years) {
      if (covered.has(y.year)) throw new Error(`calendar year ${y.year} given twice`);
      covered.add(y.year);
      const put = (date: string, s: Special) => {
        const before = this.special.get(date);
        if (before && before.working !== s.working) throw new Error(`${date} is both a holiday and a working day`);
        if (!before) this.special.set(date, s);
      };
      for (const h of y.holidays)
        for (let d = h.from; d <= h.to; d = addCalendarDays(d, 1))
          put(d, { working: false, why: 'holiday', name: h.name, nameEn: h.nameEn, source: y.source.number });
      for (const d of y.workdays) put(d, { working: true, why: 'adjusted-workday', source: y.source.number });
    }
    this.years = covered;
    const extraHolidays = overrides.extraHolidays ?? [];
    const extraWorkdays = overrides.extraWorkdays ?? [];
    for (const d of [...extraHolidays, ...extraWorkdays]) if (!isIsoDate(d)) throw new RangeError(`not a YYYY-MM-DD date: ${d}`);
    const both = extraHolidays.find((d) => extraWorkdays.includes(d));
    if (both) throw new Error(`${both} is both an extra holiday and an extra workday`);
    this.extraHolidays = new Set(extraHolidays);
    this.extraWorkdays = new Set(extraWorkdays);
  }

  /** Years with an arrangement, ascending. */
  get coveredYears(): number[] {
    return [...this.years].sort((a, b) => a - b);
  }

  /** Whether `date` falls in a covered year. */
  covers(date: string): boolean {
    dayNumber(date);
    return this.years.has(Number(date.slice(0, 4)));
  }

  /** What kind of day `date` is; throws {@link CalendarCoverageError} outside the covered years. */
  describe(date: string): DayInfo {
    if (!this.covers(date)) throw new CalendarCoverageError(date, this.coveredYears);
    if (this.extraWorkdays.has(date)) return { date, working: true, why: 'local-workday' };
    if (this.extraHolidays.has(date)) return { date, working: false, why: 'local-holiday' };
    const s = this.special.get(date);
    if (s) return { date, ...s };
    return isWeekend(date) ? { date, working: false, why: 'weekend' } : { date, working: true, why: 'weekday' };
  }

  isWorkingDay(date: string): boolean {
    return this.describe(date).working;
  }

  /**
   * The date `n` working days after `start`: counting begins the day after `start` (whatever `start` is),
   * so n = 1 is the next working day and n = 0 is `start` itself.
   * Throws {@link CalendarCoverageError} if counting runs past the covered years.
   */
  addWorkingDays(start: string, n: number): string {
    return this.walk(start, n, false).due;
  }

  /** {@link addWorkingDays} with every day counted and passed over, for showing a citizen how the date was reached. */
  explain(start: string, n: number): Explanation {
    return this.walk(start, n, true);
  }

  /**
   * Working days in (a, b]: after `a`, up to and including `b`; negative when `b` is before `a`.
   * So `workingDaysBetween(d, addWorkingDays(d, n)) === n`.
   */
  workingDaysBetween(a: string, b: string): number {
    const [da, db] = [dayNumber(a), dayNumber(b)];
    if (db < da) return -this.workingDaysBetween(b, a);
    let count = 0;
    for (let t = da + 1; t <= db; t++) if (this.isWorkingDay(fromDayNumber(t))) count++;
    return count;
  }

  private walk(start: string, n: number, record: boolean): Explanation {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`working days to add must be a whole number ≥ 0, got ${n}`);
    let t = dayNumber(start);
    const counted: DayInfo[] = [];
    const skipped: DayInfo[] = [];
    let due = start;
    for (let left = n; left > 0; ) {
      const info = this.describe(fromDayNumber(++t));
      if (info.working) {
        left--;
        due = info.date;
        if (record) counted.push(info);
      } else if (record) skipped.push(info);
    }
    return { start, n, due, counted, skipped };
  }
}
