import { calendarYearSchema, WorkingCalendar, type CalendarOverrides, type CalendarYear } from '../../shared/working-days';
import cn2025 from './cn-2025.json' with { type: 'json' };
import cn2026 from './cn-2026.json' with { type: 'json' };

/**
 * The State Council's yearly holiday arrangements shipped with the platform, one file per year, each citing
 * its notice. Add a year when its notice is published (usually in November of the year before).
 */
export const CN_2025: CalendarYear = calendarYearSchema.parse(cn2025);
export const CN_2026: CalendarYear = calendarYearSchema.parse(cn2026);

/** Every shipped year, ascending. */
export const CHINA_CALENDAR_YEARS: readonly CalendarYear[] = [CN_2025, CN_2026];

/** The national working-day calendar, optionally with a tenant's own extra days off or on. */
export const chinaWorkingCalendar = (overrides?: CalendarOverrides): WorkingCalendar =>
  new WorkingCalendar([...CHINA_CALENDAR_YEARS], overrides);
