import * as z from '../../shared/zod';
import { operation } from '../../shared/http/operation';
import { rolesFor } from '../../tenants/scope';
import { residentIdSchema } from '../../shared/identity-codes';
import { pageOf, pageQuerySchema } from '../../shared/pagination';
import { unitCodeSchema } from '../../shared/roles';
import { worded } from '../../shared/validation-messages';
import {
  BUSINESS_DOCUMENTS,
  CITIZEN_DOCUMENTS,
  businessSchema,
  citizenSchema,
  disputeViewSchema,
} from '../../tenants/accounts';
import { departmentSchema, staffRoleSchema, staffSchema } from '../../tenants/people';

/** A code the tree arithmetic accepts (12 digits alone would let `000000000000` through to a 500). */
const subject = z.string().check(worded(z.regex(/^[A-Za-z0-9._:@|-]{1,128}$/), 'account_id'));
const deptId = z.string().check(worded(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/), 'dept_id'));
const personName = z.string().check(z.trim(), z.minLength(1), z.maxLength(64));
const deptName = z.string().check(z.trim(), z.minLength(1), z.maxLength(100));
const mobile = z.string().check(worded(z.regex(/^1[3-9]\d{9}$/), 'mobile'));
/** The code's shape only: whether its check character fits is the domain's call, since staff may override it. */
const creditCodeShape = z
  .string()
  .check(z.trim(), z.toUpperCase(), z.refine((c) => /^[0-9A-HJ-NP-RTUWXY]{18}$/.test(c), { params: { i18n: 'invalid_credit_code' } }));

const codeParams = z.strictObject({ code: unitCodeSchema });
/** Who may bind staff accounts of some role: the unit's people managers, and auditors appointing auditors below. */
const STAFF_BINDERS = rolesFor('people:manage', ...rolesFor('people:auditors'));
/** What staff at a counter checked before registering someone's number (required when registering on their behalf). */
const checkedDocument = <const T extends readonly [string, ...string[]]>(types: T) => z.optional(z.strictObject({ type: z.enum(types) }));
const disputeId = z.string().check(worded(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/), 'dispute_id'));
const reason = z.string().check(z.trim(), z.minLength(10), z.maxLength(500));
const atLeastOneChange = <T extends Record<string, unknown>>(b: T) => Object.keys(b).some((k) => k !== 'v');
const nothingToChange = { params: { i18n: 'nothing_to_change' }, path: ['v'] };

export const createDepartmentOp = operation({
  id: 'createDepartment',
  method: 'POST',
  path: '/v1/units/{code}/departments',
  tag: 'people',
  summary: { zh: '新建部门', en: 'Create a department of a unit' },
  auth: 'jwt',
  roles: rolesFor('people:manage'),
  params: codeParams,
  body: z.strictObject({ name: deptName, nameEn: z.optional(deptName) }),
  errors: ['not_found', 'conflict'],
  response: { status: 201, schema: departmentSchema },
});

export const listDepartmentsOp = operation({
  id: 'listDepartments',
  method: 'GET',
  path: '/v1/units/{code}/departments',
  tag: 'people',
  summary: { zh: '部门列表（分页）', en: "A unit's departments, a page at a time" },
  auth: 'jwt',
  params: codeParams,
  query: pageQuerySchema,
  errors: ['not_found'],
  response: { status: 200, schema: pageOf(departmentSchema) },
});

export const changeDepartmentOp = operation({
  id: 'changeDepartment',
  method: 'PATCH',
  path: '/v1/units/{code}/departments/{deptId}',
  tag: 'people',
  summary: { zh: '部门更名、停用或恢复', en: 'Rename, deactivate or reactivate a department' },
  auth: 'jwt',
  roles: rolesFor('people:manage'),
  params: z.strictObject({ code: unitCodeSchema, deptId }),
  body: z
    .strictObject({
      v: z.int().check(z.gte(1)),
      name: z.optional(deptName),
      nameEn: z.optional(z.nullable(deptName)),
      status: z.optional(departmentSchema.shape.status),
    })
    .check(z.refine(atLeastOneChange, nothingToChange)),
  errors: ['not_found', 'conflict'],
  response: { status: 200, schema: departmentSchema },
});

export const createStaffOp = operation({
  id: 'createStaff',
  method: 'POST',
  path: '/v1/units/{code}/staff',
  tag: 'people',
  summary: { zh: '新增工作人员账号（绑定单位、部门和角色）', en: 'Bind a staff account to a unit, department and role' },
  auth: 'jwt',
  roles: STAFF_BINDERS,
  params: codeParams,
  body: z.strictObject({ sub: subject, name: personName, role: staffRoleSchema, deptId: z.optional(deptId), phone: z.optional(mobile) }),
  errors: ['not_found', 'already_exists', 'conflict'],
  response: { status: 201, schema: staffSchema },
});

export const listStaffOp = operation({
  id: 'listStaff',
  method: 'GET',
  path: '/v1/units/{code}/staff',
  tag: 'people',
  summary: { zh: '工作人员列表（分页；手机号仅对人员管理者完整显示）', en: "A unit's staff, a page at a time (phones masked unless you manage the unit's people)" },
  auth: 'jwt',
  roles: rolesFor('people:read'),
  params: codeParams,
  query: pageQuerySchema,
  errors: ['not_found'],
  response: { status: 200, schema: pageOf(staffSchema) },
});

export const changeStaffOp = operation({
  id: 'changeStaff',
  method: 'PATCH',
  path: '/v1/units/{code}/staff/{sub}',
  tag: 'people',
  summary: { zh: '变更工作人员的角色、部门或停用账号', en: "Change a staff account's role or department, or disable it" },
  auth: 'jwt',
  roles: STAFF_BINDERS,
  params: z.strictObject({ code: unitCodeSchema, sub: subject }),
  body: z
    .strictObject({
      v: z.int().check(z.gte(1)),
      name: z.optional(personName),
      role: z.optional(staffRoleSchema),
      deptId: z.optional(z.nullable(deptId)),
      phone: z.optional(z.nullable(mobile)),
      status: z.optional(staffSchema.shape.status),
    })
    .check(z.refine(atLeastOneChange, nothingToChange)),
  errors: ['not_found', 'conflict'],
  response: { status: 200, schema: staffSchema },
});

export const registerCitizenOp = operation({
  id: 'registerCitizen',
  method: 'POST',
  path: '/v1/citizens',
  tag: 'people',
  summary: {
    zh: '登记居民账号：身份证号仅凭统一身份认证的实名核验或窗口核验证件后绑定，否则为未核验；与他人冲突时转争议处理',
    en: 'Register a citizen account: the ID number is bound only on the identity provider’s verified claim or a document checked at a counter, else kept unverified; conflicting claims open a dispute',
  },
  auth: 'jwt',
  roles: rolesFor('people:register', 'citizen'),
  body: z.strictObject({
    idNumber: residentIdSchema,
    name: personName,
    phone: z.optional(mobile),
    unit: unitCodeSchema,
    sub: z.optional(subject),
    checkedDocument: checkedDocument(CITIZEN_DOCUMENTS),
  }),
  errors: ['not_found', 'already_exists', 'conflict', 'unprocessable'],
  response: { status: 201, schema: citizenSchema },
});

export const myCitizenOp = operation({
  id: 'getMyCitizen',
  method: 'GET',
  path: '/v1/citizens/me',
  tag: 'people',
  summary: { zh: '我的居民账号', en: 'My citizen account' },
  auth: 'jwt',
  errors: ['not_found'],
  response: { status: 200, schema: citizenSchema },
});

export const registerBusinessOp = operation({
  id: 'registerBusiness',
  method: 'POST',
  path: '/v1/businesses',
  tag: 'people',
  summary: {
    zh: '登记企业账号（代码仅凭实名核验或窗口核验执照后绑定；未通过校验的代码须由工作人员说明理由后登记，并记入审计）',
    en: 'Register a business account (the code is bound only on a verified claim or a licence checked at a counter; a code failing its check only by staff, with a reason, audited)',
  },
  auth: 'jwt',
  roles: rolesFor('people:register', 'business'),
  body: z.strictObject({
    creditCode: creditCodeShape,
    name: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
    unit: unitCodeSchema,
    sub: z.optional(subject),
    override: z.optional(z.strictObject({ reason })),
    checkedDocument: checkedDocument(BUSINESS_DOCUMENTS),
  }),
  errors: ['not_found', 'already_exists', 'conflict', 'unprocessable'],
  response: { status: 201, schema: businessSchema },
});

export const myBusinessOp = operation({
  id: 'getMyBusiness',
  method: 'GET',
  path: '/v1/businesses/me',
  tag: 'people',
  summary: { zh: '我的企业账号', en: 'My business account' },
  auth: 'jwt',
  errors: ['not_found'],
  response: { status: 200, schema: businessSchema },
});

export const listDisputesOp = operation({
  id: 'listIdentityDisputes',
  method: 'GET',
  path: '/v1/units/{code}/identity-disputes',
  tag: 'people',
  summary: {
    zh: '身份号码争议列表（号码已打码；默认只列未处理的）',
    en: "A unit's disputes over identity numbers, numbers masked (open ones unless asked otherwise)",
  },
  auth: 'jwt',
  params: codeParams,
  roles: rolesFor('people:read'),
  query: z.strictObject({ ...pageQuerySchema.shape, status: z._default(z.enum(['open', 'resolved']), 'open') }),
  errors: ['not_found'],
  response: { status: 200, schema: pageOf(disputeViewSchema) },
});

export const resolveDisputeOp = operation({
  id: 'resolveIdentityDispute',
  method: 'POST',
  path: '/v1/units/{code}/identity-disputes/{disputeId}/resolution',
  tag: 'people',
  summary: {
    zh: '处理身份号码争议：确认号码归属（或均不归属），其余账号失去该号码；记入审计',
    en: 'Resolve a dispute: confirm whose number it is (or no one’s); every other account loses it; audited',
  },
  auth: 'jwt',
  params: z.strictObject({ code: unitCodeSchema, disputeId }),
  body: z.strictObject({
    v: z.int().check(z.gte(1)),
    owner: z.nullable(subject),
    reason,
    checkedDocument: checkedDocument([...CITIZEN_DOCUMENTS, ...BUSINESS_DOCUMENTS]),
  }),
  roles: rolesFor('people:register'),
  errors: ['not_found', 'conflict'],
  response: { status: 200, schema: disputeViewSchema },
});

export const PEOPLE_OPERATIONS = [
  createDepartmentOp,
  listDepartmentsOp,
  changeDepartmentOp,
  createStaffOp,
  listStaffOp,
  changeStaffOp,
  registerCitizenOp,
  myCitizenOp,
  registerBusinessOp,
  myBusinessOp,
  listDisputesOp,
  resolveDisputeOp,
];
