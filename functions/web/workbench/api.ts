import * as z from '../../../shared/zod';
import { operation, type Operation } from '../../../shared/http/operation';
import type { Text } from '../../../shared/i18n';

/**
 * The staff and admin workbench: server-rendered pages under `/work`, behind the portal's sign-in and session. They
 * change nothing themselves: every form is checked against the session's CSRF token and then sent to the API in the
 * signed-in person's name. Parameters are checked by the pages (a bad one is a page, not JSON).
 */
const page = { status: 200, schema: z.string(), type: 'text/html' } as const;
const text = z.optional(z.string());
const code = z.strictObject({ code: z.string() });
const form = <S extends Record<string, z.ZodMiniType>>(shape: S) => z.strictObject({ csrf: text, ...shape });

/** A page answers a sign-in it lacks, and shows whatever the API refused, with the API's status. */
const PAGE_ERRORS = ['unauthorized', 'forbidden', 'not_found', 'conflict', 'already_exists', 'payload_too_large', 'unprocessable'] as const;

const op = <const E extends Partial<Operation> = {}>(id: string, method: 'GET' | 'POST', path: string, summary: Text, extra?: E) =>
  operation({ id, method, path, tag: 'web', summary, auth: 'public', errors: PAGE_ERRORS, response: page, ...(extra as E) });

export const workHomeOp = op('workHome', 'GET', '/work', { zh: '工作台：待办事项', en: 'Workbench: the worklist' }, {
  query: z.strictObject({ kind: text, state: text, dept: text }),
});
export const workInboxOp = op('workInbox', 'GET', '/work/inbox', { zh: '工作台：收件箱与交办', en: 'Workbench: inbox and assignments' });
export const workNoticeOp = op('workNotice', 'GET', '/work/notices/{from}/{id}', { zh: '工作台：收到的通知', en: 'Workbench: a notice received' }, {
  params: z.strictObject({ from: z.string(), id: z.string() }),
});
export const workAckOp = op('workAck', 'POST', '/work/notices/{from}/{id}', { zh: '工作台：已读或签收通知', en: 'Workbench: read or sign for a notice' }, {
  params: z.strictObject({ from: z.string(), id: z.string() }),
  bodyType: 'form',
  body: form({ kind: text }),
});
export const workSentNoticeOp = op('workSentNotice', 'GET', '/work/sent/{id}', { zh: '工作台：发出通知的签收进度', en: 'Workbench: signing progress of a notice sent' }, {
  params: z.strictObject({ id: z.string() }),
});
export const workNewNoticeOp = op('workPublishNotice', 'POST', '/work/sent', { zh: '工作台：发通知', en: 'Workbench: publish a notice' }, {
  bodyType: 'form',
  body: form({ title: text, body: text }),
});
export const workCaseOp = op('workCase', 'GET', '/work/cases/{unit}/{kind}/{id}', { zh: '工作台：一件事项', en: 'Workbench: one case' }, {
  params: z.strictObject({ unit: z.string(), kind: z.string(), id: z.string() }),
});
export const workCaseActionOp = op('workCaseAction', 'POST', '/work/cases/{unit}/{kind}/{id}', { zh: '工作台：办理事项或督办', en: 'Workbench: act on a case or flag it for 督办' }, {
  params: z.strictObject({ unit: z.string(), kind: z.string(), id: z.string() }),
  bodyType: 'form',
  body: form({ action: text, note: text, v: text, rows: text }),
});
export const workApplicationOp = op('workApplication', 'GET', '/work/applications/{unit}/{id}', { zh: '工作台：一件办件', en: 'Workbench: one application' }, {
  params: z.strictObject({ unit: z.string(), id: z.string() }),
});
export const workApplicationActionOp = op('workApplicationAction', 'POST', '/work/applications/{unit}/{id}', { zh: '工作台：办理办件', en: 'Workbench: act on an application' }, {
  params: z.strictObject({ unit: z.string(), id: z.string() }),
  bodyType: 'form',
  body: form({ action: text, reason: text, missing: text, v: text }),
});
export const workDataRequestOp = op('workDataRequest', 'GET', '/work/data-requests/{id}', { zh: '工作台：报送任务的各单位数据', en: 'Workbench: a data request sent, with each unit’s rows' }, {
  params: z.strictObject({ id: z.string() }),
});
export const workDataRequestCsvOp = op('workDataRequestCsv', 'GET', '/work/data-requests/{id}/rows.csv', { zh: '工作台：下载报送数据（CSV）', en: 'Workbench: download the rows (CSV)' }, {
  params: z.strictObject({ id: z.string() }),
  response: { status: 200, schema: z.string(), type: 'text/csv' },
});
export const workAssignmentOp = op('workAssignment', 'GET', '/work/assignments/{id}', { zh: '工作台：交办任务的办理情况', en: 'Workbench: an assignment sent, per assignee' }, {
  params: z.strictObject({ id: z.string() }),
});
export const workAssignOp = op('workAssign', 'POST', '/work/assignments', { zh: '工作台：交办任务', en: 'Workbench: assign a task' }, {
  bodyType: 'form',
  body: form({ title: text, body: text, assignees: z.optional(z.union([z.string(), z.array(z.string())])), workingDays: text }),
});
export const workUnitOp = op('workUnit', 'GET', '/work/units/{code}', { zh: '工作台：单位管理', en: 'Workbench: a unit and the units below it' }, {
  params: code,
  query: z.strictObject({ cursor: text }),
});
export const workUnitChangeOp = op('workUnitChange', 'POST', '/work/units/{code}', { zh: '工作台：新建下级单位或更名', en: 'Workbench: create a unit below or rename' }, {
  params: code,
  bodyType: 'form',
  body: form({ action: text, name: text, childCode: text, v: text }),
});
export const workImportOp = op('workImport', 'POST', '/work/units/{code}/imports', { zh: '工作台：导入区划', en: 'Workbench: import a division tree' }, {
  params: code,
  bodyType: 'form',
  body: form({ tree: text }),
  // The form carries the file's content; the API takes up to 6 MB.
  maxBodyBytes: 6 * 1024 * 1024 - 1024,
});
export const workJobOp = op('workJob', 'GET', '/work/jobs/{jobId}', { zh: '工作台：导入进度', en: 'Workbench: import progress' }, {
  params: z.strictObject({ jobId: z.string() }),
});
export const workPeopleOp = op('workPeople', 'GET', '/work/people/{code}', { zh: '工作台：部门与工作人员', en: 'Workbench: departments and staff' }, {
  params: code,
});
export const workPeopleChangeOp = op('workPeopleChange', 'POST', '/work/people/{code}', { zh: '工作台：新建部门或工作人员', en: 'Workbench: add a department or a staff account' }, {
  params: code,
  bodyType: 'form',
  body: form({ action: text, name: text, sub: text, role: text, deptId: text }),
});
export const workSettingsOp = op('workSettings', 'GET', '/work/settings/{code}', { zh: '工作台：单位设置（本级与继承）', en: 'Workbench: unit settings, set here and inherited' }, {
  params: code,
  query: z.strictObject({ saved: text }),
});
export const workAuditOp = op('workAudit', 'GET', '/work/audit/{code}', { zh: '工作台：审计日志与校验', en: 'Workbench: audit log and verification' }, {
  params: code,
  query: z.strictObject({ cursor: text, verify: text }),
});
export const workDashboardOp = op('workDashboard', 'GET', '/work/dashboard/{code}', { zh: '工作台：统计看板', en: 'Workbench: dashboard' }, {
  params: code,
  query: z.strictObject({ sort: text, days: text }),
});
export const workChartOp = op('workChart', 'GET', '/work/dashboard/{code}/chart.svg', { zh: '工作台：看板图表（SVG）', en: 'Workbench: dashboard chart (SVG)' }, {
  params: code,
  query: z.strictObject({ days: text }),
});
export const workSettingsChangeOp = op('workSettingsChange', 'POST', '/work/settings/{code}', { zh: '工作台：设定或清除本单位的设置', en: "Workbench: set or clear one of the unit's own settings" }, {
  params: code,
  bodyType: 'form',
  body: form({ action: text, key: text, value: text, v: text }),
});
export const workDocumentsOp = op('workDocuments', 'GET', '/work/documents/{code}', { zh: '工作台：主动公开（草稿、已发布、更新提醒）', en: 'Workbench: publishing (drafts, published, freshness)' }, {
  params: code,
  query: z.strictObject({ cursor: text, category: text }),
});
export const workNewDocumentOp = op('workNewDocument', 'POST', '/work/documents/{code}', { zh: '工作台：撰写公开文件', en: 'Workbench: write a document' }, {
  params: code,
  bodyType: 'form',
  body: form({
    title: text,
    category: text,
    docNumber: text,
    writtenOn: text,
    validUntil: text,
    body: text,
    // One checkbox per level below the unit: ticked, the document applies to that level.
    city: text,
    county: text,
    township: text,
    village: text,
    draft: text,
  }),
  maxBodyBytes: 256 * 1024,
});
export const workDocumentOp = op('workDocument', 'GET', '/work/documents/{code}/{id}', { zh: '工作台：一份公开文件及其版本', en: 'Workbench: one document and its versions' }, {
  params: z.strictObject({ code: z.string(), id: z.string() }),
  query: z.strictObject({ done: text }),
});
export const workDocumentActionOp = op('workDocumentAction', 'POST', '/work/documents/{code}/{id}', { zh: '工作台：修改、发布或撤回文件', en: 'Workbench: edit, publish or withdraw a document' }, {
  params: z.strictObject({ code: z.string(), id: z.string() }),
  bodyType: 'form',
  body: form({ action: text, v: text, title: text, category: text, docNumber: text, validUntil: text, body: text, reason: text }),
  maxBodyBytes: 256 * 1024,
});
export const workAssetOp = op('workAsset', 'GET', '/work/assets/{file}', { zh: '工作台样式与脚本', en: 'Workbench stylesheet and script' }, {
  params: z.strictObject({ file: z.string() }),
  errors: ['not_found'],
});

export const workTicketOp = op('workTicket', 'GET', '/work/tickets/{home}/{id}', { zh: '工作台：一件诉求及可能重复的诉求', en: 'Workbench: one ticket and its possible duplicates' }, {
  params: z.strictObject({ home: z.string(), id: z.string() }),
  query: z.strictObject({ done: text }),
});
export const workTicketActionOp = op('workTicketAction', 'POST', '/work/tickets/{home}/{id}', { zh: '工作台：办理诉求、合并或撤销合并、督办', en: 'Workbench: act on a ticket, merge or unmerge it, flag it for 督办' }, {
  params: z.strictObject({ home: z.string(), id: z.string() }),
  bodyType: 'form',
  body: form({ action: text, note: text, to: text, days: text, into: text, v: text }),
});
export const workRequestOp = op('workRequest', 'GET', '/work/requests/{unit}/{id}', { zh: '工作台：一件政府信息公开申请', en: 'Workbench: one request for disclosure' }, {
  params: z.strictObject({ unit: z.string(), id: z.string() }),
  query: z.strictObject({ done: text }),
});
export const workRequestActionOp = op('workRequestAction', 'POST', '/work/requests/{unit}/{id}', { zh: '工作台：答复、补正告知、延期或督办公开申请', en: 'Workbench: reply to, ask a correction of, extend or flag a disclosure request' }, {
  params: z.strictObject({ unit: z.string(), id: z.string() }),
  bodyType: 'form',
  body: form({
    action: text, note: text, days: text, thirdParty: text, type: text, content: text, where: text, reason: text, legalBasis: text, agency: text, previous: text, registry: text, v: text,
  }),
  maxBodyBytes: 128 * 1024,
});

export const workFileOp = op('workFile', 'GET', '/work/files/{kind}/{unit}/{id}/{n}', { zh: '工作台：下载办件、诉求或文件的附件', en: 'Workbench: download a file of an application, ticket or document' }, {
  params: z.strictObject({ kind: z.string(), unit: z.string(), id: z.string(), n: z.string() }),
  // Sent on to a short-lived download link.
  response: { status: 303, schema: z.string(), type: 'text/plain' },
});

export const WORKBENCH_OPERATIONS = [
  workFileOp,
  workHomeOp,
  workInboxOp,
  workNoticeOp,
  workAckOp,
  workSentNoticeOp,
  workNewNoticeOp,
  workCaseOp,
  workCaseActionOp,
  workApplicationOp,
  workApplicationActionOp,
  workAssignmentOp,
  workDataRequestOp,
  workDataRequestCsvOp,
  workAssignOp,
  workUnitOp,
  workUnitChangeOp,
  workImportOp,
  workJobOp,
  workPeopleOp,
  workPeopleChangeOp,
  workSettingsOp,
  workSettingsChangeOp,
  workDocumentsOp,
  workNewDocumentOp,
  workDocumentOp,
  workDocumentActionOp,
  workAuditOp,
  workDashboardOp,
  workChartOp,
  workTicketOp,
  workTicketActionOp,
  workRequestOp,
  workRequestActionOp,
  workAssetOp,
];
