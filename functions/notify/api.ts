import * as z from '../../shared/zod';
import { operation } from '../../shared/http/operation';
import { pageOf, pageQuerySchema } from '../../shared/pagination';
import { messageSchema } from './notifications';

export const listMessagesOp = operation({
  id: 'listMyMessages',
  method: 'GET',
  path: '/v1/me/messages',
  tag: 'messages',
  summary: { zh: '我的站内消息（办理进度、答复、通知），最新的在前', en: 'My in-app messages (progress, replies, notices), newest first' },
  auth: 'jwt',
  query: pageQuerySchema,
  response: { status: 200, schema: pageOf(messageSchema) },
});

export const readMessageOp = operation({
  id: 'readMyMessage',
  method: 'POST',
  path: '/v1/me/messages/{id}/read',
  tag: 'messages',
  summary: { zh: '将一条站内消息标为已读', en: 'Mark one of my in-app messages read' },
  auth: 'jwt',
  errors: ['not_found'],
  params: z.strictObject({ id: z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/)) }),
  response: { status: 200, schema: messageSchema },
});

export const NOTIFY_OPERATIONS = [listMessagesOp, readMessageOp];
