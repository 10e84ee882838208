import { rolesFor } from '../../tenants/scope';
import * as z from '../../shared/zod';
import { LEVELS } from '../../shared/levels';
import { operation } from '../../shared/http/operation';
import { pageOf, pageQuerySchema } from '../../shared/pagination';
import { unitCodeSchema } from '../../shared/roles';
import { ACTIONS, assignmentSchema, MAX_ASSIGNEES } from './assignments';
import { CASE_RULES } from './effects';
import { caseSchema, caseStepSchema, supervisionSchema } from './escalation';
import { cellSchema, columnSchema, MAX_COLUMNS, MAX_ROWS } from './data-table';
import { ackSchema, inboxItemSchema, instructionSchema, noticeSchema } from './notices';

const ulid = z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/));
const title = z.string().check(z.trim(), z.minLength(1), z.maxLength(200));
const text = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));
const caseKind = z.enum(Object.keys(CASE_RULES) as [string, ...string[]]);

const codeParams = z.strictObject({ code: unitCodeSchema });
const caseParams = z.strictObject({ code: unitCodeSchema, kind: caseKind, id: ulid });
const noticeParams = z.strictObject({ code: unitCodeSchema, id: ulid });
const addressedParams = z.strictObject({ code: unitCodeSchema, from: unitCodeSchema, id: ulid });

/** What a task sent down says, whether an assignment or a data request. */
const taskFields = {
  title,
  body: text(10_000),
  assignees: z.array(unitCodeSchema).check(z.minLength(1), z.maxLength(MAX_ASSIGNEES)),
  workingDays: z.int().check(z.gte(1), z.lte(250)),
};

export const createAssignmentOp = operation({
  id: 'createAssignment',
  method: 'POST',
  path: '/v1/units/{code}/assignments',
  tag: 'tiers',
  summary: {
    zh: '交办：向本单位下级的一个或多个单位交办任务，期限以工作日计',
    en: 'Assign a task to one or more units below yours, due in working days',
  },
  auth: 'jwt',
  roles: rolesFor('tiers:act'),
  errors: ['not_found', 'conflict', 'unprocessable'],
  params: codeParams,
  body: z.strictObject(taskFields),
  response: { status: 201, schema: assignmentSchema },
});

const assigneeView = z.object({
  unit: z.string(),
  status: z.string(),
  overdue: z.boolean(),
  heldBy: z.optional(z.string()),
  steps: z.array(z.extend(caseStepSchema, { seq: z.int() })),
});

export const getAssignmentOp = operation({
  id: 'getAssignment',
  method: 'GET',
  path: '/v1/units/{code}/assignments/{id}',
  tag: 'tiers',
  summary: { zh: '交办单位查看任务及每个承办单位的每一步', en: 'An assignment as its assigner sees it: every step of every assignee' },
  auth: 'jwt',
  roles: rolesFor('tiers:read'),
  errors: ['not_found'],
  params: noticeParams,
  response: {
    status: 200,
    schema: z.object({
      assignment: assignmentSchema,
      assignees: z.array(assigneeView),
    }),
  },
});

export const getCaseOp = operation({
  id: 'getCase',
  method: 'GET',
  path: '/v1/units/{code}/cases/{kind}/{id}',
  tag: 'tiers',
  summary: {
    zh: '本单位的事项（含全部经过、督办意见）；已上报的，另附现办理单位的处理情况',
    en: "A unit's case with its history and supervision comments; once escalated, also the copy of the unit handling it now",
  },
  auth: 'jwt',
  roles: rolesFor('tiers:read'),
  errors: ['not_found'],
  params: caseParams,
  response: { status: 200, schema: z.object({ case: caseSchema, current: z.optional(caseSchema) }) },
});

export const caseActionOp = operation({
  id: 'actOnCase',
  method: 'POST',
  path: '/v1/units/{code}/cases/{kind}/{id}/actions',
  tag: 'tiers',
  summary: {
    zh: '办理事项：签收（accept）、报告进展（progress）、办结（complete）、退回（return，须说明理由）或上报上级（escalate，须说明理由）',
    en: 'Act on a case: accept, report progress, complete, return (with a reason) or escalate to the parent unit (with a reason)',
  },
  auth: 'jwt',
  roles: rolesFor('tiers:act'),
  errors: ['not_found', 'conflict', 'unprocessable'],
  params: caseParams,
  body: z.strictObject({
    action: z.enum([...ACTIONS, 'escalate']),
    note: z.optional(text(2_000)),
    /** Completing a data request: the rows filled in, by column key. */
    rows: z.optional(z.array(z.record(z.string(), cellSchema)).check(z.maxLength(MAX_ROWS))),
  }),
  response: { status: 200, schema: caseSchema },
});

export const superviseOp = operation({
  id: 'superviseCase',
  method: 'POST',
  path: '/v1/units/{code}/cases/{kind}/{id}/supervision',
  tag: 'tiers',
  summary: {
    zh: '督办：上级单位对下级单位的事项挂牌督办并附意见（已上报的，送达现办理单位）',
    en: "Flag a case of a unit below yours for supervision (督办) with a comment; it reaches whichever unit holds the case now",
  },
  auth: 'jwt',
  roles: rolesFor('tiers:supervise'),
  errors: ['not_found', 'conflict', 'unprocessable'],
  params: caseParams,
  body: z.strictObject({ comment: text(2_000) }),
  response: {
    status: 201,
    /** `unit` is the unit holding the case, which the flag was sent to. */
    schema: z.extend(supervisionSchema, { kind: z.string(), id: z.string() }),
  },
});

const attachment = z.strictObject({
  name: text(200),
  contentType: z.string().check(z.regex(/^[\w.+-]+\/[\w.+-]+$/), z.maxLength(100)),
  base64: z.string().check(z.regex(/^[A-Za-z0-9+/]*={0,2}$/), z.maxLength(4_000_000)),
});

export const publishNoticeOp = operation({
  id: 'publishNotice',
  method: 'POST',
  path: '/v1/units/{code}/notices',
  tag: 'tiers',
  summary: {
    zh: '向本单位下级发通知：整个下级范围，或选定的层级；通知只存一份，各单位按引用读取',
    en: 'Publish a notice to the whole subtree or chosen levels of it; stored once and read by reference',
  },
  auth: 'jwt',
  roles: rolesFor('tiers:act'),
  errors: ['not_found', 'conflict'],
  params: codeParams,
  body: z.strictObject({
    title,
    body: text(50_000),
    levels: z.optional(z.array(z.enum(LEVELS)).check(z.minLength(1), z.maxLength(4))),
    attachments: z.optional(z.array(attachment).check(z.maxLength(5))),
  }),
  maxBodyBytes: 5 * 1024 * 1024,
  response: { status: 201, schema: noticeSchema },
});

export const getSentNoticeOp = operation({
  id: 'getSentNotice',
  method: 'GET',
  path: '/v1/units/{code}/notices/{id}',
  tag: 'tiers',
  summary: { zh: '发文单位查看通知及各层级已签收的单位数', en: 'A notice as its sender sees it, with how many units of each level have signed for it' },
  auth: 'jwt',
  roles: rolesFor('tiers:read'),
  errors: ['not_found'],
  params: noticeParams,
  response: { status: 200, schema: z.object({ notice: noticeSchema, signed: z.record(z.string(), z.int()) }) },
});

export const unsignedOp = operation({
  id: 'listUnsigned',
  method: 'GET',
  path: '/v1/units/{code}/notices/{id}/unsigned',
  tag: 'tiers',
  summary: { zh: '某一层级尚未签收的单位（按代码顺序分页）', en: 'Units of one level that have not signed for the notice, in code order, a page at a time' },
  auth: 'jwt',
  roles: rolesFor('tiers:read'),
  errors: ['not_found', 'invalid_cursor'],
  params: noticeParams,
  query: z.extend(pageQuerySchema, { level: z.enum(LEVELS) }),
  response: { status: 200, schema: pageOf(z.object({ code: z.string(), name: z.string() })) },
});

export const inboxOp = operation({
  id: 'readInbox',
  method: 'GET',
  path: '/v1/units/{code}/inbox',
  tag: 'tiers',
  summary: {
    zh: '本单位收到的通知（上级发往本层级的），新的在前，附上级的落实意见和本单位的已读、签收情况',
    en: "Notices addressed to the unit's level by the units above it, newest first, with their implementing instructions and the unit's read and sign-for state",
  },
  auth: 'jwt',
  roles: rolesFor('tiers:read'),
  errors: ['not_found', 'invalid_cursor'],
  params: codeParams,
  query: pageQuerySchema,
  response: { status: 200, schema: pageOf(inboxItemSchema) },
});

export const inboxNoticeOp = operation({
  id: 'readAddressedNotice',
  method: 'GET',
  path: '/v1/units/{code}/inbox/{from}/{id}',
  tag: 'tiers',
  summary: { zh: '收到的一份通知全文', en: 'A notice the unit received, in full' },
  auth: 'jwt',
  roles: rolesFor('tiers:read'),
  errors: ['not_found'],
  params: addressedParams,
  response: { status: 200, schema: z.extend(ackSchema, { notice: noticeSchema, instructions: z.array(instructionSchema) }) },
});

export const acknowledgeOp = operation({
  id: 'acknowledgeNotice',
  method: 'POST',
  path: '/v1/units/{code}/inbox/{from}/{id}/acks',
  tag: 'tiers',
  summary: { zh: '标记通知已读（read）或签收（sign）；重复提交不变', en: 'Mark a notice read or signed for (签收); doing it again changes nothing' },
  auth: 'jwt',
  roles: rolesFor('tiers:act'),
  errors: ['not_found', 'conflict'],
  params: addressedParams,
  body: z.strictObject({ kind: z.enum(['read', 'sign']) }),
  response: { status: 200, schema: ackSchema },
});

export const addInstructionOp = operation({
  id: 'addNoticeInstruction',
  method: 'POST',
  path: '/v1/units/{code}/inbox/{from}/{id}/instructions',
  tag: 'tiers',
  summary: {
    zh: '对上级通知附上本单位的落实意见，下级单位在收件箱中随原通知看到（不复制原通知）',
    en: "Attach your unit's implementing instructions to a notice from above; the units below see them with it, nothing is copied",
  },
  auth: 'jwt',
  roles: rolesFor('tiers:act'),
  errors: ['not_found', 'conflict', 'already_exists', 'unprocessable'],
  params: addressedParams,
  body: z.strictObject({ text: text(10_000) }),
  response: { status: 201, schema: instructionSchema },
});

const listQuery = z.extend(pageQuerySchema, {
  kind: z.optional(caseKind),
  /** `open=1`: only the cases still open, by due date (earliest first); otherwise every case, newest first. */
  open: z.optional(z.enum(['1'])),
});

export const listCasesOp = operation({
  id: 'listCases',
  method: 'GET',
  path: '/v1/units/{code}/cases',
  tag: 'tiers',
  summary: {
    zh: '本单位承办的事项：全部（新的在前），或仍在办理的（按期限先后）',
    en: "The cases a unit holds: all of them, newest first, or the open ones by due date",
  },
  auth: 'jwt',
  roles: rolesFor('tiers:read'),
  errors: ['invalid_cursor'],
  params: codeParams,
  query: listQuery,
  response: { status: 200, schema: pageOf(caseSchema) },
});

export const listSentAssignmentsOp = operation({
  id: 'listSentAssignments',
  method: 'GET',
  path: '/v1/units/{code}/assignments',
  tag: 'tiers',
  summary: { zh: '本单位交办出去的任务，新的在前', en: 'Assignments the unit sent, newest first' },
  auth: 'jwt',
  roles: rolesFor('tiers:read'),
  errors: ['invalid_cursor'],
  params: codeParams,
  query: pageQuerySchema,
  response: { status: 200, schema: pageOf(assignmentSchema) },
});

export const listSentNoticesOp = operation({
  id: 'listSentNotices',
  method: 'GET',
  path: '/v1/units/{code}/notices',
  tag: 'tiers',
  summary: { zh: '本单位发出的通知，新的在前', en: 'Notices the unit published, newest first' },
  auth: 'jwt',
  roles: rolesFor('tiers:read'),
  errors: ['invalid_cursor'],
  params: codeParams,
  query: pageQuerySchema,
  response: { status: 200, schema: pageOf(noticeSchema) },
});

export const createDataRequestOp = operation({
  id: 'createDataRequest',
  method: 'POST',
  path: '/v1/units/{code}/data-requests',
  tag: 'tiers',
  summary: {
    zh: '数据报送：请本单位下级的单位按表格填报数据，期限以工作日计',
    en: 'Ask units below yours for a table of figures, due in working days',
  },
  auth: 'jwt',
  roles: rolesFor('tiers:act'),
  errors: ['not_found', 'conflict', 'unprocessable'],
  params: codeParams,
  body: z.strictObject({
    ...taskFields,
    columns: z.array(z.strictObject(columnSchema.shape)).check(z.minLength(1), z.maxLength(MAX_COLUMNS)),
  }),
  response: { status: 201, schema: assignmentSchema },
});

export const getDataRequestOp = operation({
  id: 'getDataRequest',
  method: 'GET',
  path: '/v1/units/{code}/data-requests/{id}',
  tag: 'tiers',
  summary: { zh: '报送任务：每个单位的办理步骤和报送的数据', en: "A data request: each unit's steps and the rows it sent" },
  auth: 'jwt',
  roles: rolesFor('tiers:read'),
  errors: ['not_found'],
  params: noticeParams,
  response: {
    status: 200,
    schema: z.object({
      assignment: assignmentSchema,
      assignees: z.array(z.extend(assigneeView, { rows: z.optional(z.array(z.record(z.string(), cellSchema))) })),
    }),
  },
});

export const dataRequestCsvOp = operation({
  id: 'getDataRequestCsv',
  method: 'GET',
  path: '/v1/units/{code}/data-requests/{id}/rows.csv',
  tag: 'tiers',
  summary: { zh: '报送数据汇总下载（CSV）', en: "Every unit's rows of a data request in one CSV" },
  auth: 'jwt',
  roles: rolesFor('tiers:read'),
  errors: ['not_found'],
  params: noticeParams,
  response: { status: 200, schema: z.string(), type: 'text/csv' },
});

export const listSentDataRequestsOp = operation({
  id: 'listSentDataRequests',
  method: 'GET',
  path: '/v1/units/{code}/data-requests',
  tag: 'tiers',
  summary: { zh: '本单位发出的报送任务，新的在前', en: 'Data requests the unit sent, newest first' },
  auth: 'jwt',
  roles: rolesFor('tiers:read'),
  errors: ['invalid_cursor'],
  params: codeParams,
  query: pageQuerySchema,
  response: { status: 200, schema: pageOf(assignmentSchema) },
});

export const TIERS_OPERATIONS = [
  createDataRequestOp,
  getDataRequestOp,
  dataRequestCsvOp,
  listSentDataRequestsOp,
  createAssignmentOp,
  getAssignmentOp,
  getCaseOp,
  caseActionOp,
  superviseOp,
  publishNoticeOp,
  getSentNoticeOp,
  unsignedOp,
  inboxOp,
  inboxNoticeOp,
  acknowledgeOp,
  addInstructionOp,
  listCasesOp,
  listSentAssignmentsOp,
  listSentNoticesOp,
];
