import * as z from '../../shared/zod';
import { operation } from '../../shared/http/operation';

/**
 * The web pages: server-rendered HTML at canonical addresses, readable without JavaScript. They are routes of the
 * same HTTP API (so the same stack, throttling and logs serve them) and call the same domain modules; the session
 * is a cookie the function checks itself, so every route is public at the gateway. Path and query values are
 * checked by the pages, which answer a bad one with a page (a 404 for a unit code that is none), not JSON.
 */
const page = { status: 200, schema: z.string(), type: 'text/html' } as const;
/** Routes that answer by sending the browser on (303 See Other). */
const onward = { status: 303, schema: z.string(), type: 'text/plain' } as const;
const text = z.optional(z.string());
const codeParam = z.strictObject({ code: z.string() });

export const webHomeOp = operation({
  id: 'webHome',
  method: 'GET',
  path: '/',
  tag: 'web',
  summary: { zh: '网站首页：各省门户', en: 'Home page: the provinces served' },
  auth: 'public',
  response: page,
});

export const webUnitOp = operation({
  id: 'webUnit',
  method: 'GET',
  path: '/units/{code}',
  tag: 'web',
  summary: { zh: '单位主页', en: "A unit's home page" },
  auth: 'public',
  params: codeParam,
  query: z.strictObject({ cursor: text }),
  errors: ['not_found'],
  response: page,
});

export const webSitemapOp = operation({
  id: 'webSitemap',
  method: 'GET',
  path: '/units/{code}/sitemap.xml',
  tag: 'web',
  summary: { zh: '单位网站地图（Sitemap）', en: "A unit's sitemap" },
  auth: 'public',
  params: codeParam,
  errors: ['not_found'],
  response: { status: 200, schema: z.string(), type: 'application/xml' },
});

export const webAssetOp = operation({
  id: 'webAsset',
  method: 'GET',
  path: '/assets/{file}',
  tag: 'web',
  summary: { zh: '网页样式等静态文件', en: 'Stylesheet and other static files of the pages' },
  auth: 'public',
  params: z.strictObject({ file: z.string() }),
  errors: ['not_found'],
  response: { status: 200, schema: z.string(), type: 'text/css' },
});

export const webPrefsOp = operation({
  id: 'webPrefs',
  method: 'GET',
  path: '/prefs',
  tag: 'web',
  summary: { zh: '切换语言或长者模式', en: 'Switch language or the larger-text mode' },
  auth: 'public',
  query: z.strictObject({ lang: text, mode: text, back: text }),
  response: onward,
});

export const webSignInOp = operation({
  id: 'webSignIn',
  method: 'GET',
  path: '/sign-in',
  tag: 'web',
  summary: { zh: '登录（转到统一身份认证）', en: 'Sign in at the identity provider' },
  auth: 'public',
  query: z.strictObject({ back: text }),
  response: onward,
});

export const webCallbackOp = operation({
  id: 'webSignInCallback',
  method: 'GET',
  path: '/sign-in/callback',
  tag: 'web',
  summary: { zh: '登录回调', en: 'Back from the identity provider' },
  auth: 'public',
  query: z.strictObject({ code: text, state: text, iss: text, error: text, error_description: text, error_uri: text, session_state: text }),
  errors: ['unauthorized'],
  response: onward,
});

export const webSignOutOp = operation({
  id: 'webSignOut',
  method: 'POST',
  path: '/sign-out',
  tag: 'web',
  summary: { zh: '退出登录', en: 'Sign out' },
  auth: 'public',
  bodyType: 'form',
  body: z.strictObject({ csrf: text }),
  errors: ['forbidden'],
  response: onward,
});

export const webMeOp = operation({
  id: 'webMe',
  method: 'GET',
  path: '/me',
  tag: 'web',
  summary: { zh: '我的账户', en: 'My account' },
  auth: 'public',
  errors: ['unauthorized'],
  response: page,
});

export const webCatalogOp = operation({
  id: 'webCatalog',
  method: 'GET',
  path: '/units/{code}/services',
  tag: 'web',
  summary: { zh: '办事服务：按人生事件、经营阶段或关键词', en: 'Services at a unit, by life event, business stage or words' },
  auth: 'public',
  params: codeParam,
  query: z.strictObject({ life: text, biz: text, q: text, cursor: text }),
  errors: ['not_found'],
  response: page,
});

export const webGuideOp = operation({
  id: 'webGuide',
  method: 'GET',
  path: '/units/{code}/services/{definer}/{item}',
  tag: 'web',
  summary: { zh: '办事指南（可打印）', en: 'A service guide, printable' },
  auth: 'public',
  params: z.strictObject({ code: z.string(), definer: z.string(), item: z.string() }),
  errors: ['not_found'],
  response: page,
});

export const webProgressOp = operation({
  id: 'webProgress',
  method: 'GET',
  path: '/progress',
  tag: 'web',
  summary: { zh: '凭办件编号和姓名查询办理进度', en: "An application's progress by reference number and name" },
  auth: 'public',
  query: z.strictObject({ ref: text, name: text }),
  errors: ['not_found'],
  response: page,
});

const applyParams = z.strictObject({ code: z.string(), definer: z.string(), item: z.string() });

export const webApplyOp = operation({
  id: 'webApply',
  method: 'GET',
  path: '/units/{code}/services/{definer}/{item}/apply',
  tag: 'web',
  summary: { zh: '在线申请：按事项表单填写', en: "Apply online with the item's form" },
  auth: 'public',
  params: applyParams,
  errors: ['not_found', 'forbidden', 'unauthorized'],
  response: page,
});

export const webApplySubmitOp = operation({
  id: 'webApplySubmit',
  method: 'POST',
  path: '/units/{code}/services/{definer}/{item}/apply',
  tag: 'web',
  summary: { zh: '提交申请（表单）', en: 'Send an application (form post)' },
  auth: 'public',
  params: applyParams,
  bodyType: 'form',
  body: z.record(z.string(), z.union([z.string(), z.array(z.string())])),
  errors: ['not_found', 'forbidden', 'unauthorized'],
  response: onward,
});

export const webCaseOp = operation({
  id: 'webCase',
  method: 'GET',
  path: '/me/applications/{code}/{id}',
  tag: 'web',
  summary: { zh: '我的办件：进度、期限和办理过程', en: 'One of my applications: status, due date, timeline' },
  auth: 'public',
  params: z.strictObject({ code: z.string(), id: z.string() }),
  query: z.strictObject({ sent: text, done: text }),
  errors: ['not_found', 'unauthorized'],
  response: page,
});

export const webDocumentsOp = operation({
  id: 'webDocuments',
  method: 'GET',
  path: '/units/{code}/documents',
  tag: 'web',
  summary: { zh: '政府信息公开：单位的公开文件，可检索并按类别、年份筛选', en: "A unit's published documents: search, by category and year" },
  auth: 'public',
  params: codeParam,
  query: z.strictObject({ q: text, category: text, year: text, cursor: text, offset: text }),
  errors: ['not_found'],
  response: page,
});

export const webDocumentOp = operation({
  id: 'webDocument',
  method: 'GET',
  path: '/documents/{publisher}/{id}',
  tag: 'web',
  summary: { zh: '一份公开文件（唯一地址，可打印）', en: 'A published document at its one address, printable' },
  auth: 'public',
  params: z.strictObject({ publisher: z.string(), id: z.string() }),
  errors: ['not_found'],
  response: { status: 200, schema: z.string(), type: 'text/html' },
});

export const webDisclosureRequestOp = operation({
  id: 'webDisclosureRequest',
  method: 'GET',
  path: '/units/{code}/documents/request',
  tag: 'web',
  summary: { zh: '依申请公开：申请表', en: 'Request government information: the form' },
  auth: 'public',
  params: codeParam,
  errors: ['not_found', 'unauthorized', 'forbidden'],
  response: page,
});

export const webDisclosureRequestSubmitOp = operation({
  id: 'webDisclosureRequestSubmit',
  method: 'POST',
  path: '/units/{code}/documents/request',
  tag: 'web',
  summary: { zh: '提交政府信息公开申请（表单）', en: 'Send a request for government information (form post)' },
  auth: 'public',
  params: codeParam,
  bodyType: 'form',
  body: z.record(z.string(), z.union([z.string(), z.array(z.string())])),
  errors: ['not_found', 'unauthorized', 'forbidden'],
  response: onward,
});

export const webMyDisclosureRequestOp = operation({
  id: 'webMyDisclosureRequest',
  method: 'GET',
  path: '/me/disclosure/{code}/{id}',
  tag: 'web',
  summary: { zh: '我的政府信息公开申请：期限、办理经过和答复', en: 'One of my requests for information: deadline, history, reply' },
  auth: 'public',
  params: z.strictObject({ code: z.string(), id: z.string() }),
  query: z.strictObject({ sent: text }),
  errors: ['not_found', 'unauthorized'],
  response: page,
});

/** A record of the signed-in person's at a unit, and a form posted about it. */
const caseParams = z.strictObject({ code: z.string(), id: z.string() });
const caseForm = z.record(z.string(), z.union([z.string(), z.array(z.string())]));

export const webSupplementOp = operation({
  id: 'webSupplement',
  method: 'POST',
  path: '/me/applications/{code}/{id}/supplement',
  tag: 'web',
  summary: { zh: '提交补正（表单）', en: 'Answer a request for more (form post)' },
  auth: 'public',
  params: caseParams,
  bodyType: 'form',
  body: caseForm,
  errors: ['not_found', 'forbidden', 'unauthorized', 'conflict'],
  response: onward,
});

export const webRateOp = operation({
  id: 'webRate',
  method: 'POST',
  path: '/me/applications/{code}/{id}/rating',
  tag: 'web',
  summary: { zh: '好差评：评价已办结的办件（表单）', en: 'Rate a completed application (form post)' },
  auth: 'public',
  params: caseParams,
  bodyType: 'form',
  body: caseForm,
  errors: ['not_found', 'forbidden', 'unauthorized', 'conflict'],
  response: onward,
});


export const webTicketFormOp = operation({
  id: 'webTicketForm',
  method: 'GET',
  path: '/units/{code}/tickets/new',
  tag: 'web',
  summary: { zh: '我要投诉/建议，或给领导写信（表单）', en: 'Complain, suggest or write to the leadership (the form)' },
  auth: 'public',
  params: codeParam,
  query: z.strictObject({ mailbox: text }),
  errors: ['not_found', 'forbidden', 'unauthorized'],
  response: page,
});

export const webTicketFileOp = operation({
  id: 'webTicketFile',
  method: 'POST',
  path: '/units/{code}/tickets/new',
  tag: 'web',
  summary: { zh: '提交诉求或来信（表单）', en: 'Send a ticket or a letter (form post)' },
  auth: 'public',
  params: codeParam,
  bodyType: 'form',
  body: caseForm,
  errors: ['not_found', 'forbidden', 'unauthorized'],
  response: onward,
});

export const webTicketOp = operation({
  id: 'webTicket',
  method: 'GET',
  path: '/me/tickets/{code}/{id}',
  tag: 'web',
  summary: { zh: '我的诉求：办理过程、答复、期限和评价', en: 'One of my tickets: its steps, the reply, the deadline, the rating' },
  auth: 'public',
  params: caseParams,
  query: z.strictObject({ sent: text, rated: text }),
  errors: ['not_found', 'unauthorized'],
  response: page,
});

export const webTicketRateOp = operation({
  id: 'webTicketRate',
  method: 'POST',
  path: '/me/tickets/{code}/{id}/rating',
  tag: 'web',
  summary: { zh: '评价诉求办理结果（好差评，表单）', en: 'Rate how a ticket was handled (form post)' },
  auth: 'public',
  params: caseParams,
  bodyType: 'form',
  body: caseForm,
  errors: ['not_found', 'unauthorized', 'conflict', 'already_exists', 'unprocessable'],
  response: onward,
});

export const webLettersOp = operation({
  id: 'webLetters',
  method: 'GET',
  path: '/units/{code}/letters',
  tag: 'web',
  summary: { zh: '单位公开的来信和答复', en: "A unit's published letters and answers" },
  auth: 'public',
  params: codeParam,
  query: z.strictObject({ cursor: text }),
  errors: ['not_found'],
  response: page,
});

export const webFileOp = operation({
  id: 'webFile',
  method: 'GET',
  path: '/files/{kind}/{code}/{id}/{n}',
  tag: 'web',
  summary: {
    zh: '下载公开文件或本人办件的附件：核对后转到 5 分钟内有效的下载地址',
    en: "Download a file of a published document or of one's own application: checked, then sent on to a link valid 5 minutes",
  },
  auth: 'public',
  params: z.strictObject({ kind: z.string(), code: z.string(), id: z.string(), n: z.string() }),
  errors: ['not_found', 'unauthorized'],
  response: onward,
});

export const webUploadOp = operation({
  id: 'webUpload',
  method: 'POST',
  path: '/units/{code}/uploads',
  tag: 'web',
  summary: {
    zh: '网页上传附件：以登录会话取得一次性的表单上传地址（JSON），文件直接上传到存储桶',
    en: "Upload a file from the pages: a one-time form upload to the bucket for the session's person (JSON)",
  },
  auth: 'public',
  params: codeParam,
  bodyType: 'form',
  body: caseForm,
  errors: ['not_found', 'forbidden', 'unauthorized'],
  response: { status: 201, schema: z.object({ key: z.string(), url: z.string(), fields: z.record(z.string(), z.string()), expiresAt: z.string() }) },
});

export const WEB_OPERATIONS = [
  webFileOp,
  webUploadOp,
  webDocumentsOp,
  webDocumentOp,
  webDisclosureRequestOp,
  webDisclosureRequestSubmitOp,
  webMyDisclosureRequestOp,
  webTicketFormOp,
  webTicketFileOp,
  webTicketOp,
  webTicketRateOp,
  webLettersOp,
  webApplyOp,
  webApplySubmitOp,
  webCaseOp,
  webSupplementOp,
  webRateOp,
  webHomeOp,
  webUnitOp,
  webSitemapOp,
  webAssetOp,
  webPrefsOp,
  webSignInOp,
  webCallbackOp,
  webSignOutOp,
  webMeOp,
  webCatalogOp,
  webGuideOp,
  webProgressOp,
];
