import { depsFromEnv } from '../../shared/aws/deps-from-env';
import type { Deps } from '../../shared/deps';
import { codeOfPrefix } from '../../shared/codes';
import { logger } from '../../shared/log';
import { rulesOf } from './effects';
import { sweepSubtree } from './escalation';
import { provincePrefixes } from './provinces';

/**
 * The overdue sweep, on a schedule (locally on a timer): every open case past its due date, in every province the
 * deployment serves, is flagged overdue and, where its unit's inherited settings say so, escalated to the unit above.
 */
export async function sweep(deps: Deps) {
  const totals = { units: 0, flagged: 0, escalated: 0 };
  for (const prefix of await provincePrefixes(deps)) {
    const r = await sweepSubtree(deps, codeOfPrefix(prefix), rulesOf);
    totals.units += r.units;
    totals.flagged += r.flagged;
    totals.escalated += r.escalated;
  }
  return totals;
}

export const handler = async () => {
  const result = await sweep(await depsFromEnv());
  if (result.flagged > 0) logger.info('overdue sweep', result);
  return result;
};
