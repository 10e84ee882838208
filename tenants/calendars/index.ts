import { calendarYearSchema, WorkingCalendar, type CalendarOverrides, type CalendarYear } from '../../shared/working-days';
import cn2025 from './cn-2025.json' with { type: 'json' };
import cn2026 from './cn-2026.json' with { type: 'json' };

/**
 * The State Council's yearly holiday arrangements shipped with the platform, one file per year, each citing
 * its notice. Add a year when its notice is published (usually in November of the year before).
 */
let shipped: readonly CalendarYear[] | undefined;

/** Every shipped year, ascending; checked against the schema once, on first use rather than at every cold start. */
export const chinaCalendarYears = (): readonly CalendarYear[] => (shipped ??= [cn2025, cn2026].map((y) => calendarYearSchema.parse(y)));

/** The national working-day calendar, optionally with a tenant's own extra days off or on. */
export const chinaWorkingCalendar = (overrides?: CalendarOverrides): WorkingCalendar => new WorkingCalendar(chinaCalendarYears(), overrides);
