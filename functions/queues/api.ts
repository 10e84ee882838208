import * as z from '../../shared/zod';
import { operation } from '../../shared/http/operation';
import { rolesFor } from '../../tenants/scope';
import { LEVELS } from '../../shared/levels';
import { inboxOf } from '../../shared/resources';

/** The tier inboxes, whose dead-lettered messages province admins inspect and redrive. */
export const inboxQueueSchema = z.enum(LEVELS.map(inboxOf) as [ReturnType<typeof inboxOf>, ...ReturnType<typeof inboxOf>[]]);
const params = z.strictObject({ queue: inboxQueueSchema });

export const listDeadLettersOp = operation({
  id: 'listDeadLetters',
  method: 'GET',
  path: '/v1/queues/{queue}/dead-letters',
  tag: 'queues',
  summary: {
    zh: '死信队列中发往本省单位的层级消息，附失败原因（省级管理员）',
    en: "Dead-lettered tier messages for units of the caller's province, with the reason each failed (province admins)",
  },
  auth: 'jwt',
  roles: rolesFor('queues:operate'),
  params,
  response: {
    status: 200,
    schema: z.object({
      queue: z.string(),
      /** Every message in the dead-letter queue, the caller's or not. */
      depth: z.int(),
      items: z.array(
        z.object({
          messageId: z.string(),
          reason: z.optional(z.string()),
          failedAt: z.optional(z.string()),
          receives: z.int(),
          body: z.string(),
        }),
      ),
    }),
  },
});

export const redriveDeadLettersOp = operation({
  id: 'redriveDeadLetters',
  method: 'POST',
  path: '/v1/queues/{queue}/dead-letters/redrive',
  tag: 'queues',
  summary: {
    zh: '将死信队列中发往本省单位的消息送回原队列重新处理（已处理过的消息不会重复生效）',
    en: "Send the dead-lettered messages for units of the caller's province back to their queue (messages already applied have no second effect)",
  },
  auth: 'jwt',
  roles: rolesFor('queues:operate'),
  params,
  response: { status: 200, schema: z.object({ queue: z.string(), redriven: z.int() }) },
});

export const QUEUES_OPERATIONS = [listDeadLettersOp, redriveDeadLettersOp];
