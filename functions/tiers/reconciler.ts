import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { depsFromEnv } from '../../shared/aws/deps-from-env';
import type { Deps } from '../../shared/deps';
import { logger } from '../../shared/log';
import { outboxBacklog, resendOverdue } from '../../shared/tiers/reconcile';
import { unitKey } from '../../tenants/unit';

/**
 * The reconciler, run every minute by a schedule (locally on a timer): sends again every outbox message not
 * acknowledged in time, so a message the relay missed or the queue lost still arrives. It also publishes the outbox
 * backlog as a metric (an alarm watches it).
 */

/** The provinces of GB/T 2260; a deployment serves those present in the registry (usually one). */
const PROVINCE_CODES = [
  11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
].map((p) => `${p}0000000000`);

export async function provincePrefixes(deps: Pick<Deps, 'store'>): Promise<string[]> {
  const found = await deps.store.getMany('registry', PROVINCE_CODES.map(unitKey));
  return found.map((u) => String(u.code).slice(0, 2)).sort();
}

export async function reconcile(deps: Deps) {
  const provinces = await provincePrefixes(deps);
  const report = await resendOverdue(deps, provinces);
  const backlog = await outboxBacklog(deps, provinces);
  return { ...report, backlog };
}

const metrics = new Metrics({ namespace: 'govtiers', serviceName: 'govtiers' });

export const handler = async () => {
  const result = await reconcile(await depsFromEnv());
  metrics.addMetric('OutboxResent', MetricUnit.Count, result.resent);
  metrics.addMetric('OutboxBacklog', MetricUnit.Count, result.backlog);
  metrics.publishStoredMetrics();
  if (result.resent > 0) logger.info('outbox reconciled', result);
  return result;
};
