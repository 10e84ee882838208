import { depsFromEnv } from '../../shared/aws/deps-from-env';
import { codeOfPrefix, levelOf, prefixOf } from '../../shared/codes';
import type { Deps } from '../../shared/deps';
import { logger } from '../../shared/log';
import { ConditionFailed } from '../../shared/store/store';
import { toChinaDate } from '../../shared/working-days';
import { listChildren } from '../../tenants/units';
import { notifyWrite } from '../notify/notifications';
import { provincePrefixes } from '../tiers/provinces';
import { CATEGORIES } from './categories';
import { pending } from './freshness';

/**
 * Reminders before (and when) a disclosure deadline passes, once a day: whoever last published in a column that is
 * due soon or overdue, and whoever drafted a document near or past its Art. 26 deadline, gets an in-app message.
 * Each reminder is written with a marker of what it was about in one transaction, so a second run, or a retry after
 * a crash, reminds nobody twice of the same thing.
 */

const reminderKey = (unit: string, what: string) => ({ pk: `${prefixOf(unit)}#doc-reminder`, sk: what });

export async function remindUnit(deps: Deps, unit: string): Promise<number> {
  const now = deps.now();
  const p = await pending(deps.store, unit, toChinaDate(now));
  const due = [
    ...p.columns.map((c) => ({
      what: `column/${c.category}/${c.lastPublished}/${c.state}`,
      by: c.by,
      text: {
        zh: `「${CATEGORIES[c.category].zh}」栏目${c.state === 'overdue' ? '已超过' : '即将超过'}更新周期（${c.staleOn}），请及时更新`,
        en: `The column "${CATEGORIES[c.category].en}" ${c.state === 'overdue' ? 'is past' : 'nears'} its update date (${c.staleOn})`,
      },
      link: `/v1/units/${unit}/disclosure/freshness`,
    })),
    ...p.drafts.map((d) => ({
      what: `draft/${d.id}/${d.state}`,
      by: d.by,
      text: {
        zh: `草稿「${d.title}」${d.state === 'overdue' ? '已超过' : '即将到达'}20个工作日的公开期限（${d.due}）`,
        en: `The draft "${d.title}" ${d.state === 'overdue' ? 'is past' : 'nears'} its 20-working-day publication deadline (${d.due})`,
      },
      link: `/v1/units/${unit}/disclosure/records/${d.id}`,
    })),
  ];
  let sent = 0;
  for (const r of due) {
    if (!r.by) continue;
    try {
      await deps.store.transact([
        { op: 'put', table: levelOf(unit), item: { ...reminderKey(unit, r.what), at: now.toISOString(), account: r.by }, expect: { absent: true } },
        notifyWrite({ unit, subject: `disclosure-reminder/${r.what}`, account: r.by, channels: [], text: r.text, link: r.link }, now),
      ]);
      sent++;
    } catch (e) {
      // Reminded already.
      if (!(e instanceof ConditionFailed)) throw e;
    }
  }
  return sent;
}

/** Every unit of every province the deployment serves, through the children index, a few units at a time. */
export async function remindAll(deps: Deps, concurrency = 8) {
  const totals = { units: 0, reminders: 0 };
  let frontier = (await provincePrefixes(deps)).map(codeOfPrefix);
  while (frontier.length > 0) {
    const next: string[] = [];
    for (let i = 0; i < frontier.length; i += concurrency) {
      await Promise.all(
        frontier.slice(i, i + concurrency).map(async (unit) => {
          totals.reminders += await remindUnit(deps, unit);
          totals.units++;
          let cursor: string | undefined;
          do {
            const page = await listChildren(deps.store, unit, 200, cursor);
            next.push(...page.items.map((u) => u.code));
            cursor = page.cursor;
          } while (cursor);
        }),
      );
    }
    frontier = next;
  }
  return totals;
}

export const handler = async () => {
  const result = await remindAll(await depsFromEnv());
  if (result.reminders > 0) logger.info('disclosure reminders', result);
  return result;
};
