import * as z from '../../shared/zod';
import { operation } from '../../shared/http/operation';
import { pageOf, pageQuerySchema } from '../../shared/pagination';
import { unitCodeSchema } from '../../shared/roles';
import { worded } from '../../shared/validation-messages';
import { rolesFor } from '../../tenants/scope';
import { caseSchema, caseStepSchema, supervisionSchema } from '../tiers/escalation';
import { attachmentIndexSchema, attachmentsSchema, downloadSchema } from '../uploads/attachments';
import { qaSchema } from './mailbox';
import { OPEN311_OPERATIONS } from './open311';
import { attachmentSchema, CATEGORY_CODES, CHANNELS, filerSchema, locationSchema, ratingSchema, refSchema, replySchema, STATUSES, TICKET_TYPES } from './model';
import { ACTIONS, incomingSchema, summarySchema } from './tickets';

const ulid = z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/));
const text = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));
const deptId = z.string().check(worded(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/), 'dept_id'));

const codeParams = z.strictObject({ code: unitCodeSchema });
/** `code` is the unit the ticket was filed to (its home), which every reference to a ticket carries. */
const ticketParams = z.strictObject({ code: unitCodeSchema, id: ulid });

/** Staff roles that work tickets, and the filers. */
const STAFF_SIDE = rolesFor('tiers:act');
const FILERS = ['citizen', 'business'] as const;

export const newTicketSchema = z.strictObject({
  type: z.enum(TICKET_TYPES),
  category: z.enum(CATEGORY_CODES),
  title: z.optional(text(100)),
  /** As long as an Open311 description may be. */
  text: text(4_000),
  location: z.optional(
    z.strictObject({
      lat: z.number().check(z.gte(-90), z.lte(90)),
      lng: z.number().check(z.gte(-180), z.lte(180)),
      address: z.optional(text(200)),
    }),
  ),
  /** Not to be shown to the handling department or unit. */
  anonymous: z.optional(z.boolean()),
  /** A hotline operator's record of who called. */
  caller: z.optional(
    z.strictObject({ name: z.optional(text(50)), phone: z.optional(z.string().check(worded(z.regex(/^[0-9+() -]{3,32}$/), 'phone'))) }),
  ),
  /** A letter to the unit's leadership (领导信箱). */
  mailbox: z.optional(z.boolean()),
  /** The writer agrees that letter and answer be published with personal data removed. */
  publishConsent: z.optional(z.boolean()),
  /** Photos or scans uploaded beforehand (`POST /v1/units/{code}/uploads`, purpose `ticket`). */
  attachments: z.optional(attachmentsSchema),
});

const viewSchema = z.object({
  id: z.string(),
  home: z.string(),
  type: z.string(),
  category: z.string(),
  title: z.string(),
  text: z.string(),
  location: z.optional(locationSchema),
  attachments: z.array(attachmentSchema),
  channel: z.enum(CHANNELS),
  mailbox: z.boolean(),
  publishConsent: z.boolean(),
  published: z.optional(z.object({ at: z.string(), by: z.string(), question: z.string(), answer: z.string() })),
  filer: z.partial(filerSchema),
  recordedBy: z.optional(z.string()),
  status: z.enum(STATUSES),
  holder: z.string(),
  due: z.optional(z.string()),
  overdue: z.boolean(),
  handlerUnit: z.optional(z.string()),
  dept: z.optional(z.string()),
  extension: z.optional(z.object({ days: z.int(), note: z.string() })),
  replies: z.array(replySchema),
  rating: z.optional(ratingSchema),
  mergedInto: z.optional(refSchema),
  primaryStatus: z.optional(z.string()),
  merged: z.array(refSchema),
  history: z.array(caseStepSchema),
  supervision: z.array(supervisionSchema),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const fileTicketOp = operation({
  id: 'fileTicket',
  method: 'POST',
  path: '/v1/units/{code}/tickets',
  tag: 'tickets',
  summary: {
    zh: '提交诉求（咨询、求助、投诉、举报、建议、表扬）或领导信箱来信；热线话务员可为来电人登记',
    en: 'File a ticket (consultation, help, complaint, report, suggestion, praise) or a letter to the leadership; a hotline operator may record one for a caller',
  },
  auth: 'jwt',
  roles: [...STAFF_SIDE.filter((r) => r !== 'auditor'), ...FILERS],
  errors: ['not_found'],
  params: codeParams,
  body: newTicketSchema,
  response: { status: 201, schema: viewSchema },
});

export const listTicketsOp = operation({
  id: 'listTickets',
  method: 'GET',
  path: '/v1/units/{code}/tickets',
  tag: 'tickets',
  summary: { zh: '本单位受理（或曾受理）的诉求，新的在前', en: 'Tickets the unit dispatches or dispatched, newest first' },
  auth: 'jwt',
  roles: rolesFor('tiers:read'),
  errors: ['not_found', 'invalid_cursor'],
  params: codeParams,
  query: z.extend(pageQuerySchema, {
    status: z.optional(z.enum(STATUSES)),
    dept: z.optional(deptId),
    mailbox: z.optional(z.enum(['true', 'false'])),
  }),
  response: { status: 200, schema: pageOf(summarySchema) },
});

export const listIncomingOp = operation({
  id: 'listIncomingTickets',
  method: 'GET',
  path: '/v1/units/{code}/incoming-tickets',
  tag: 'tickets',
  summary: { zh: '上级单位派给本单位承办的诉求', en: 'Tickets units above have dispatched to this unit' },
  auth: 'jwt',
  roles: rolesFor('tiers:read'),
  errors: ['invalid_cursor'],
  params: codeParams,
  query: pageQuerySchema,
  response: { status: 200, schema: pageOf(incomingSchema) },
});

export const myTicketsOp = operation({
  id: 'listMyTickets',
  method: 'GET',
  path: '/v1/units/{code}/my-tickets',
  tag: 'tickets',
  summary: { zh: '本人在该单位及其下级提交的诉求', en: 'Your own tickets filed to this unit or units below it' },
  auth: 'jwt',
  roles: [...FILERS],
  errors: ['invalid_cursor'],
  params: codeParams,
  query: pageQuerySchema,
  response: { status: 200, schema: pageOf(summarySchema) },
});

export const getTicketOp = operation({
  id: 'getTicket',
  method: 'GET',
  path: '/v1/units/{code}/tickets/{id}',
  tag: 'tickets',
  summary: {
    zh: '一件诉求及其全部经过；电话号码、身份证号和匿名来信人的身份只对有权者显示',
    en: 'A ticket and its whole history; phone and ID numbers, and an anonymous filer, shown only to those entitled',
  },
  auth: 'jwt',
  errors: ['not_found'],
  params: ticketParams,
  response: { status: 200, schema: viewSchema },
});

export const getTicketAttachmentOp = operation({
  id: 'getTicketAttachment',
  method: 'GET',
  path: '/v1/units/{code}/tickets/{id}/attachments/{n}',
  tag: 'tickets',
  summary: {
    zh: '下载诉求的一份附件：返回 5 分钟内有效的下载地址，只给能查看该诉求的人',
    en: "Download one of a ticket's files: a link valid 5 minutes, only for those who may read the ticket",
  },
  auth: 'jwt',
  errors: ['not_found'],
  params: z.strictObject({ code: unitCodeSchema, id: ulid, n: attachmentIndexSchema }),
  response: { status: 200, schema: downloadSchema },
});

export const actOnTicketOp = operation({
  id: 'actOnTicket',
  method: 'POST',
  path: '/v1/units/{code}/tickets/{id}/actions',
  tag: 'tickets',
  summary: {
    zh: '办理诉求的一步：受理、派单（本单位部门或下级单位）、签收、办理、答复、退单、申请延期、批准或驳回延期、回访、办结、上报',
    en: 'A step of the loop: accept, dispatch (to a department or a unit below), sign for, progress, answer, return, request, approve or reject an extension, call back, complete, escalate',
  },
  auth: 'jwt',
  roles: STAFF_SIDE,
  errors: ['not_found', 'conflict', 'unprocessable'],
  params: ticketParams,
  body: z.strictObject({
    action: z.enum(ACTIONS),
    note: z.optional(text(4_000)),
    to: z.optional(z.union([z.strictObject({ dept: deptId }), z.strictObject({ unit: unitCodeSchema })])),
    days: z.optional(z.int().check(z.gte(1), z.lte(60))),
  }),
  response: { status: 200, schema: caseSchema },
});

export const rateTicketOp = operation({
  id: 'rateTicket',
  method: 'POST',
  path: '/v1/units/{code}/tickets/{id}/rating',
  tag: 'tickets',
  summary: {
    zh: '来信人评价（好差评五级：5 非常满意 … 1 非常不满意），每件一次',
    en: 'The filer rates the handling once (5 very satisfied … 1 very dissatisfied)',
  },
  auth: 'jwt',
  roles: [...FILERS],
  errors: ['not_found', 'conflict', 'already_exists', 'unprocessable'],
  params: ticketParams,
  body: z.strictObject({ level: z.int().check(z.gte(1), z.lte(5)), comment: z.optional(text(500)) }),
  response: { status: 200, schema: viewSchema },
});

export const suggestDuplicatesOp = operation({
  id: 'suggestDuplicateTickets',
  method: 'GET',
  path: '/v1/units/{code}/tickets/{id}/duplicates',
  tag: 'tickets',
  summary: {
    zh: '可能重复的在办诉求（同一区域、同一类别，距离相近或文字相似），附相似度和理由',
    en: 'Open tickets that may be the same matter (same area and category, nearby or with similar words), with a score and the reason',
  },
  auth: 'jwt',
  roles: STAFF_SIDE,
  errors: ['not_found'],
  params: ticketParams,
  response: {
    status: 200,
    schema: z.object({
      items: z.array(
        z.object({
          id: z.string(),
          home: z.string(),
          score: z.number(),
          distanceM: z.optional(z.number()),
          shared: z.array(z.string()),
          textSimilarity: z.number(),
          reason: z.object({ zh: z.string(), en: z.string() }),
        }),
      ),
    }),
  },
});

export const mergeTicketOp = operation({
  id: 'mergeTicket',
  method: 'POST',
  path: '/v1/units/{code}/tickets/{id}/merge',
  tag: 'tickets',
  summary: {
    zh: '把这件诉求并入另一件一并办理：来信人都保留，看到同一答复，各自评价',
    en: 'Merge this ticket into another: one handling, every filer kept, each sees the answer and rates',
  },
  auth: 'jwt',
  roles: STAFF_SIDE,
  errors: ['not_found', 'conflict', 'unprocessable'],
  params: ticketParams,
  body: z.strictObject({ into: z.strictObject({ home: unitCodeSchema, id: ulid }) }),
  response: { status: 200, schema: caseSchema },
});

export const unmergeTicketOp = operation({
  id: 'unmergeTicket',
  method: 'POST',
  path: '/v1/units/{code}/tickets/{id}/unmerge',
  tag: 'tickets',
  summary: {
    zh: '撤销合并：诉求回到合并前的环节，保留合并期间的答复',
    en: 'Undo a merge: the ticket takes up its own handling again, keeping the replies given meanwhile',
  },
  auth: 'jwt',
  roles: STAFF_SIDE,
  errors: ['not_found', 'conflict', 'unprocessable'],
  params: ticketParams,
  response: { status: 200, schema: caseSchema },
});

export const publishLetterOp = operation({
  id: 'publishLetter',
  method: 'POST',
  path: '/v1/units/{code}/tickets/{id}/publication',
  tag: 'tickets',
  summary: {
    zh: '经来信人同意，公开领导信箱来信及答复（去除个人信息）',
    en: 'Publish a letter to the leadership and its answer, with the writer’s consent and personal data removed',
  },
  auth: 'jwt',
  roles: STAFF_SIDE,
  errors: ['not_found', 'conflict', 'already_exists', 'unprocessable'],
  params: ticketParams,
  body: z.strictObject({ question: z.optional(text(4_000)), answer: z.optional(text(4_000)) }),
  response: { status: 201, schema: qaSchema },
});

export const listLettersOp = operation({
  id: 'listPublishedLetters',
  method: 'GET',
  path: '/v1/units/{code}/letters',
  tag: 'tickets',
  summary: { zh: '单位公开的领导信箱问答（公开）', en: "A unit's published letters and answers (public)" },
  auth: 'public',
  errors: ['invalid_cursor'],
  params: codeParams,
  query: pageQuerySchema,
  response: { status: 200, schema: pageOf(qaSchema) },
});

export const TICKETS_OPERATIONS = [
  fileTicketOp,
  listTicketsOp,
  listIncomingOp,
  myTicketsOp,
  getTicketOp,
  getTicketAttachmentOp,
  actOnTicketOp,
  rateTicketOp,
  suggestDuplicatesOp,
  mergeTicketOp,
  unmergeTicketOp,
  publishLetterOp,
  listLettersOp,
  ...OPEN311_OPERATIONS,
];
