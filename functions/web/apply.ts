import { ApiError } from '../../shared/errors';
import type { Reply } from '../../shared/http/context';
import type { Text } from '../../shared/i18n';
import type { Principal } from '../../shared/roles';
import { isUnitCode } from '../../shared/codes';
import { offerAt } from '../services/catalog';
import { checkApplicant, myApplications, submit, type Status } from '../services/applications';
import { submitOp } from '../services/api';
import { checkForm } from '../services/forms';
import type { Field } from '../services/forms';
import { html, type Html } from './html';
import { layout } from './layout';
import { htmlReply, redirect, t, type PageContext } from './page';
import { notFoundPage, signInFirst } from './pages';
import { csrfMatches } from './session';
import { keepForm, resumeForm } from './kept-form';
import { STATUS } from './services';
import { CHECK_HREF, clientRules, type Asked } from './form-check';
import { addErrors, errorSummary, fieldHtml, FORM_TEXT, formAnswers, gather, one, schemaCheck, type Errors, type Values } from './form-fields';
import type { Attachment } from '../uploads/attachments';
import { attachmentFields, materialSlots, postedAttachments, slotErrors, uploadHeaders, UPLOAD_HREF, type Slot } from './uploads';

/**
 * Applying for a service with the form its item defines, and my cases. The form posts to the page itself with the
 * session's CSRF token; the API's own domain function checks it, so a mistake comes back with the very message the
 * API gives, next to its field, with everything typed kept; the page's script checks the same rules first (see
 * form-check.ts). A sent application goes on to its case page (post, then redirect), which shows the reference number
 * and what happens next.
 */

const L = {
  apply: { zh: '在线申请', en: 'Apply online' },
  applicant: { zh: '申请人', en: 'Applicant' },
  applicantName: { zh: '姓名（单位名称）', en: 'Name (or business name)' },
  idNumber: { zh: '身份证号码（统一社会信用代码）', en: 'Resident ID (or credit code)' },
  phone: { zh: '手机号码', en: 'Mobile number' },
  details: { zh: '申请内容', en: 'About your application' },
  send: { zh: '提交申请', en: 'Send application' },
  due: { zh: '办结期限', en: 'Due by' },
  mine: { zh: '我的办件', en: 'My applications' },
  none: { zh: '您还没有办件。', en: 'You have no applications yet.' },
  onlyPublic: { zh: '在线申请仅面向个人和企业账户。', en: 'Only residents and businesses apply online.' },
} satisfies Record<string, Text>;

const statusText = (ctx: PageContext, s: string) => t(ctx, STATUS[s as Status] ?? { zh: s, en: s });

async function offered(ctx: PageContext, code: string, definer: string, item: string) {
  if (!isUnitCode(code) || !isUnitCode(definer)) return undefined;
  try {
    return await offerAt(ctx.deps.store, code, definer, item);
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 422)) return undefined;
    throw e;
  }
}

/** An application as the API takes it, from the posted strings. */
function applicationInput(definer: string, item: string, fields: Field[], values: Values, attachments?: Attachment[]) {
  return {
    definer,
    item,
    form: formAnswers(fields, values),
    applicant: { name: one(values, 'applicant.name'), idNumber: one(values, 'applicant.idNumber'), phone: one(values, 'applicant.phone') },
    ...(attachments?.length ? { attachments } : {}),
  };
}

/** Every mistake at once, in the API's words: its request schema, then the applicant's number and the item's form. */
export const applyCheck = (ctx: Pick<PageContext, 'lang'>, principal: Principal, definer: string, item: string, fields: Field[]) => (values: Values): Errors => {
  const input = applicationInput(definer, item, fields, values);
  return gather(ctx, [
    schemaCheck(ctx, submitOp.body, input),
    () => checkApplicant(principal, input.applicant, 'body.applicant'),
    () => checkForm(fields, input.form, 'body.form'),
  ]);
};

/** The fields the apply form asks, for the in-page check. */
export const applyAsked = (principal: Principal, fields: Field[]): Asked[] => [
  { name: 'applicant.name', field: { type: 'text' } },
  { name: 'applicant.idNumber', field: { type: principal.role === 'business' ? 'creditCode' : 'residentId' } },
  { name: 'applicant.phone', field: { type: 'mobile' } },
  ...fields.map((f) => ({ name: `form.${f.name}`, field: f, bounded: true })),
];

function applyForm(ctx: PageContext, path: string, item: { name: string; form: Field[]; slots: Slot[]; unit: string }, check: (v: Values) => Errors, values: Values, errors: Errors, status = 200): Reply {
  const session = ctx.signedIn!.session;
  const fields = item.form;
  const rules = clientRules(applyAsked(session.principal, fields), check);
  const body = html`<h1>${t(ctx, L.apply)}：${item.name}</h1>
${errorSummary(ctx, errors)}
<form method="post" action="${path}" novalidate data-rules="${JSON.stringify(rules)}" data-summary="${t(ctx, FORM_TEXT.errorSummary)}">
<input type="hidden" name="csrf" value="${session.csrf}">
<h2>${t(ctx, L.applicant)}</h2>
${fieldHtml(ctx, 'applicant.name', t(ctx, L.applicantName), { type: 'text', required: true }, values, errors)}
${fieldHtml(ctx, 'applicant.idNumber', t(ctx, L.idNumber), { type: 'text', required: true }, values, errors)}
${fieldHtml(ctx, 'applicant.phone', t(ctx, L.phone), { type: 'mobile', required: true }, values, errors)}
${fields.length ? html`<h2>${t(ctx, L.details)}</h2>` : ''}
${fields.map((f) => fieldHtml(ctx, `form.${f.name}`, f.label, f, values, errors))}
${attachmentFields(ctx, item.unit, item.slots, values, errors)}
<button class="button" type="submit">${t(ctx, L.send)}</button>
</form>`;
  const uploads = item.slots.length > 0;
  return htmlReply(status, layout(ctx, { title: `${t(ctx, L.apply)}：${item.name}`, body, scripts: uploads ? [CHECK_HREF, UPLOAD_HREF] : [CHECK_HREF] }), uploads ? uploadHeaders() : {});
}

export async function applyPage(ctx: PageContext, code: string, definer: string, item: string, posted?: Values): Promise<Reply> {
  const path = `/units/${code}/services/${definer}/${item}/apply`;
  if (!ctx.signedIn) return posted ? keepForm(ctx, posted) : signInFirst(ctx, path);
  const found = await offered(ctx, code, definer, item);
  if (!found) return notFoundPage(ctx);
  const { principal } = ctx.signedIn.session;
  if (principal.role !== 'citizen' && principal.role !== 'business') {
    return htmlReply(403, layout(ctx, { title: t(ctx, L.apply), body: html`<h1>${t(ctx, L.apply)}</h1><p>${t(ctx, L.onlyPublic)}</p>` }));
  }
  const check = applyCheck(ctx, principal, definer, item, found.item.form);
  const shown = { ...found.item, slots: materialSlots(found.item.materials), unit: code };
  if (!posted) return applyForm(ctx, path, shown, check, (await resumeForm(ctx)) ?? {}, new Map());
  if (!csrfMatches(ctx.signedIn.session, posted.csrf)) return applyForm(ctx, path, shown, check, posted, new Map([['csrf', t(ctx, FORM_TEXT.badForm)]]), 403);
  // The files: the request schema's checks of them beside their slots, after the fields'.
  const files = postedAttachments(ctx, shown.slots, posted);
  const input = applicationInput(definer, item, found.item.form, posted, files.refs);
  const errors = check(posted);
  for (const [k, m] of [...files.errors, ...slotErrors(gather(ctx, [schemaCheck(ctx, submitOp.body, input)]), files.from)]) if (!errors.has(k)) errors.set(k, m);
  if (errors.size) return applyForm(ctx, path, shown, check, posted, errors, 400);
  try {
    const made = await submit(ctx.deps, principal, code, input);
    return redirect(`/me/applications/${made.unit}/${made.id}?sent=1`);
  } catch (e) {
    // A refused file (not in the bucket, not as described) comes back beside its slot, as a field does.
    if (!(e instanceof ApiError) || !(e.code === 'validation_failed' || (e.code === 'unprocessable' && e.fields.length))) throw e;
    return applyForm(ctx, path, shown, check, posted, slotErrors(addErrors(ctx, e, new Map()), files.from), 400);
  }
}

/** The signed-in citizen's or business's applications, newest first, for the account page. */
export async function myCasesBlock(ctx: PageContext): Promise<Html> {
  const p = ctx.signedIn!.session.principal;
  if (p.role !== 'citizen' && p.role !== 'business') return html``;
  const mine = await myApplications(ctx.deps.store, p, 50);
  return html`<section aria-labelledby="mine"><h2 id="mine">${t(ctx, L.mine)}</h2>
${
  mine.items.length
    ? html`<ul class="items">${mine.items.map(
        (c) => html`<li><a href="/me/applications/${c.unit}/${c.id}">${c.title}</a><span>${c.ref} · ${statusText(ctx, c.status)}${c.due ? html` · ${t(ctx, L.due)} ${c.due}` : ''}</span></li>`,
      )}</ul>`
    : html`<p>${t(ctx, L.none)}</p>`
}</section>`;
}
