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

export const SERVICES_OPERATIONS = [defineItemOp, changeItemOp, getItemOp, adoptItemOp, getAdoptionOp, markSeenOp, browseOp, guideOp];
