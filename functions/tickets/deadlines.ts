import { CalendarCoverageError } from '../../shared/working-days';
import { ApiError } from '../../shared/errors';
import { addCalendarDays, toChinaDate } from '../../shared/working-days';
import { chinaWorkingCalendar } from '../../tenants/calendars';
import type { Settings } from '../../tenants/settings';
import type { Ticket } from './model';

/** Steps with a deadline: 受理 to 派单, 签收, 答复 (`reply`), 回访 (`callback`), and 办结 after the 回访. */
export type Step = 'dispatch' | 'signFor' | 'reply' | 'callback' | 'close';

/**
 * The names a step's deadline is looked up by, most specific first: the category's, the ticket type's, the
 * ticket-wide one and the bare step (signFor is a name shared with other work).
 */
export const deadlineNames = (t: Pick<Ticket, 'type' | 'category'>, step: Step) => [
  `${t.category}.${step}`,
  `${t.type}.${step}`,
  `ticket.${step}`,
  step,
];

/**
 * The due date of `step` started at `now`, on the unit's effective settings: at each name, a deadline in hours
 * (counted on the clock) wins over one in working days (counted on the unit's calendar). Cases are swept by date,
 * so an hour deadline is due on the China date it falls on.
 */
export function stepDue(settings: Settings, t: Pick<Ticket, 'type' | 'category'>, step: Step, now: Date, extraWorkingDays = 0): string {
  const today = toChinaDate(now);
  for (const name of deadlineNames(t, step)) {
    const hours = Object.hasOwn(settings.tickets.hours, name) ? settings.tickets.hours[name] : undefined;
    if (hours !== undefined) return working(settings, toChinaDate(new Date(now.getTime() + hours * 3_600_000)), extraWorkingDays);
    const days = Object.hasOwn(settings.deadlines, name) ? settings.deadlines[name] : undefined;
    if (days !== undefined) return working(settings, today, days + extraWorkingDays);
  }
  // Every step has a national default (NATIONAL_DEADLINES), so this is only reached for a step nobody configured.
  return addCalendarDays(today, 1);
}

function working(settings: Settings, from: string, days: number): string {
  if (days === 0) return from;
  try {
    return chinaWorkingCalendar(settings.calendar).explain(from, days).due;
  } catch (e) {
    if (!(e instanceof CalendarCoverageError)) throw e;
    throw new ApiError('unprocessable', [], {
      zh: `工作日历只覆盖 ${e.coveredYears.join('、')} 年，无法计算期限`,
      en: `The working-day calendar covers ${e.coveredYears.join(', ')} only; cannot count the deadline`,
    });
  }
}
