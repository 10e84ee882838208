import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  CalendarCoverageError,
  WorkingCalendar,
  addCalendarDays,
  calendarYearSchema,
  dayOfWeek,
  toChinaDate,
  type CalendarYear,
} from '../../shared/working-days';
import { chinaCalendarYears, chinaWorkingCalendar } from '../../tenants/calendars';
import cn2025 from '../../tenants/calendars/cn-2025.json' with { type: 'json' };
import cn2026 from '../../tenants/calendars/cn-2026.json' with { type: 'json' };

const cal = chinaWorkingCalendar();
const [CN_2025, CN_2026] = chinaCalendarYears() as [CalendarYear, CalendarYear];

/** Every day of a year that is off although Monday–Friday, or on although Saturday/Sunday. */
function exceptions(year: number) {
  const off: string[] = [];
  const on: string[] = [];
  for (let d = `${year}-01-01`; d <= `${year}-12-31`; d = addCalendarDays(d, 1)) {
    const weekend = [0, 6].includes(dayOfWeek(d));
    if (weekend && cal.isWorkingDay(d)) on.push(d);
    if (!weekend && !cal.isWorkingDay(d)) off.push(d);
  }
  return { off, on };
}

describe('shipped calendars', () => {
  it('validate against the schema and cite their notices', () => {
    expect(calendarYearSchema.parse(cn2025)).toEqual(CN_2025);
    expect(calendarYearSchema.parse(cn2026)).toEqual(CN_2026);
    expect(chinaCalendarYears().map((y) => [y.year, y.source.number, y.source.published])).toEqual([
      [2025, '国办发明电〔2024〕12号', '2024-11-12'],
      [2026, '国办发明电〔2025〕7号', '2025-11-04'],
    ]);
    expect(cal.coveredYears).toEqual([2025, 2026]);
  });

  // Listed day by day, independently of the ranges in the JSON, from the notices' text.
  it('2025 matches 国办发明电〔2024〕12号 day by day', () => {
    expect(exceptions(2025)).toEqual({
      off: [
        '2025-01-01',
        '2025-01-28', '2025-01-29', '2025-01-30', '2025-01-31', '2025-02-03', '2025-02-04',
        '2025-04-04',
        '2025-05-01', '2025-05-02', '2025-05-05',
        '2025-06-02',
        '2025-10-01', '2025-10-02', '2025-10-03', '2025-10-06', '2025-10-07', '2025-10-08',
      ],
      on: ['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11'],
    });
  });

  it('2026 matches 国办发明电〔2025〕7号 day by day', () => {
    expect(exceptions(2026)).toEqual({
      off: [
        '2026-01-01', '2026-01-02',
        '2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20', '2026-02-23',
        '2026-04-06',
        '2026-05-01', '2026-05-04', '2026-05-05',
        '2026-06-19',
        '2026-09-25',
        '2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07',
      ],
      on: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
    });
  });

  it('the schema rejects inconsistent data', () => {
    const base = structuredClone(cn2026) as CalendarYear;
    const bad = (patch: (y: CalendarYear) => void) => {
      const y = structuredClone(base);
      patch(y);
      return calendarYearSchema.safeParse(y).success;
    };
    expect(bad(() => {})).toBe(true);
    expect(bad((y) => (y.workdays[0] = '2026-01-05'))).toBe(false); // a Monday
    expect(bad((y) => y.workdays.push('2026-02-15'))).toBe(false); // inside 春节
    expect(bad((y) => (y.holidays[0]!.to = '2025-12-31'))).toBe(false); // ends before it begins
    expect(bad((y) => (y.holidays[0]!.from = '2026-02-30'))).toBe(false);
    expect(bad((y) => (y.holidays[6]!.to = '2027-01-01'))).toBe(false); // another year
    expect(bad((y) => (y.holidays[1]!.from = '2026-01-03'))).toBe(false); // overlaps 元旦, and too long
    expect(bad((y) => (y.source.url = 'https://example.com/notice'))).toBe(false);
    expect(bad((y) => Object.assign(y, { extra: 1 }))).toBe(false);
  });
});

describe('WorkingCalendar', () => {
  it('adjusted weekend workdays are working days; holidays are not', () => {
    expect(cal.isWorkingDay('2025-09-28')).toBe(true); // Sunday, worked for 国庆
    expect(cal.isWorkingDay('2025-10-11')).toBe(true); // Saturday
    expect(cal.isWorkingDay('2025-10-08')).toBe(false); // Wednesday, 国庆/中秋
    expect(cal.isWorkingDay('2025-10-04')).toBe(false);
    expect(cal.isWorkingDay('2025-07-01')).toBe(true);
    expect(cal.isWorkingDay('2025-07-05')).toBe(false); // ordinary Saturday
  });

  it('counts from the next working day', () => {
    expect(cal.addWorkingDays('2025-09-30', 1)).toBe('2025-10-09');
    expect(cal.addWorkingDays('2025-09-30', 0)).toBe('2025-09-30');
    expect(cal.addWorkingDays('2026-02-13', 1)).toBe('2026-02-14'); // Saturday workday before 春节
    expect(cal.addWorkingDays('2026-02-13', 2)).toBe('2026-02-24');
    expect(cal.addWorkingDays('2025-07-05', 1)).toBe('2025-07-07'); // from a Saturday
    expect(cal.addWorkingDays('2025-12-31', 1)).toBe('2026-01-04'); // 元旦 1–3, then Sunday worked
  });

  it('20 working days', () => {
    // 2025-09-22 (Mon) + 20: 09-23…09-30 (7, with Sun 09-28), 10-09…10-11 (3, with Sat 10-11), 10-13…10-17 (5), 10-20…10-24 (5).
    expect(cal.addWorkingDays('2025-09-22', 20)).toBe('2025-10-24');
    expect(cal.workingDaysBetween('2025-09-22', '2025-10-24')).toBe(20);
    // 2026-02-02 (Mon) + 20 over 春节: 02-03…02-06 (4), 02-09…02-13 (5), 02-14 (1), 02-24…02-27 (4), 02-28 (1), 03-02…03-06 (5).
    expect(cal.addWorkingDays('2026-02-02', 20)).toBe('2026-03-06');
    // An ordinary stretch: four weeks.
    expect(cal.addWorkingDays('2025-07-07', 20)).toBe('2025-08-04');
  });

  it('workingDaysBetween counts (a, b] and is antisymmetric', () => {
    expect(cal.workingDaysBetween('2025-09-30', '2025-10-09')).toBe(1);
    expect(cal.workingDaysBetween('2025-10-09', '2025-09-30')).toBe(-1);
    expect(cal.workingDaysBetween('2025-10-01', '2025-10-01')).toBe(0);
  });

  it('explains why the deadline falls where it does', () => {
    const e = cal.explain('2026-02-12', 3);
    expect(e.due).toBe('2026-02-24');
    expect(e.counted.map((d) => [d.date, d.why])).toEqual([
      ['2026-02-13', 'weekday'],
      ['2026-02-14', 'adjusted-workday'],
      ['2026-02-24', 'weekday'],
    ]);
    expect(e.counted[1]!.source).toBe('国办发明电〔2025〕7号');
    expect(e.skipped).toHaveLength(9);
    expect(e.skipped.every((d) => d.why === 'holiday' && d.name === '春节' && d.nameEn === 'Spring Festival')).toBe(true);
    expect(e.skipped[0]).toEqual({
      date: '2026-02-15',
      working: false,
      why: 'holiday',
      name: '春节',
      nameEn: 'Spring Festival',
      source: '国办发明电〔2025〕7号',
    });
    const weekend = cal.explain('2025-07-04', 1);
    expect(weekend).toMatchObject({ due: '2025-07-07', skipped: [{ date: '2025-07-05', why: 'weekend' }, { date: '2025-07-06', why: 'weekend' }] });
  });

  it('throws a typed error past the covered years', () => {
    expect(() => cal.addWorkingDays('2026-12-20', 30)).toThrow(CalendarCoverageError);
    try {
      cal.isWorkingDay('2027-01-04');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(CalendarCoverageError);
      expect(e).toMatchObject({ code: 'calendar_not_covered', date: '2027-01-04', coveredYears: [2025, 2026] });
    }
    expect(() => cal.isWorkingDay('2024-12-31')).toThrow(CalendarCoverageError);
    // Starting just before coverage is fine: only the days counted need data.
    expect(cal.addWorkingDays('2024-12-31', 1)).toBe('2025-01-02');
  });

  it('rejects bad input', () => {
    expect(() => cal.addWorkingDays('2025-02-29', 1)).toThrow(RangeError);
    expect(() => cal.addWorkingDays('2025-1-2', 1)).toThrow(RangeError);
    expect(() => cal.addWorkingDays('2025-01-02', -1)).toThrow(RangeError);
    expect(() => cal.addWorkingDays('2025-01-02', 1.5)).toThrow(RangeError);
    expect(() => new WorkingCalendar([CN_2025, CN_2025])).toThrow(/twice/);
    expect(() => chinaWorkingCalendar({ extraHolidays: ['2025-03-03'], extraWorkdays: ['2025-03-03'] })).toThrow();
  });

  it('applies local overrides', () => {
    // e.g. 广西 壮族三月三 (2025-03-31/04-01 off), and a counter open one Saturday.
    const local = chinaWorkingCalendar({ extraHolidays: ['2025-03-31', '2025-04-01', '2025-10-11'], extraWorkdays: ['2025-07-05'] });
    expect(local.isWorkingDay('2025-03-31')).toBe(false);
    expect(local.describe('2025-03-31').why).toBe('local-holiday');
    expect(local.isWorkingDay('2025-10-11')).toBe(false); // an extra holiday wins over an adjusted workday
    expect(local.describe('2025-07-05')).toEqual({ date: '2025-07-05', working: true, why: 'local-workday' });
    expect(local.addWorkingDays('2025-03-28', 1)).toBe('2025-04-02');
  });

  it('toChinaDate uses UTC+8 whatever the machine zone', () => {
    expect(toChinaDate(new Date('2025-09-30T15:59:59Z'))).toBe('2025-09-30');
    expect(toChinaDate(new Date('2025-09-30T16:00:00Z'))).toBe('2025-10-01');
    expect(toChinaDate(new Date('2025-12-31T16:00:00Z'))).toBe('2026-01-01');
    expect(() => toChinaDate(new Date('nope'))).toThrow(RangeError);
  });

  it('property: the result is a working day n working days later', () => {
    const start = fc.integer({ min: 0, max: 607 }).map((i) => addCalendarDays('2025-01-01', i)); // up to 2026-08-31, so 60 working days stay in 2026
    fc.assert(
      fc.property(start, fc.integer({ min: 0, max: 60 }), (d, n) => {
        const due = cal.addWorkingDays(d, n);
        if (n > 0) expect(cal.isWorkingDay(due)).toBe(true);
        expect(cal.workingDaysBetween(d, due)).toBe(n);
        const e = cal.explain(d, n);
        expect(e.due).toBe(due);
        expect(e.counted).toHaveLength(n);
        // Every day in (d, due] is either counted or skipped, exactly once.
        expect(e.counted.length + e.skipped.length).toBe(Math.round((Date.parse(due) - Date.parse(d)) / 86_400_000));
      }),
    );
  });
});
