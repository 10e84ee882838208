import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { depsFromEnv } from '../../shared/aws/deps-from-env';
import type { Deps } from '../../shared/deps';
import { logger } from '../../shared/log';
import { outboxBacklog, resendOverdue } from '../../shared/tiers/reconcile';
import { provincePrefixes } from './provinces';

/**
 * The reconciler, run every minute by a schedule (locally on a timer): sends again every outbox message not
 * acknowledged in time, so a message the relay missed or the queue lost still arrives. It also publishes the outbox
 * backlog as a metric (an alarm watches it).
 */

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
