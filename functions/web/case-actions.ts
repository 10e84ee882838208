import { ApiError } from '../../shared/errors';
import type { Reply } from '../../shared/http/context';
import type { Text } from '../../shared/i18n';
import { isUnitCode } from '../../shared/codes';
import { FIELD_MESSAGES } from '../../shared/validation-messages';
import { getItem } from '../services/catalog';
import { RATING_LABELS, RATINGS, readApplication, supplement, type ApplicationView, type Rating, type Status } from '../services/applications';
import { rateOp, supplementOp } from '../services/api';
import { checkForm, type Field, type FormValues } from '../services/forms';
import { rate } from '../services/ratings';
import { fileLinks } from './files';
import { html, type Html } from './html';
import { layout } from './layout';
import { htmlReply, redirect, t, type PageContext } from './page';
import { notFoundPage, signInFirst } from './pages';
import { csrfMatches } from './session';
import { STATUS } from './services';
import { CHECK_HREF, clientRules, type Asked } from './form-check';
import { addErrors, errorSummary, fieldHtml, FORM_TEXT, formAnswers, gather, one, schemaCheck, type Errors, type Values } from './form-fields';
import { attachmentFields, postedAttachments, slotErrors, supplementSlots, uploadHeaders, UPLOAD_HREF } from './uploads';

/**
 * The applicant's own case page and what they do on it: answer a 补正 (what is missing, the staff's reason, the
 * fields asked for) and rate the case once it is completed (好差评). Both forms post to the case with the session's
 * CSRF token and are checked by the API's own domain functions; a refusal comes back beside its field with what was
 * typed, a case that moved on meanwhile is shown as it is now (409), and a success returns to the case with a
 * confirmation and what happens next.
 */

const L = {
  sent: { zh: '申请已提交', en: 'Application sent' },
  supplemented: { zh: '补正已提交', en: 'Your reply was sent' },
  rated: { zh: '感谢您的评价', en: 'Thank you for your rating' },
  ref: { zh: '办件编号', en: 'Reference number' },
  next: { zh: '接下来', en: 'What happens next' },
  nextSent: {
    zh: '办理部门将在 1 个工作日内受理。如需补正材料，我们会通知您；您可以随时在「我的办件」中查看进度，也可以凭办件编号和姓名查询。',
    en: 'The department will accept it within one working day. If anything is missing we will tell you; follow it any time under "My applications", or with the reference number and your name.',
  },
  nextSupplemented: {
    zh: '办理部门将继续办理，计时从补正前剩余的工作日继续。办理结果会通过短信和站内消息通知您。',
    en: 'The department carries on; the clock runs again with the working days that were left. You will be told of the outcome by SMS and in your messages.',
  },
  nextRatedGood: { zh: '您的评价已记入办理部门的好差评统计。', en: "Your rating counts in the department's ratings." },
  nextRatedBad: {
    zh: '办理部门将回访您并进行整改，整改结果会通过短信告知您。',
    en: 'The department will call you back and put things right; you will be told what was done by SMS.',
  },
  due: { zh: '办结期限', en: 'Due by' },
  daysLeft: { zh: '剩余办理时限', en: 'Working days left' },
  days: { zh: ' 个工作日（补正期间暂停计时）', en: ' working days (the clock stops until you reply)' },
  status: { zh: '办理状态', en: 'Status' },
  timeline: { zh: '办理过程', en: 'What has happened' },
  mine: { zh: '我的办件', en: 'My applications' },
  needed: { zh: '需要您补正', en: 'What we need from you' },
  reason: { zh: '办理部门说明', en: 'Why' },
  missing: { zh: '需补正的内容', en: 'What is missing' },
  answer: { zh: '提交补正', en: 'Send your reply' },
  answerLede: {
    zh: '请修改或补充下列内容，未修改的项目保持原样。',
    en: 'Correct or add to the answers below; anything you leave as it is stays as it was.',
  },
  note: { zh: '补正说明', en: 'What you changed' },
  noteHint: { zh: '简要说明补充或更正了哪些内容。', en: 'Say briefly what you added or corrected.' },
  result: { zh: '办理结果', en: 'Outcome' },
  verification: { zh: '结果核验码', en: 'Verification code' },
  rate: { zh: '评价本次办理', en: 'Rate this service' },
  level: { zh: '您对本次办理是否满意？', en: 'How satisfied are you with this service?' },
  comment: { zh: '意见和建议', en: 'Comments' },
  sendRating: { zh: '提交评价', en: 'Send rating' },
  yourRating: { zh: '您的评价', en: 'Your rating' },
  changed: { zh: '此办件已有变化，以下是最新状态。', en: 'This application has changed meanwhile; here is how it stands now.' },
  noSupplement: { zh: '此办件现在无需补正。', en: 'This application is not waiting for a reply from you now.' },
} satisfies Record<string, Text>;

/** Between a label and what follows it. */
const SEP: Text = { zh: '：', en: ': ' };

const OUTCOME: Record<string, Text> = { approved: { zh: '准予许可', en: 'Approved' }, denied: { zh: '不予许可', en: 'Refused' } };

/** 好差评's five national levels, in both languages (the Chinese names are the platform's own). */
const RATING_EN: Record<Rating, string> = {
  'very-satisfied': 'Very satisfied',
  satisfied: 'Satisfied',
  fair: 'Fair',
  dissatisfied: 'Dissatisfied',
  'very-dissatisfied': 'Very dissatisfied',
};
export const RATING_TEXT = Object.fromEntries(RATINGS.map((r) => [r, { zh: RATING_LABELS[r], en: RATING_EN[r] }])) as Record<Rating, Text>;
const BAD_RATINGS: ReadonlySet<string> = new Set<Rating>(['dissatisfied', 'very-dissatisfied']);

/** Each step of the timeline in words; a step of another kind is named by the status it left. */
const ACTIONS: Record<string, Text> = {
  submit: { zh: '提交申请', en: 'Application sent' },
  accept: { zh: '受理', en: 'Accepted' },
  reject: { zh: '不予受理', en: 'Not accepted' },
  'request-supplement': { zh: '要求补正', en: 'More asked of you' },
  supplement: { zh: '提交补正', en: 'Your reply' },
  review: { zh: '进入审查', en: 'Under review' },
  approve: { zh: '审查通过', en: 'Approved' },
  deny: { zh: '不予许可', en: 'Refused' },
  complete: { zh: '办结', en: 'Completed' },
  rate: { zh: '评价', en: 'Rated' },
};

const statusText = (ctx: PageContext, s: string) => t(ctx, STATUS[s as Status] ?? { zh: s, en: s });
const when = (at: string) => at.slice(0, 16).replace('T', ' ');

// ---------------------------------------------------------------- 补正

/**
 * The fields a 补正 asks for: those of the item's form that an entry of the missing list names (by label or field
 * name); if it names none (a missing document, say), the whole form, so that any answer can be corrected.
 */
const names = (m: string, f: Field) => m.includes(f.label) || f.label.includes(m) || m.includes(f.name);
export function askedFields(form: Field[], missing: readonly string[]): Field[] {
  const named = form.filter((f) => missing.some((m) => names(m, f)));
  return named.length ? named : form;
}

/** The entries of the missing list that no field answers: documents to send, each a file to attach. */
export const missingFiles = (form: Field[], missing: readonly string[]) => missing.filter((m) => !form.some((f) => names(m, f)));

/** The current answers as the form's strings, so that the form shows them. */
function currentValues(fields: Field[], form: FormValues): Values {
  const out: Values = {};
  for (const f of fields) {
    const v = form[f.name];
    if (v === undefined) continue;
    out[`form.${f.name}`] = Array.isArray(v) ? v.map(String) : String(v);
  }
  return out;
}

/** The API's checks of a 补正, in its order: the request (the note), then the whole form with the changes. */
export const supplementCheck = (ctx: Pick<PageContext, 'lang'>, asked: Field[], all: Field[], current: FormValues) => (values: Values): Errors => {
  const input = { form: formAnswers(asked, values), note: one(values, 'note') };
  return gather(ctx, [schemaCheck(ctx, supplementOp.body, input), () => checkForm(all, { ...current, ...input.form }, 'body.form')]);
};

export const supplementAsked = (asked: Field[]): Asked[] => [
  ...asked.map((f) => ({ name: `form.${f.name}`, field: f, bounded: true })),
  { name: 'note', field: { type: 'longText' } },
];

interface Posted {
  values: Values;
  errors: Errors;
}

async function supplementBlock(ctx: PageContext, a: ApplicationView, path: string, posted?: Posted): Promise<Html> {
  const item = await getItem(ctx.deps.store, a.item.definer, a.item.code);
  const asking = [...a.timeline].reverse().find((s) => s.action === 'request-supplement');
  const missing = a.missing ?? [];
  const all = item?.form ?? [];
  const asked = askedFields(all, missing);
  const check = supplementCheck(ctx, asked, all, a.form);
  const values = posted?.values ?? currentValues(asked, a.form);
  const errors = posted?.errors ?? new Map();
  const rules = clientRules(supplementAsked(asked), check);
  const slots = supplementSlots(ctx, missingFiles(all, missing));
  return html`<section aria-labelledby="needed" class="panel"><h2 id="needed">${t(ctx, L.needed)}</h2>
${asking?.note ? html`<p><strong>${t(ctx, L.reason)}${t(ctx, SEP)}</strong>${asking.note}</p>` : ''}
<h3>${t(ctx, L.missing)}</h3><ul>${missing.map((m) => html`<li>${m}</li>`)}</ul></section>
<section aria-labelledby="answer"><h2 id="answer">${t(ctx, L.answer)}</h2>
${errorSummary(ctx, errors)}
<p>${t(ctx, L.answerLede)}</p>
<form method="post" action="${path}/supplement" novalidate data-rules="${JSON.stringify(rules)}" data-summary="${t(ctx, FORM_TEXT.errorSummary)}">
<input type="hidden" name="csrf" value="${ctx.signedIn!.session.csrf}">
${asked.map((f) => fieldHtml(ctx, `form.${f.name}`, f.label, f, values, errors))}
${attachmentFields(ctx, a.unit, slots, values, errors)}
${fieldHtml(ctx, 'note', t(ctx, L.note), { type: 'longText', required: true, hint: t(ctx, L.noteHint) }, values, errors)}
<button class="button" type="submit">${t(ctx, L.answer)}</button>
</form></section>`;
}

// ---------------------------------------------------------------- 好差评

function ratingBlock(ctx: PageContext, a: ApplicationView, path: string, posted?: Posted): Html {
  if (a.rating) {
    return html`<section aria-labelledby="rating"><h2 id="rating">${t(ctx, L.yourRating)}</h2>
<p><strong>${t(ctx, RATING_TEXT[a.rating.level])}</strong>${a.rating.comment ? html`${t(ctx, SEP)}${a.rating.comment}` : ''}</p>
<p class="hint">${when(a.rating.at)}</p></section>`;
  }
  if (a.status !== 'completed') return html``;
  const values = posted?.values ?? {};
  const errors = posted?.errors ?? new Map();
  const error = errors.get('level');
  const chosen = one(values, 'level');
  return html`<section aria-labelledby="rating"><h2 id="rating">${t(ctx, L.rate)}</h2>
${errorSummary(ctx, errors)}
<form method="post" action="${path}/rating" novalidate>
<input type="hidden" name="csrf" value="${ctx.signedIn!.session.csrf}">
<div class="field${error ? ' invalid' : ''}" id="level-field"><fieldset id="level"${error ? html` aria-invalid="true" aria-describedby="level-error"` : ''}><legend>${t(ctx, L.level)}</legend>
<p class="error" id="level-error"${error ? '' : html` hidden`}>${error ?? ''}</p>
${RATINGS.map((r, i) => html`<label class="option"><input type="radio" id="level-${i}" name="level" value="${r}"${chosen === r ? html` checked` : ''}> ${t(ctx, RATING_TEXT[r])}</label>`)}
</fieldset></div>
${fieldHtml(ctx, 'comment', t(ctx, L.comment), { type: 'longText', required: false }, values, errors)}
<button class="button" type="submit">${t(ctx, L.sendRating)}</button>
</form></section>`;
}

// ---------------------------------------------------------------- the page

export interface CaseState {
  /** What was just done: the confirmation to show. */
  done?: 'sent' | 'supplement' | 'rating';
  supplement?: Posted;
  rating?: Posted;
  /** The case moved on since the form was shown: say so above its current state. */
  changed?: string;
}

async function readMine(ctx: PageContext, code: string, id: string): Promise<ApplicationView | undefined> {
  if (!isUnitCode(code)) return undefined;
  try {
    return await readApplication(ctx.deps, ctx.signedIn!.session.principal, code, id, false);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return undefined;
    throw e;
  }
}

function confirmation(ctx: PageContext, a: ApplicationView, done: CaseState['done']): Html {
  if (!done) return html``;
  const [title, next] =
    done === 'sent'
      ? [L.sent, L.nextSent]
      : done === 'supplement'
        ? [L.supplemented, L.nextSupplemented]
        : [L.rated, a.rating && BAD_RATINGS.has(a.rating.level) ? L.nextRatedBad : L.nextRatedGood];
  return html`<div class="panel" role="status"><h1>${t(ctx, title)}</h1><p>${t(ctx, L.ref)}${t(ctx, SEP)}<strong>${a.ref}</strong></p>
<h2>${t(ctx, L.next)}</h2><p>${t(ctx, next)}</p></div>`;
}

async function renderCase(ctx: PageContext, a: ApplicationView, state: CaseState, status: number): Promise<Reply> {
  const path = `/me/applications/${a.unit}/${a.id}`;
  const supplementing = a.status === 'supplement';
  const body = html`${state.changed ? html`<div class="errors" role="alert" tabindex="-1"><p>${t(ctx, L.changed)}</p><p>${state.changed}</p></div>` : ''}
${confirmation(ctx, a, state.done)}
${state.done ? html`<h2>${a.item.name}</h2>` : html`<h1>${a.item.name}</h1>`}
<dl class="facts"><dt>${t(ctx, L.ref)}</dt><dd>${a.ref}</dd>
<dt>${t(ctx, L.status)}</dt><dd><strong>${statusText(ctx, a.status)}</strong></dd>
${a.due ? html`<dt>${t(ctx, L.due)}</dt><dd>${a.due}</dd>` : ''}
${a.daysLeft !== undefined ? html`<dt>${t(ctx, L.daysLeft)}</dt><dd>${a.daysLeft}${t(ctx, L.days)}</dd>` : ''}
${a.result ? html`<dt>${t(ctx, L.result)}</dt><dd>${t(ctx, OUTCOME[a.result.outcome]!)}${a.result.note ? html`${t(ctx, SEP)}${a.result.note}` : ''}</dd>
<dt>${t(ctx, L.verification)}</dt><dd>${a.result.verificationCode}</dd>` : ''}</dl>
${supplementing ? await supplementBlock(ctx, a, path, state.supplement) : ''}
${ratingBlock(ctx, a, path, state.rating)}
${fileLinks(ctx, 'applications', a.unit, a.id, a.attachments)}
<h2>${t(ctx, L.timeline)}</h2>
<ol class="timeline">${a.timeline.map(
    (s) =>
      html`<li><time datetime="${s.at}">${when(s.at)}</time> ${t(ctx, ACTIONS[s.action] ?? STATUS[s.status as Status] ?? { zh: s.action, en: s.action })}${
        s.action === 'rate' && a.rating ? html`${t(ctx, SEP)}${t(ctx, RATING_TEXT[a.rating.level])}` : s.note ? html`${t(ctx, SEP)}${s.note}` : ''
      }</li>`,
  )}</ol>
<p><a href="/me">${t(ctx, L.mine)}</a></p>`;
  return htmlReply(status, layout(ctx, {
    title: a.item.name,
    body,
    crumbs: [{ href: '/me', label: t(ctx, L.mine) }, { href: path, label: a.ref }],
    scripts: supplementing ? [CHECK_HREF, UPLOAD_HREF] : [],
  }), supplementing ? uploadHeaders() : {});
}

export async function casePage(ctx: PageContext, code: string, id: string, done?: string): Promise<Reply> {
  if (!ctx.signedIn) return signInFirst(ctx, `/me/applications/${code}/${id}`);
  const a = await readMine(ctx, code, id);
  if (!a) return notFoundPage(ctx);
  const shown = done === '1' || done === 'sent' ? 'sent' : done === 'supplement' || done === 'rating' ? done : undefined;
  return renderCase(ctx, a, { done: shown }, 200);
}

/** A step the case no longer takes (answered, rated, moved on): the case as it is now, with the API's reason. */
async function changed(ctx: PageContext, code: string, id: string, why: string): Promise<Reply> {
  const now = await readMine(ctx, code, id);
  if (!now) return notFoundPage(ctx);
  return renderCase(ctx, now, { changed: why }, 409);
}

const refusedForm = (e: unknown) => e instanceof ApiError && e.code === 'validation_failed';
const movedOn = (e: unknown): e is ApiError => e instanceof ApiError && (e.code === 'conflict' || e.code === 'unprocessable' || e.code === 'already_exists');

export async function supplementPost(ctx: PageContext, code: string, id: string, values: Values): Promise<Reply> {
  const path = `/me/applications/${code}/${id}`;
  if (!ctx.signedIn) return signInFirst(ctx, path);
  const a = await readMine(ctx, code, id);
  if (!a) return notFoundPage(ctx);
  if (a.status !== 'supplement') return changed(ctx, code, id, t(ctx, L.noSupplement));
  if (!csrfMatches(ctx.signedIn.session, values.csrf)) {
    return renderCase(ctx, a, { supplement: { values, errors: new Map([['csrf', t(ctx, FORM_TEXT.badForm)]]) } }, 403);
  }
  const item = await getItem(ctx.deps.store, a.item.definer, a.item.code);
  const all = item?.form ?? [];
  const asked = askedFields(all, a.missing ?? []);
  const errors = supplementCheck(ctx, asked, all, a.form)(values);
  const files = postedAttachments(ctx, supplementSlots(ctx, missingFiles(all, a.missing ?? [])), values);
  const input = { form: formAnswers(asked, values), note: one(values, 'note'), ...(files.refs.length ? { attachments: files.refs } : {}) };
  for (const [k, m] of [...files.errors, ...slotErrors(gather(ctx, [schemaCheck(ctx, supplementOp.body, input)]), files.from)]) if (!errors.has(k)) errors.set(k, m);
  if (errors.size) return renderCase(ctx, a, { supplement: { values, errors } }, 400);
  try {
    await supplement(ctx.deps, ctx.signedIn.session.principal, code, id, input);
  } catch (e) {
    const fileRefused = e instanceof ApiError && e.code === 'unprocessable' && e.fields.length > 0;
    if (refusedForm(e) || fileRefused) return renderCase(ctx, a, { supplement: { values, errors: slotErrors(addErrors(ctx, e as ApiError, new Map()), files.from) } }, 400);
    if (movedOn(e)) return changed(ctx, code, id, e.body(ctx.lang).error.message);
    throw e;
  }
  return redirect(`${path}?done=supplement`);
}

export async function ratePost(ctx: PageContext, code: string, id: string, values: Values): Promise<Reply> {
  const path = `/me/applications/${code}/${id}`;
  if (!ctx.signedIn) return signInFirst(ctx, path);
  const a = await readMine(ctx, code, id);
  if (!a) return notFoundPage(ctx);
  if (!csrfMatches(ctx.signedIn.session, values.csrf)) {
    return renderCase(ctx, a, { rating: { values, errors: new Map([['csrf', t(ctx, FORM_TEXT.badForm)]]) } }, 403);
  }
  const comment = one(values, 'comment');
  const input = { level: one(values, 'level') || undefined, ...(comment ? { comment } : {}) };
  // No level chosen is a missing answer, not a wrong one (the schema would list the levels' codes), as in checkForm.
  const errors = gather(ctx, [schemaCheck(ctx, rateOp.body, input)], input.level ? new Map() : new Map([['level', t(ctx, FIELD_MESSAGES.required)]]));
  if (errors.size) return renderCase(ctx, a, { rating: { values, errors } }, 400);
  try {
    await rate(ctx.deps, ctx.signedIn.session.principal, code, id, input as { level: Rating; comment?: string });
  } catch (e) {
    if (refusedForm(e)) return renderCase(ctx, a, { rating: { values, errors: addErrors(ctx, e as ApiError, new Map()) } }, 400);
    if (movedOn(e)) return changed(ctx, code, id, e.body(ctx.lang).error.message);
    throw e;
  }
  return redirect(`${path}?done=rating`);
}
