import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { depsFromEnv } from '../../shared/aws/deps-from-env';
import { logger } from '../../shared/log';
import { jobMessageSchema, runImport } from '../../tenants/imports';

const processor = new BatchProcessor(EventType.SQS);

/** Consumes the jobs queue; a failed record is reported back alone (partial batch response) and retried. */
export const handler = async (event: SQSEvent, context: Context) => {
  const deps = await depsFromEnv();
  const record = async (r: SQSRecord) => {
    const message = jobMessageSchema.safeParse(JSON.parse(r.body));
    // A message nobody can act on fails every time and so ends in the dead-letter queue, where it is kept.
    if (!message.success) throw new Error(`unreadable job message ${r.messageId}`);
    const outcome = await runImport(deps, message.data.jobId, () => context.getRemainingTimeInMillis());
    logger.info('import job', { jobId: message.data.jobId, outcome });
  };
  return processPartialResponse(event, record, processor, { context });
};
