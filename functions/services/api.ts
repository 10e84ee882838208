import * as z from '../../shared/zod';
import { operation } from '../../shared/http/operation';
import { pageOf, pageQuerySchema } from '../../shared/pagination';
import { unitCodeSchema } from '../../shared/roles';
import { rolesFor } from '../../tenants/scope';
import {
  adoptionInputSchema,
  adoptionSchema,
  BUSINESS_STAGES,
  itemCodeSchema,
  itemInputSchema,
  itemInputShape,
  LIFE_EVENTS,
  offerSchema,
  revisionSchema,
  serviceItemSchema,
  summarySchema,
} from './catalog';
import {
  applicantSchema,
  applicationViewSchema,
  listItemSchema,
  progressSchema,
  RATINGS,
  REF_PATTERN,
  STAFF_ACTIONS,
  verificationSchema,
  worklistItemSchema,
} from './applications';
import { formValuesSchema } from './forms';
import { attachmentIndexSchema, attachmentsSchema, downloadSchema } from '../uploads/attachments';
import { RECTIFICATION_STEPS, rectificationSchema } from './ratings';
import { bundleIdSchema, bundleInputSchema, bundleSchema, bundleViewSchema, submissionSchema } from './bundles';

const TAG = 'services';
const codeParams = z.strictObject({ code: unitCodeSchema });
const itemParams = z.strictObject({ code: unitCodeSchema, item: itemCodeSchema });
const adoptionParams = z.strictObject({ code: unitCodeSchema, definer: unitCodeSchema, item: itemCodeSchema });
const version = z.int().check(z.gte(0));

export const defineItemOp = operation({
  id: 'defineServiceItem',
  method: 'POST',
  path: '/v1/units/{code}/service-items',
  tag: TAG,
  summary: {
    zh: '定义政务服务事项（编码、类型、依据、条件、材料、时限、申请表单等），下级单位可承接',
    en: 'Define a government service item (code, type, basis, conditions, materials, limits, application form); units below may adopt it',
  },
  auth: 'jwt',
  roles: rolesFor('services:define'),
  errors: ['not_found', 'conflict', 'already_exists'],
  params: codeParams,
  body: itemInputSchema,
  maxBodyBytes: 256 * 1024,
  response: { status: 201, schema: serviceItemSchema },
});

export const changeItemOp = operation({
  id: 'changeServiceItem',
  method: 'PUT',
  path: '/v1/units/{code}/service-items/{item}',
  tag: TAG,
  summary: {
    zh: '修改本单位定义的事项；所有承接单位立即按新内容办理，并看到改了哪些内容',
    en: 'Change an item your unit defined; every adopter works to the new content at once and sees what changed',
  },
  auth: 'jwt',
  roles: rolesFor('services:define'),
  errors: ['not_found', 'conflict'],
  params: itemParams,
  body: z.strictObject({ v: version, ...itemInputShape }),
  maxBodyBytes: 256 * 1024,
  response: { status: 200, schema: serviceItemSchema },
});

export const getItemOp = operation({
  id: 'getServiceItem',
  method: 'GET',
  path: '/v1/units/{code}/service-items/{item}',
  tag: TAG,
  summary: { zh: '本单位定义的事项，含版本和修订记录', en: 'An item your unit defined, with its version and revisions' },
  auth: 'jwt',
  roles: rolesFor('services:read'),
  errors: ['not_found'],
  params: itemParams,
  response: { status: 200, schema: serviceItemSchema },
});

export const adoptItemOp = operation({
  id: 'adoptServiceItem',
  method: 'PUT',
  path: '/v1/units/{code}/adoptions/{definer}/{item}',
  tag: TAG,
  summary: {
    zh: '承接上级定义的事项并填写本地信息（实施部门、地址、时间、更短的承诺时限）；v 为 0 表示新承接',
    en: 'Adopt an item defined above with local details (implementing department, address, hours, a shorter promise); v 0 adopts anew',
  },
  auth: 'jwt',
  roles: rolesFor('services:define'),
  errors: ['not_found', 'conflict'],
  params: adoptionParams,
  body: z.strictObject({ v: version, ...adoptionInputSchema.def.shape }),
  response: { status: 200, schema: adoptionSchema },
});

const adoptionView = z.object({ adoption: adoptionSchema, item: serviceItemSchema, unseen: z.array(revisionSchema) });

export const getAdoptionOp = operation({
  id: 'getAdoption',
  method: 'GET',
  path: '/v1/units/{code}/adoptions/{definer}/{item}',
  tag: TAG,
  summary: {
    zh: '承接的事项：本地信息、上级的现行内容，以及上次查看后上级修改了哪些内容',
    en: 'An adopted item: the local details, the definition as it stands, and the revisions made since the adopter last looked',
  },
  auth: 'jwt',
  roles: rolesFor('services:read'),
  errors: ['not_found'],
  params: adoptionParams,
  response: { status: 200, schema: adoptionView },
});

export const markSeenOp = operation({
  id: 'markAdoptionSeen',
  method: 'POST',
  path: '/v1/units/{code}/adoptions/{definer}/{item}/seen',
  tag: TAG,
  summary: { zh: '已阅上级对事项的修改（至某修订号）', en: "Mark the definer's revisions up to one as seen" },
  auth: 'jwt',
  roles: rolesFor('services:define'),
  errors: ['not_found', 'conflict'],
  params: adoptionParams,
  body: z.strictObject({ rev: z.int().check(z.gte(1)) }),
  response: { status: 200, schema: adoptionSchema },
});

export const browseOp = operation({
  id: 'browseCatalog',
  method: 'GET',
  path: '/v1/units/{code}/catalog',
  tag: TAG,
  summary: {
    zh: '某地可办的事项（本单位及上级定义的），可按人生事件（life）、企业阶段（biz）或关键词（q，中文分词）查找；每项注明到哪里办',
    en: 'What can be done at a unit (its own items and its ancestors’), by life event (life), business stage (biz) or words (q, Chinese segmented); each says where it is done',
  },
  auth: 'public',
  errors: ['not_found', 'invalid_cursor'],
  params: codeParams,
  query: z.extend(pageQuerySchema, {
    life: z.optional(z.enum(LIFE_EVENTS)),
    biz: z.optional(z.enum(BUSINESS_STAGES)),
    q: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(50))),
  }),
  response: { status: 200, schema: pageOf(z.extend(summarySchema, { offer: offerSchema })) },
});

const { deptId: _d, ...publicItemShape } = itemInputShape;
export const guideOp = operation({
  id: 'getServiceGuide',
  method: 'GET',
  path: '/v1/units/{code}/catalog/{definer}/{item}',
  tag: TAG,
  summary: {
    zh: '办事指南：事项的依据、条件、材料、收费、时限、表单，以及在本地到哪个部门、地址、时间办理',
    en: 'The service guide (办事指南): basis, conditions, materials, fee, limits and form, and where, when and by which department it is done here',
  },
  auth: 'public',
  errors: ['not_found'],
  params: adoptionParams,
  response: {
    status: 200,
    schema: z.object({
      ...publicItemShape,
      code: z.string(),
      unit: z.string(),
      rev: z.int(),
      createdAt: z.string(),
      updatedAt: z.string(),
      offer: z.extend(offerSchema, { department: z.optional(z.string()) }),
    }),
  },
});

// ---------------------------------------------------------------- applications

const ulid = z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/));
const appParams = z.strictObject({ code: unitCodeSchema, id: ulid });
const reason = z.string().check(z.trim(), z.minLength(1), z.maxLength(2_000));
const refSchema = z.string().check(z.regex(REF_PATTERN));

export const submitOp = operation({
  id: 'submitApplication',
  method: 'POST',
  path: '/v1/units/{code}/applications',
  tag: TAG,
  summary: {
    zh: '申请办理事项：按事项表单填写，附申请人信息（身份证号或统一社会信用代码）；返回办件编号和按工作日计算的办结期限',
    en: "Apply for an item with its form and the applicant's details (resident ID or credit code); returns the reference number and the due date in working days",
  },
  auth: 'jwt',
  roles: ['citizen', 'business'],
  errors: ['not_found', 'conflict', 'unprocessable'],
  params: codeParams,
  body: z.strictObject({ definer: unitCodeSchema, item: itemCodeSchema, form: formValuesSchema, applicant: applicantSchema, attachments: z.optional(attachmentsSchema) }),
  maxBodyBytes: 256 * 1024,
  response: { status: 201, schema: applicationViewSchema },
});

export const getApplicationOp = operation({
  id: 'getApplication',
  method: 'GET',
  path: '/v1/units/{code}/applications/{id}',
  tag: TAG,
  summary: { zh: '办件详情与全部办理经过（本单位工作人员或申请人本人）', en: 'An application with its whole timeline (staff of the unit, or the applicant)' },
  auth: 'jwt',
  roles: rolesFor('services:read', 'citizen', 'business'),
  errors: ['not_found'],
  params: appParams,
  response: { status: 200, schema: applicationViewSchema },
});

export const getApplicationAttachmentOp = operation({
  id: 'getApplicationAttachment',
  method: 'GET',
  path: '/v1/units/{code}/applications/{id}/attachments/{n}',
  tag: TAG,
  summary: {
    zh: '下载办件的一份材料：返回 5 分钟内有效的下载地址（按上传时的文件名和类型），只给能查看该办件的人',
    en: "Download one of an application's files: a link valid 5 minutes (with the name and type it was uploaded as), only for those who may read the application",
  },
  auth: 'jwt',
  roles: rolesFor('services:read', 'citizen', 'business'),
  errors: ['not_found'],
  params: z.strictObject({ code: unitCodeSchema, id: ulid, n: attachmentIndexSchema }),
  response: { status: 200, schema: downloadSchema },
});

export const actOnApplicationOp = operation({
  id: 'actOnApplication',
  method: 'POST',
  path: '/v1/units/{code}/applications/{id}/steps',
  tag: TAG,
  summary: {
    zh: '实施部门工作人员办理：受理（accept）、不予受理（reject）、一次性告知补正（request-supplement，列明所缺材料，暂停计时）、审查（review）、准予（approve）、不予许可（deny）、办结（complete，出具带核验码的结果）；均须说明理由',
    en: 'Staff of the handling department: accept, reject, request a supplement (listing what is missing; the clock stops), review, approve, deny, complete (issues the result with its verification code); each with a reason',
  },
  auth: 'jwt',
  roles: rolesFor('services:handle'),
  errors: ['not_found', 'conflict', 'unprocessable'],
  params: appParams,
  body: z.strictObject({
    action: z.enum(STAFF_ACTIONS),
    reason,
    missing: z.optional(z.array(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))).check(z.minLength(1), z.maxLength(30))),
    v: z.optional(z.int().check(z.gte(1))),
  }),
  response: { status: 200, schema: applicationViewSchema },
});

export const supplementOp = operation({
  id: 'supplementApplication',
  method: 'POST',
  path: '/v1/units/{code}/applications/{id}/supplement',
  tag: TAG,
  summary: {
    zh: '申请人补正：补充或更正表单内容，计时从剩余工作日继续',
    en: 'The applicant supplies what was missing (form values to add or correct); the clock runs on with the working days that were left',
  },
  auth: 'jwt',
  roles: ['citizen', 'business'],
  errors: ['not_found', 'conflict', 'unprocessable'],
  params: appParams,
  body: z.strictObject({ form: formValuesSchema, note: reason, attachments: z.optional(attachmentsSchema) }),
  maxBodyBytes: 256 * 1024,
  response: { status: 200, schema: applicationViewSchema },
});

export const progressOp = operation({
  id: 'getApplicationProgress',
  method: 'GET',
  path: '/v1/progress',
  tag: TAG,
  summary: {
    zh: '凭办件编号和申请人姓名查询办理进度和期限（个人信息脱敏）',
    en: "An application's state and due date by reference number and the applicant's name, personal data masked",
  },
  auth: 'public',
  errors: ['not_found'],
  query: z.strictObject({ ref: refSchema, name: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)) }),
  response: { status: 200, schema: progressSchema },
});

export const verifyResultOp = operation({
  id: 'verifyApplicationResult',
  method: 'GET',
  path: '/v1/results/{ref}',
  tag: TAG,
  summary: { zh: '凭办件编号和核验码核验办理结果的真实性', en: "Check a result's verification code against the platform's record" },
  auth: 'public',
  errors: ['not_found'],
  params: z.strictObject({ ref: refSchema }),
  query: z.strictObject({ code: z.string().check(z.regex(/^[0-9A-Za-z]{12}$/)) }),
  response: { status: 200, schema: verificationSchema },
});

export const myApplicationsOp = operation({
  id: 'listMyApplications',
  method: 'GET',
  path: '/v1/my/applications',
  tag: TAG,
  summary: { zh: '我的办件：本人在全省各级各单位的全部办件，新的在前', en: 'My cases: every application the caller made at any unit of the province, newest first' },
  auth: 'jwt',
  roles: ['citizen', 'business'],
  errors: [],
  query: pageQuerySchema,
  response: { status: 200, schema: pageOf(listItemSchema) },
});

export const worklistOp = operation({
  id: 'getDepartmentWorklist',
  method: 'GET',
  path: '/v1/units/{code}/departments/{dept}/worklist',
  tag: TAG,
  summary: {
    zh: '部门待办：按办结期限先后排列，临近期限黄色预警（天数为单位设置 services.warnBefore），超期红色',
    en: "A department's applications by due date, earliest first: yellow within the unit's warning period (services.warnBefore), red when overdue",
  },
  auth: 'jwt',
  roles: rolesFor('services:read'),
  errors: ['not_found'],
  params: z.strictObject({ code: unitCodeSchema, dept: ulid }),
  query: pageQuerySchema,
  response: { status: 200, schema: pageOf(worklistItemSchema) },
});

// ---------------------------------------------------------------- 好差评

export const rateOp = operation({
  id: 'rateApplication',
  method: 'POST',
  path: '/v1/units/{code}/applications/{id}/rating',
  tag: TAG,
  summary: {
    zh: '好差评：办结后申请人评价一次（very-satisfied 非常满意 … very-dissatisfied 非常不满意）；不满意及以下启动整改',
    en: 'Rate a completed application once (very-satisfied … very-dissatisfied); dissatisfied or worse opens a rectification',
  },
  auth: 'jwt',
  roles: ['citizen', 'business'],
  errors: ['not_found', 'conflict', 'already_exists', 'unprocessable'],
  params: appParams,
  body: z.strictObject({ level: z.enum(RATINGS), comment: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(500))) }),
  response: { status: 200, schema: applicationViewSchema },
});

export const rectifyOp = operation({
  id: 'rectifyApplication',
  method: 'POST',
  path: '/v1/units/{code}/rectifications/{id}',
  tag: TAG,
  summary: {
    zh: '差评整改：实施部门回访申请人（callback），再记录整改结果（outcome）',
    en: 'Rectification after a bad rating: the department calls the applicant back (callback), then records the outcome',
  },
  auth: 'jwt',
  roles: rolesFor('services:handle'),
  errors: ['not_found', 'conflict', 'unprocessable'],
  params: appParams,
  body: z.strictObject({ step: z.enum(RECTIFICATION_STEPS), note: reason }),
  response: { status: 200, schema: rectificationSchema },
});

// ---------------------------------------------------------------- 一件事一次办

const bundleParams = z.strictObject({ code: unitCodeSchema, bundle: bundleIdSchema });

export const defineBundleOp = operation({
  id: 'defineServiceBundle',
  method: 'POST',
  path: '/v1/units/{code}/bundles',
  tag: TAG,
  summary: {
    zh: '定义“一件事”：本单位可办的若干事项（跨部门）合并为一张表单、一次提交',
    en: "Define a bundle (一件事一次办): items the unit offers, across departments, asked with one form and submitted once",
  },
  auth: 'jwt',
  roles: rolesFor('services:define'),
  errors: ['not_found', 'conflict', 'already_exists'],
  params: codeParams,
  body: bundleInputSchema,
  response: { status: 201, schema: bundleSchema },
});

export const getBundleOp = operation({
  id: 'getServiceBundle',
  method: 'GET',
  path: '/v1/units/{code}/bundles/{bundle}',
  tag: TAG,
  summary: { zh: '“一件事”的事项、各自的办理部门和合并后的表单（相同字段只填一次）', en: "A bundle's items, each one's department, and the combined form (shared fields asked once)" },
  auth: 'public',
  errors: ['not_found'],
  params: bundleParams,
  response: { status: 200, schema: bundleViewSchema },
});

export const submitBundleOp = operation({
  id: 'submitServiceBundle',
  method: 'POST',
  path: '/v1/units/{code}/bundles/{bundle}/applications',
  tag: TAG,
  summary: {
    zh: '一次提交“一件事”：每个事项生成一件办件，全部写入或全部不写',
    en: 'Submit a bundle once: one application per item, all written or none',
  },
  auth: 'jwt',
  roles: ['citizen', 'business'],
  errors: ['not_found', 'conflict', 'unprocessable'],
  params: bundleParams,
  body: z.strictObject({ form: formValuesSchema, applicant: applicantSchema, attachments: z.optional(attachmentsSchema) }),
  maxBodyBytes: 256 * 1024,
  response: { status: 201, schema: submissionSchema },
});

export const getSubmissionOp = operation({
  id: 'getBundleSubmission',
  method: 'GET',
  path: '/v1/units/{code}/bundle-applications/{id}',
  tag: TAG,
  summary: { zh: '“一件事”的各件办理情况，全部办结后 done 为 true', en: "A bundle submission's cases tracked together; done once all are closed" },
  auth: 'jwt',
  roles: rolesFor('services:read', 'citizen', 'business'),
  errors: ['not_found'],
  params: appParams,
  response: { status: 200, schema: submissionSchema },
});

export const SERVICES_OPERATIONS = [
  defineBundleOp,
  getBundleOp,
  submitBundleOp,
  getSubmissionOp,
  defineItemOp,
  changeItemOp,
  getItemOp,
  adoptItemOp,
  getAdoptionOp,
  markSeenOp,
  browseOp,
  guideOp,
  submitOp,
  getApplicationOp,
  getApplicationAttachmentOp,
  actOnApplicationOp,
  supplementOp,
  progressOp,
  verifyResultOp,
  myApplicationsOp,
  worklistOp,
  rateOp,
  rectifyOp,
];
