import { rolesFor } from '../../tenants/scope';
import * as z from '../../shared/zod';
import { LEVELS } from '../../shared/levels';
import { operation } from '../../shared/http/operation';
import { pageOf, pageQuerySchema } from '../../shared/pagination';
import { unitCodeSchema } from '../../shared/roles';
import { creditCodeSchema } from '../../shared/identity-codes';
import { caseSchema } from '../tiers/escalation';
import { attachmentIndexSchema, attachmentSchema, downloadSchema, MAX_ATTACHMENTS } from '../uploads/attachments';
import { CATEGORY_IDS } from './categories';
import { documentSchema, draftSchema, listingItemSchema } from './documents';
import { MAX_QUERY_WORDS } from './search-index';
import { REPLY_TYPES, STAFF_ACTIONS } from './requests';

const ulid = z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/));
const text = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));
const day = z.iso.date();
const version = z.int().check(z.gte(1));
const category = z.enum(CATEGORY_IDS);

const codeParams = z.strictObject({ code: unitCodeSchema });
const docParams = z.strictObject({ code: unitCodeSchema, id: ulid });
const docFileParams = z.strictObject({ code: unitCodeSchema, id: ulid, n: attachmentIndexSchema });

const editable = {
  title: text(200),
  category,
  department: z.optional(text(100)),
  docNumber: z.optional(text(100)),
  subjects: z.array(text(20)).check(z.maxLength(10)),
  validUntil: z.optional(day),
  body: text(50_000),
  /** Files the caller uploaded (POST /v1/units/{code}/uploads, purpose `document`), checked in the bucket. */
  attachments: z.array(attachmentSchema).check(z.maxLength(MAX_ATTACHMENTS)),
};

export const createDocumentOp = operation({
  id: 'createDocument',
  method: 'POST',
  path: '/v1/units/{code}/disclosure/documents',
  tag: 'disclosure',
  summary: {
    zh: '主动公开：发布（或存为草稿）一份政府信息，适用于本单位下级全部、部分层级或指定单位；只存一份，按引用显示',
    en: 'Publish (or keep as a draft) a document for the whole subtree, some levels or some units of it; stored once, shown by reference',
  },
  auth: 'jwt',
  roles: rolesFor('tiers:act'),
  errors: ['not_found', 'conflict', 'unprocessable'],
  params: codeParams,
  body: z.strictObject({
    ...editable,
    subjects: z._default(editable.subjects, []),
    attachments: z._default(editable.attachments, []),
    writtenOn: day,
    /** Without it, the whole subtree; empty lists, the issuer's own page only. */
    reach: z.optional(
      z.strictObject({
        levels: z.optional(z.array(z.enum(LEVELS)).check(z.maxLength(4))),
        units: z.optional(z.array(unitCodeSchema).check(z.maxLength(20))),
      }),
    ),
    draft: z.optional(z.boolean()),
  }),
  maxBodyBytes: 256 * 1024,
  response: { status: 201, schema: documentSchema },
});

export const publishDocumentOp = operation({
  id: 'publishDocument',
  method: 'POST',
  path: '/v1/units/{code}/disclosure/documents/{id}/publication',
  tag: 'disclosure',
  summary: { zh: '发布一份草稿', en: 'Publish a draft' },
  auth: 'jwt',
  roles: rolesFor('tiers:act'),
  errors: ['not_found', 'conflict', 'unprocessable'],
  params: docParams,
  body: z.strictObject({ v: version }),
  response: { status: 200, schema: documentSchema },
});

export const updateDocumentOp = operation({
  id: 'updateDocument',
  method: 'PATCH',
  path: '/v1/units/{code}/disclosure/documents/{id}',
  tag: 'disclosure',
  summary: {
    zh: '修改一份文件：生成新版本，旧版本保留可查；v 为所依据的版本，已被他人修改时返回 409',
    en: 'Change a document: a new version, every earlier one kept; v is the version changed, 409 when it is stale',
  },
  auth: 'jwt',
  roles: rolesFor('tiers:act'),
  errors: ['not_found', 'conflict', 'unprocessable'],
  params: docParams,
  body: z.strictObject({
    v: version,
    title: z.optional(editable.title),
    category: z.optional(category),
    department: editable.department,
    docNumber: editable.docNumber,
    subjects: z.optional(editable.subjects),
    validUntil: editable.validUntil,
    body: z.optional(editable.body),
    attachments: z.optional(editable.attachments),
  }),
  maxBodyBytes: 256 * 1024,
  response: { status: 200, schema: documentSchema },
});

export const withdrawDocumentOp = operation({
  id: 'withdrawDocument',
  method: 'POST',
  path: '/v1/units/{code}/disclosure/documents/{id}/withdrawal',
  tag: 'disclosure',
  summary: {
    zh: '撤回一份已发布的文件（须说明理由）：不再公开显示，记录和全部版本保留备查',
    en: 'Withdraw a published document with a reason: no longer shown, its record and every version kept for auditors',
  },
  auth: 'jwt',
  roles: rolesFor('tiers:act'),
  errors: ['not_found', 'conflict', 'unprocessable'],
  params: docParams,
  body: z.strictObject({ v: version, reason: text(1_000) }),
  response: { status: 200, schema: documentSchema },
});

export const listDocumentsOp = operation({
  id: 'listDocuments',
  method: 'GET',
  path: '/v1/units/{code}/disclosure/documents',
  tag: 'disclosure',
  summary: {
    zh: '单位的政府信息公开目录：本单位发布的和上级发往本单位的文件，新的在前，可按类别筛选',
    en: "A unit's disclosure page: its own documents and those its ancestors addressed to it, newest first, by category if asked",
  },
  auth: 'public',
  errors: ['not_found', 'invalid_cursor'],
  params: codeParams,
  query: z.strictObject({ ...pageQuerySchema.shape, category: z.optional(category) }),
  response: { status: 200, schema: pageOf(listingItemSchema) },
});

export const getDocumentOp = operation({
  id: 'getDocument',
  method: 'GET',
  path: '/v1/units/{code}/disclosure/documents/{id}',
  tag: 'disclosure',
  summary: { zh: '一份已发布文件的全文（转载的显示原件内容）', en: 'A published document in full (a reference shows the original text)' },
  auth: 'public',
  errors: ['not_found'],
  params: docParams,
  response: { status: 200, schema: documentSchema },
});

export const getDocumentAttachmentOp = operation({
  id: 'getDocumentAttachment',
  method: 'GET',
  path: '/v1/units/{code}/disclosure/documents/{id}/attachments/{n}',
  tag: 'disclosure',
  summary: {
    zh: '下载已发布文件的一份附件（转载的为原件附件）：返回 5 分钟内有效的下载地址',
    en: "Download one file of a published document (a reference's are the original's): a link valid 5 minutes",
  },
  auth: 'public',
  errors: ['not_found'],
  params: docFileParams,
  response: { status: 200, schema: downloadSchema },
});

export const documentVersionsOp = operation({
  id: 'listDocumentVersions',
  method: 'GET',
  path: '/v1/units/{code}/disclosure/documents/{id}/versions',
  tag: 'disclosure',
  summary: { zh: '一份已发布文件的全部版本', en: 'Every version of a published document' },
  auth: 'public',
  errors: ['not_found'],
  params: docParams,
  response: { status: 200, schema: z.object({ items: z.array(documentSchema) }) },
});

export const documentRecordOp = operation({
  id: 'getDocumentRecord',
  method: 'GET',
  path: '/v1/units/{code}/disclosure/records/{id}',
  tag: 'disclosure',
  summary: {
    zh: '工作人员和审计人员查看文件记录（含草稿、已撤回的）及全部版本',
    en: 'Staff and auditors: a document record in any state (drafts, withdrawn) with every version',
  },
  auth: 'jwt',
  roles: rolesFor('tiers:read'),
  errors: ['not_found'],
  params: docParams,
  response: { status: 200, schema: z.object({ document: documentSchema, versions: z.array(documentSchema) }) },
});

export const listDraftsOp = operation({
  id: 'listDisclosureDrafts',
  method: 'GET',
  path: '/v1/units/{code}/disclosure/drafts',
  tag: 'disclosure',
  summary: {
    zh: '本单位尚未发布的草稿，按条例第二十六条的公开期限先后排列',
    en: "The unit's drafts not yet published, by their Art. 26 publication deadline, soonest first",
  },
  auth: 'jwt',
  roles: rolesFor('tiers:read'),
  errors: ['invalid_cursor'],
  params: codeParams,
  query: pageQuerySchema,
  response: { status: 200, schema: pageOf(draftSchema) },
});

export const documentRecordAttachmentOp = operation({
  id: 'getDocumentRecordAttachment',
  method: 'GET',
  path: '/v1/units/{code}/disclosure/records/{id}/attachments/{n}',
  tag: 'disclosure',
  summary: {
    zh: '工作人员和审计人员下载文件记录（含草稿、已撤回的）的一份附件：返回 5 分钟内有效的下载地址',
    en: 'Staff and auditors: download one file of a document record in any state (drafts, withdrawn), a link valid 5 minutes',
  },
  auth: 'jwt',
  roles: rolesFor('tiers:read'),
  errors: ['not_found'],
  params: docFileParams,
  response: { status: 200, schema: downloadSchema },
});

export const setIssuerOp = operation({
  id: 'setDisclosureIssuer',
  method: 'PUT',
  path: '/v1/units/{code}/disclosure/issuer',
  tag: 'disclosure',
  summary: {
    zh: '登记本单位的统一社会信用代码，此后的索引号以之开头（未登记时用区划代码）',
    en: "Record the unit's unified social credit code, which its index numbers begin with from then on (else its division code)",
  },
  auth: 'jwt',
  roles: rolesFor('unit:settings'),
  errors: ['not_found', 'conflict'],
  params: codeParams,
  body: z.strictObject({ creditCode: creditCodeSchema }),
  response: { status: 200, schema: z.object({ unit: z.string(), creditCode: z.string(), updatedAt: z.string(), v: z.int() }) },
});

const state = z.enum(['ok', 'due-soon', 'overdue']);
const figures = { published: z.int(), late: z.int() };

export const freshnessOp = operation({
  id: 'getDisclosureFreshness',
  method: 'GET',
  path: '/v1/units/{code}/disclosure/freshness',
  tag: 'disclosure',
  summary: {
    zh: '更新提醒：到期或即将到期未更新的栏目、临近或超过20个工作日公开期限的草稿，及下级单位的发布和逾期情况',
    en: "Freshness: columns stale or about to be, drafts near or past their 20-working-day deadline, and the subtree's figures",
  },
  auth: 'jwt',
  roles: rolesFor('tiers:read'),
  errors: ['not_found'],
  params: codeParams,
  response: {
    status: 200,
    schema: z.object({
      unit: z.string(),
      today: z.string(),
      warnBefore: z.int(),
      columns: z.array(z.object({ category, lastPublished: z.string(), cadence: z.int(), staleOn: z.string(), state })),
      drafts: z.array(z.object({ id: z.string(), title: z.string(), category, due: z.string(), state })),
      lastYear: z.object({
        own: z.object(figures),
        subtree: z.object(figures),
        children: z.array(z.object({ code: z.string(), name: z.string(), ...figures })),
      }),
    }),
  },
});

export const annualReportOp = operation({
  id: 'getDisclosureAnnualReport',
  method: 'GET',
  path: '/v1/units/{code}/disclosure/annual-report',
  tag: 'disclosure',
  summary: {
    zh: '政府信息公开工作年度报告的数据（次年1月31日前发布）：主动公开、依申请公开的各项数字',
    en: 'The figures of the annual disclosure report (due 31 January): proactive disclosure and requests',
  },
  auth: 'jwt',
  roles: rolesFor('tiers:read'),
  params: codeParams,
  query: z.strictObject({ year: z.coerce.number().check(z.int(), z.gte(2019), z.lte(2100)) }),
  response: {
    status: 200,
    schema: z.object({
      unit: z.string(),
      year: z.int(),
      due: z.string(),
      documents: z.object({ byCategory: z.record(z.string(), z.object(figures)), changed: z.int(), withdrawn: z.int() }),
      requests: z.object({
        received: z.int(),
        carriedOver: z.int(),
        answered: z.int(),
        late: z.int(),
        extended: z.int(),
        corrections: z.int(),
        consultations: z.int(),
        abandoned: z.int(),
        escalated: z.int(),
        replies: z.record(z.string(), z.int()),
      }),
    }),
  },
});

export const searchOp = operation({
  id: 'searchDisclosure',
  method: 'GET',
  path: '/v1/units/{code}/disclosure/search',
  tag: 'disclosure',
  summary: {
    zh: '全文检索本单位及下级单位公开的文件和公开问答（含上级发往本单位的），按相关度排序，标出命中词，可按类别、单位、日期筛选',
    en: "Full-text search over the published documents and public Q&A of a unit, its subtree and its ancestors' addressed to it, ranked, with matches marked",
  },
  auth: 'public',
  errors: ['not_found'],
  params: codeParams,
  query: z.strictObject({
    q: text(100),
    category: z.optional(category),
    kind: z.optional(z.enum(['doc', 'qa'])),
    unit: z.optional(unitCodeSchema),
    from: z.optional(day),
    to: z.optional(day),
    limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(50)), 10),
    offset: z._default(z.coerce.number().check(z.int(), z.gte(0), z.lte(1_000)), 0),
  }),
  response: {
    status: 200,
    schema: z.object({
      total: z.int(),
      words: z.array(z.string()).check(z.maxLength(MAX_QUERY_WORDS)),
      items: z.array(
        z.object({
          kind: z.enum(['doc', 'qa']),
          id: z.string(),
          unit: z.string(),
          category: z.string(),
          date: z.string(),
          score: z.number(),
          /** HTML-escaped, with matches in <mark>. */
          title: z.string(),
          snippet: z.string(),
        }),
      ),
      next: z.optional(z.int()),
    }),
  },
});

export const feedOp = operation({
  id: 'disclosureFeed',
  method: 'GET',
  path: '/v1/units/{code}/disclosure/feed',
  tag: 'disclosure',
  summary: { zh: '单位公开文件的 Atom 订阅（可按类别）', en: "Atom feed of a unit's published and updated documents (by category if asked)" },
  auth: 'public',
  errors: ['not_found'],
  params: codeParams,
  query: z.strictObject({ category: z.optional(category) }),
  response: { status: 200, schema: z.string(), type: 'application/atom+xml; charset=utf-8' },
});

export const submitRequestOp = operation({
  id: 'submitDisclosureRequest',
  method: 'POST',
  path: '/v1/units/{code}/disclosure/requests',
  tag: 'disclosure',
  summary: {
    zh: '依申请公开：公民、法人向本单位申请获取政府信息，20个工作日内答复',
    en: 'Request government information from a unit (依申请公开); answered within 20 working days',
  },
  auth: 'jwt',
  roles: ['citizen', 'business'],
  errors: ['not_found', 'unprocessable'],
  params: codeParams,
  body: z.strictObject({ title: text(200), description: text(5_000) }),
  response: { status: 201, schema: caseSchema },
});

export const getRequestOp = operation({
  id: 'getDisclosureRequest',
  method: 'GET',
  path: '/v1/units/{code}/disclosure/requests/{id}',
  tag: 'disclosure',
  summary: { zh: '申请人或工作人员查看申请及其办理经过', en: 'A request with its history, for its applicant or staff' },
  auth: 'jwt',
  roles: rolesFor('tiers:read', 'citizen', 'business'),
  errors: ['not_found'],
  params: docParams,
  response: { status: 200, schema: z.object({ case: caseSchema, current: z.optional(caseSchema) }) },
});

export const requestActionOp = operation({
  id: 'actOnDisclosureRequest',
  method: 'POST',
  path: '/v1/units/{code}/disclosure/requests/{id}/actions',
  tag: 'disclosure',
  summary: {
    zh: '办理申请：补正告知（收到后7个工作日内一次）、延期（一次，不超过20个工作日，须说明理由）、征求第三方意见及其结束、答复（第三十六条各类）、视为放弃',
    en: 'Handle a request: ask for a correction (once, within 7 working days), extend (once, up to 20 working days, with a reason), consult a third party and end it, reply (Art. 36 types), or close as given up',
  },
  auth: 'jwt',
  roles: rolesFor('tiers:act'),
  errors: ['not_found', 'conflict', 'unprocessable'],
  params: docParams,
  body: z.strictObject({
    action: z.enum(STAFF_ACTIONS),
    note: z.optional(text(2_000)),
    days: z.optional(z.int().check(z.gte(1), z.lte(20))),
    thirdParty: z.optional(text(200)),
    reply: z.optional(
      z.strictObject({
        type: z.enum(REPLY_TYPES),
        content: z.optional(text(20_000)),
        where: z.optional(text(500)),
        reason: z.optional(text(2_000)),
        legalBasis: z.optional(text(500)),
        agency: z.optional(text(200)),
        previous: z.optional(text(100)),
        registry: z.optional(z.enum(['market', 'real-estate'])),
      }),
    ),
  }),
  maxBodyBytes: 128 * 1024,
  response: { status: 200, schema: caseSchema },
});

export const answerCorrectionOp = operation({
  id: 'answerDisclosureCorrection',
  method: 'POST',
  path: '/v1/units/{code}/disclosure/requests/{id}/correction',
  tag: 'disclosure',
  summary: { zh: '申请人提交补正，答复期限自收到补正之日起重新计算', en: 'The applicant answers the correction notice; the reply deadline starts again' },
  auth: 'jwt',
  roles: ['citizen', 'business'],
  errors: ['not_found', 'conflict', 'unprocessable'],
  params: docParams,
  body: z.strictObject({ text: text(5_000) }),
  response: { status: 200, schema: caseSchema },
});

export const DISCLOSURE_OPERATIONS = [
  createDocumentOp,
  publishDocumentOp,
  updateDocumentOp,
  withdrawDocumentOp,
  listDocumentsOp,
  getDocumentOp,
  getDocumentAttachmentOp,
  documentVersionsOp,
  documentRecordOp,
  listDraftsOp,
  documentRecordAttachmentOp,
  setIssuerOp,
  freshnessOp,
  annualReportOp,
  searchOp,
  feedOp,
  submitRequestOp,
  getRequestOp,
  requestActionOp,
  answerCorrectionOp,
];
