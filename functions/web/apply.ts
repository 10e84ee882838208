import { ApiError } from '../../shared/errors';
import type { Reply } from '../../shared/http/context';
import type { Text } from '../../shared/i18n';
import { isUnitCode } from '../../shared/codes';
import { offerAt } from '../services/catalog';
import { checkApplicant, myApplications, readApplication, submit, type Status } from '../services/applications';
import { submitOp } from '../services/api';
import { checkForm } from '../services/forms';
import { parseRequestPart } from '../../shared/http/middlewares/validate-input';
import type { FieldError } from '../../shared/errors';
import type { Field } from '../services/forms';
import { html, type Html } from './html';
import { fileLinks } from './files';
import { layout } from './layout';
import { htmlReply, redirect, t, type PageContext } from './page';
import { notFoundPage, signInFirst } from './pages';
import { csrfMatches } from './session';
import { STATUS } from './services';

/**
 * Applying for a service with the form its item defines, my cases and each case. The form posts to the page itself
 * with the session's CSRF token; the API's own domain function checks it, so a mistake comes back with the very
 * message the API gives, next to its field, with everything typed kept. A sent application goes on to its case page
 * (post, then redirect), which shows the reference number and what happens next.
 */

const L = {
  apply: { zh: '在线申请', en: 'Apply online' },
  applicant: { zh: '申请人', en: 'Applicant' },
  applicantName: { zh: '姓名（单位名称）', en: 'Name (or business name)' },
  idNumber: { zh: '身份证号码（统一社会信用代码）', en: 'Resident ID (or credit code)' },
  phone: { zh: '手机号码', en: 'Mobile number' },
  details: { zh: '申请内容', en: 'About your application' },
  optional: { zh: '（选填）', en: ' (optional)' },
  send: { zh: '提交申请', en: 'Send application' },
  errorSummary: { zh: '请修改以下问题', en: 'There is a problem' },
  badForm: { zh: '表单已过期，请重新填写提交。', en: 'This form has expired; please fill it in again.' },
  sent: { zh: '申请已提交', en: 'Application sent' },
  ref: { zh: '办件编号', en: 'Reference number' },
  next: { zh: '接下来', en: 'What happens next' },
  nextText: {
    zh: '办理部门将在 1 个工作日内受理。如需补正材料，我们会通知您；您可以随时在「我的办件」中查看进度，也可以凭办件编号和姓名查询。',
    en: 'The department will accept it within one working day. If anything is missing we will tell you; follow it any time under "My applications", or with the reference number and your name.',
  },
  due: { zh: '办结期限', en: 'Due by' },
  status: { zh: '办理状态', en: 'Status' },
  timeline: { zh: '办理过程', en: 'What has happened' },
  mine: { zh: '我的办件', en: 'My applications' },
  none: { zh: '您还没有办件。', en: 'You have no applications yet.' },
  onlyPublic: { zh: '在线申请仅面向个人和企业账户。', en: 'Only residents and businesses apply online.' },
} satisfies Record<string, Text>;

type Values = Record<string, string | string[]>;
type Errors = Map<string, string>;

const statusText = (ctx: PageContext, s: string) => t(ctx, STATUS[s as Status] ?? { zh: s, en: s });

function fieldHtml(ctx: PageContext, name: string, label: string, f: Pick<Field, 'type' | 'required' | 'options' | 'hint'>, values: Values, errors: Errors): Html {
  const id = name.replace('.', '-');
  const value = values[name];
  const one = Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
  const error = errors.get(name);
  const described = [f.hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  const aria = html`${error ? html` aria-invalid="true"` : ''}${described ? html` aria-describedby="${described}"` : ''}`;
  const head = html`${f.hint ? html`<p class="hint" id="${id}-hint">${f.hint}</p>` : ''}${error ? html`<p class="error" id="${id}-error">${error}</p>` : ''}`;
  const title = html`${label}${f.required ? '' : t(ctx, L.optional)}`;
  if (f.type === 'choice' || f.type === 'choices') {
    const chosen = new Set(Array.isArray(value) ? value : value ? [value] : []);
    const kind = f.type === 'choice' ? 'radio' : 'checkbox';
    return html`<div class="field${error ? ' invalid' : ''}"><fieldset${aria}><legend>${title}</legend>${head}
${(f.options ?? []).map((o, i) => html`<label class="option"><input type="${kind}" id="${id}-${i}" name="${name}" value="${o}"${chosen.has(o) ? html` checked` : ''}> ${o}</label>`)}
</fieldset></div>`;
  }
  if (f.type === 'boolean') {
    return html`<div class="field${error ? ' invalid' : ''}">${head}<label class="option"><input type="checkbox" id="${id}" name="${name}" value="true"${one === 'true' ? html` checked` : ''}${aria}> ${title}</label></div>`;
  }
  const input =
    f.type === 'longText'
      ? html`<textarea id="${id}" name="${name}" rows="5"${aria}>${one}</textarea>`
      : html`<input id="${id}" name="${name}" value="${one}" type="${f.type === 'date' ? 'date' : 'text'}"${
          f.type === 'mobile' ? html` inputmode="tel" autocomplete="tel"` : f.type === 'numeric' ? html` inputmode="decimal"` : ''
        }${aria}>`;
  return html`<div class="field${error ? ' invalid' : ''}"><label for="${id}">${title}</label>${head}${input}</div>`;
}

async function offered(ctx: PageContext, code: string, definer: string, item: string) {
  if (!isUnitCode(code) || !isUnitCode(definer)) return undefined;
  try {
    return await offerAt(ctx.deps.store, code, definer, item);
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 422)) return undefined;
    throw e;
  }
}

function applyForm(ctx: PageContext, path: string, name: string, fields: Field[], values: Values, errors: Errors, status = 200): Reply {
  const session = ctx.signedIn!.session;
  const body = html`<h1>${t(ctx, L.apply)}：${name}</h1>
${
  errors.size
    ? html`<div class="errors" role="alert" tabindex="-1"><h2>${t(ctx, L.errorSummary)}</h2><ul>${[...errors].map(
        ([k, m]) => html`<li><a href="#${k.replace('.', '-')}">${m}</a></li>`,
      )}</ul></div>`
    : ''
}
<form method="post" action="${path}" novalidate>
<input type="hidden" name="csrf" value="${session.csrf}">
<h2>${t(ctx, L.applicant)}</h2>
${fieldHtml(ctx, 'applicant.name', t(ctx, L.applicantName), { type: 'text', required: true }, values, errors)}
${fieldHtml(ctx, 'applicant.idNumber', t(ctx, L.idNumber), { type: 'text', required: true }, values, errors)}
${fieldHtml(ctx, 'applicant.phone', t(ctx, L.phone), { type: 'mobile', required: true }, values, errors)}
${fields.length ? html`<h2>${t(ctx, L.details)}</h2>` : ''}
${fields.map((f) => fieldHtml(ctx, `form.${f.name}`, f.label, f, values, errors))}
<button class="button" type="submit">${t(ctx, L.send)}</button>
</form>`;
  return htmlReply(status, layout(ctx, { title: `${t(ctx, L.apply)}：${name}`, body }));
}

/** Typed answers from an HTML form's strings, as the item's form asks for them: an empty answer is no answer. */
function answers(fields: Field[], values: Values) {
  const form: Record<string, unknown> = {};
  for (const f of fields) {
    const raw = values[`form.${f.name}`];
    const list = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter((x) => x !== '');
    if (f.type === 'choices') {
      if (list.length) form[f.name] = list;
      continue;
    }
    const v = list[0];
    if (v === undefined) continue;
    form[f.name] = f.type === 'numeric' ? (Number.isFinite(Number(v)) ? Number(v) : v) : f.type === 'boolean' ? v === 'true' : v;
  }
  const one = (k: string) => {
    const v = values[`applicant.${k}`];
    return (Array.isArray(v) ? v[0] : v) ?? '';
  };
  return { form, applicant: { name: one('name'), idNumber: one('idNumber'), phone: one('phone') } };
}

export async function applyPage(ctx: PageContext, code: string, definer: string, item: string, posted?: Values): Promise<Reply> {
  const path = `/units/${code}/services/${definer}/${item}/apply`;
  if (!ctx.signedIn) return signInFirst(ctx, path);
  const found = await offered(ctx, code, definer, item);
  if (!found) return notFoundPage(ctx);
  const { principal } = ctx.signedIn.session;
  if (principal.role !== 'citizen' && principal.role !== 'business') {
    return htmlReply(403, layout(ctx, { title: t(ctx, L.apply), body: html`<h1>${t(ctx, L.apply)}</h1><p>${t(ctx, L.onlyPublic)}</p>` }));
  }
  if (!posted) return applyForm(ctx, path, found.item.name, found.item.form, {}, new Map());
  if (!csrfMatches(ctx.signedIn.session, posted.csrf)) return applyForm(ctx, path, found.item.name, found.item.form, posted, new Map([['csrf', t(ctx, L.badForm)]]), 403);
  const { form, applicant } = answers(found.item.form, posted);
  const input = { definer, item, form, applicant };
  // Every mistake at once, in the API's words: its request schema, then the applicant's number and the item's form.
  const fields: FieldError[] = [];
  parseRequestPart(submitOp.body, input, 'body', ctx.lang, fields);
  for (const check of [() => checkApplicant(principal, applicant, 'body.applicant'), () => checkForm(found.item.form, form, 'body.form')]) {
    try {
      check();
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      fields.push(...e.body(ctx.lang).error.fields);
    }
  }
  try {
    if (fields.length) throw new ApiError('validation_failed', fields);
    const made = await submit(ctx.deps, principal, code, input);
    return redirect(`/me/applications/${made.unit}/${made.id}?sent=1`);
  } catch (e) {
    if (!(e instanceof ApiError) || e.code !== 'validation_failed') throw e;
    const errors: Errors = new Map();
    for (const f of e.body(ctx.lang).error.fields) {
      const key = f.path.replace(/^body\./, '');
      if (!errors.has(key)) errors.set(key, f.message);
    }
    return applyForm(ctx, path, found.item.name, found.item.form, posted, errors, 400);
  }
}

export async function casePage(ctx: PageContext, code: string, id: string, sent: boolean): Promise<Reply> {
  const path = `/me/applications/${code}/${id}`;
  if (!ctx.signedIn) return signInFirst(ctx, path);
  let a;
  try {
    a = isUnitCode(code) ? await readApplication(ctx.deps, ctx.signedIn.session.principal, code, id, false) : undefined;
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 404)) throw e;
  }
  if (!a) return notFoundPage(ctx);
  const body = html`${sent ? html`<div class="panel" role="status"><h1>${t(ctx, L.sent)}</h1><p>${t(ctx, L.ref)}：<strong>${a.ref}</strong></p></div>` : ''}
${sent ? html`<h2>${a.item.name}</h2>` : html`<h1>${a.item.name}</h1>`}
<dl class="facts"><dt>${t(ctx, L.ref)}</dt><dd>${a.ref}</dd>
<dt>${t(ctx, L.status)}</dt><dd><strong>${statusText(ctx, a.status)}</strong></dd>
${a.due ? html`<dt>${t(ctx, L.due)}</dt><dd>${a.due}</dd>` : ''}</dl>
${sent ? html`<h2>${t(ctx, L.next)}</h2><p>${t(ctx, L.nextText)}</p>` : ''}
${fileLinks(ctx, 'applications', code, id, a.attachments)}
<h2>${t(ctx, L.timeline)}</h2>
<ol>${a.timeline.map((s) => html`<li>${s.at.slice(0, 16).replace('T', ' ')} ${statusText(ctx, s.status)}${s.note ? html`：${s.note}` : ''}</li>`)}</ol>
<p><a href="/me">${t(ctx, L.mine)}</a></p>`;
  return htmlReply(200, layout(ctx, { title: a.item.name, body, crumbs: [{ href: '/me', label: t(ctx, L.mine) }, { href: path, label: a.ref }] }));
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
