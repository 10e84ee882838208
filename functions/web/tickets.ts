import { isUnitCode } from '../../shared/codes';
import { ApiError, type FieldError } from '../../shared/errors';
import type { Reply } from '../../shared/http/context';
import { parseRequestPart } from '../../shared/http/middlewares/validate-input';
import type { Text } from '../../shared/i18n';
import type { Principal } from '../../shared/roles';
import { toChinaDate } from '../../shared/working-days';
import type * as z from '../../shared/zod';
import { readSettings } from '../../tenants/settings';
import { getUnit } from '../../tenants/units';
import { sumRange, type Counts } from '../stats/rollup';
import { fileTicketOp, rateTicketOp } from '../tickets/api';
import { listPublishedQa, type PublishedQa } from '../tickets/mailbox';
import { CATEGORIES, CATEGORY_CODES, TICKET_TYPES, TYPE_NAMES, titleOf, type Category, type TicketType } from '../tickets/model';
import { fileTicket, listMine, rateTicket, readTicket, type TicketView } from '../tickets/tickets';
import { fieldHtml } from './form-fields';
import { keepForm, resumeForm } from './kept-form';
import { html, type Html } from './html';
import { layout } from './layout';
import { htmlReply, redirect, t, type PageContext } from './page';
import { crumbsOf, notFoundPage, signInFirst } from './pages';
import { csrfMatches } from './session';
import { unitView, type UnitView } from './site';

/**
 * 诉求 and letters to a unit's leadership (领导信箱) on the portal: the form to write one, the writer's own tickets and
 * each ticket's page (its steps, the reply, its deadline, the rating), and on every unit's page its public Q&A and its
 * interaction record. The domain functions of the tickets capability do the work with the signed-in principal, so
 * the checks and messages are the API's own; a refused form comes back with each message beside its field.
 */

const L = {
  talk: { zh: '互动交流', en: 'Write to us' },
  write: { zh: '我要投诉/建议', en: 'Complain or suggest' },
  letter: { zh: '给领导写信', en: 'Write to the leadership' },
  writeTitle: { zh: '投诉、建议和咨询', en: 'Complaints, suggestions and questions' },
  letterTitle: { zh: '领导信箱', en: 'Letter to the leadership' },
  writeLede: {
    zh: '向{unit}反映问题、提出建议或咨询。我们会受理并交承办部门办理，答复后通过短信和站内消息通知您。',
    en: 'Raise a problem, make a suggestion or ask {unit} a question. It is taken up and passed to the department concerned; you are told by SMS and in your messages when it is answered.',
  },
  letterLede: {
    zh: '写给{unit}领导的信由领导办公室阅处、交办，答复后通知您。',
    en: 'Letters to the leadership of {unit} are read by the leader’s office, which passes them on; you are told when they are answered.',
  },
  type: { zh: '类型', en: 'Kind' },
  category: { zh: '事项类别', en: 'What it is about' },
  title: { zh: '标题', en: 'Title' },
  titleHint: { zh: '不填则取内容开头', en: 'Left empty, the start of the text is used' },
  text: { zh: '具体内容', en: 'Details' },
  textHint: { zh: '请写明事情经过、地点和您的诉求。', en: 'Say what happened, where, and what you ask for.' },
  address: { zh: '地点', en: 'Place' },
  addressHint: {
    zh: '如：上保社区12幢楼下。未填写下面的坐标时，地点附在内容末尾。',
    en: 'For example: outside block 12. Without the coordinates below, the place is added to the end of the details.',
  },
  point: { zh: '地图坐标（选填）', en: 'Map coordinates (optional)' },
  lat: { zh: '纬度', en: 'Latitude' },
  lng: { zh: '经度', en: 'Longitude' },
  pointHint: { zh: '十进制度数，如 30.2625', en: 'Decimal degrees, e.g. 30.2625' },
  anonymous: { zh: '匿名：不向承办部门显示我的身份', en: 'Anonymous: do not show who I am to the department handling it' },
  consent: { zh: '同意答复后公开来信和答复（隐去个人信息）', en: 'I agree that the letter and its answer be published, personal details removed' },
  send: { zh: '提交', en: 'Send' },
  choose: { zh: '请选择{what}', en: 'Choose: {what}' },
  errorSummary: { zh: '请修改以下问题', en: 'There is a problem' },
  badForm: { zh: '表单已过期，请重新填写提交。', en: 'This form has expired; please fill it in again.' },
  onlyPublic: { zh: '诉求和来信仅面向个人和企业账户。', en: 'Only residents and businesses write here.' },
  placePrefix: { zh: '地点：', en: 'Place: ' },
  sent: { zh: '已提交', en: 'Sent' },
  ref: { zh: '诉求编号', en: 'Reference number' },
  next: { zh: '接下来', en: 'What happens next' },
  nextTicket: {
    zh: '{unit}会在期限内受理，交承办部门或下级单位办理。答复后我们会通过短信和站内消息通知您，答复会显示在本页；回访之后，您可以在本页评价办理结果。您可以随时在「我的账户」中查看进度。',
    en: '{unit} takes it up by the deadline and passes it to the department or unit concerned. When it is answered you are told by SMS and in your messages, and the reply shows on this page; after the follow-up call you can rate the handling here. Follow it any time under "My account".',
  },
  nextLetter: {
    zh: '领导办公室会在期限内阅处并交办。答复后我们会通过短信和站内消息通知您，答复会显示在本页；回访之后，您可以在本页评价。您可以随时在「我的账户」中查看进度。',
    en: 'The leader’s office reads it by the deadline and passes it on. When it is answered you are told by SMS and in your messages, and the reply shows on this page; after the follow-up call you can rate it here. Follow it any time under "My account".',
  },
  status: { zh: '办理状态', en: 'Status' },
  writtenTo: { zh: '受理单位', en: 'Written to' },
  filedAt: { zh: '提交时间', en: 'Sent on' },
  content: { zh: '您反映的内容', en: 'What you wrote' },
  replies: { zh: '答复', en: 'Reply' },
  noReply: { zh: '尚未答复。', en: 'No reply yet.' },
  timeline: { zh: '办理过程', en: 'What has happened' },
  rating: { zh: '评价', en: 'Rating' },
  rate: { zh: '评价办理结果', en: 'Rate the handling' },
  rateLevel: { zh: '您对办理结果是否满意？', en: 'How satisfied are you with the handling?' },
  comment: { zh: '评价意见', en: 'Comment' },
  sendRating: { zh: '提交评价', en: 'Send rating' },
  rated: { zh: '感谢您的评价。', en: 'Thank you for your rating.' },
  rateLater: { zh: '回访之后即可在此评价办理结果。', en: 'You can rate the handling here after the follow-up call.' },
  mine: { zh: '我的诉求和来信', en: 'My tickets and letters' },
  none: { zh: '您还没有提交过诉求或来信。', en: 'You have not written yet.' },
  qa: { zh: '公开答复', en: 'Published answers' },
  qaNone: { zh: '暂无公开的来信答复。', en: 'No answers published yet.' },
  qaAll: { zh: '全部公开答复', en: 'All published answers' },
  q: { zh: '来信', en: 'Letter' },
  a: { zh: '答复', en: 'Answer' },
  more: { zh: '更多', en: 'More' },
  record: { zh: '互动情况', en: 'Interaction record' },
  recordCaption: { zh: '近 12 个月（{from} 至 {to}）本单位收到的来信和诉求', en: 'Letters and tickets written to this unit in the last 12 months ({from} to {to})' },
  letters: { zh: '领导信箱来信', en: 'Letters' },
  tickets: { zh: '诉求', en: 'Tickets' },
  received: { zh: '收到', en: 'Received' },
  answered: { zh: '已答复', en: 'Answered' },
  onTime: { zh: '按期答复', en: 'Answered on time' },
  average: { zh: '平均答复用时', en: 'Average time to answer' },
  minutes: { zh: '{n} 分钟', en: '{n} min' },
  hours: { zh: '{n} 小时', en: '{n} h' },
  days: { zh: '{n} 天', en: '{n} days' },
} satisfies Record<string, Text>;

export const TICKET_STATUS: Record<string, Text> = {
  filed: { zh: '待受理', en: 'Waiting to be taken up' },
  accepted: { zh: '已受理', en: 'Taken up' },
  dispatched: { zh: '已交办', en: 'Passed on' },
  signed: { zh: '办理中', en: 'Being handled' },
  returned: { zh: '重新交办中', en: 'Being passed on again' },
  answered: { zh: '已答复', en: 'Answered' },
  visited: { zh: '已回访，待评价', en: 'Followed up, waiting for your rating' },
  rated: { zh: '已评价', en: 'Rated' },
  closed: { zh: '已办结', en: 'Closed' },
  merged: { zh: '与同类诉求合并办理', en: 'Handled together with the same matter' },
};

/** The deadline a status runs, by the step it waits for. */
const DUE_NAMES: Record<string, Text> = {
  filed: { zh: '受理期限', en: 'To be taken up by' },
  accepted: { zh: '交办期限', en: 'To be passed on by' },
  returned: { zh: '交办期限', en: 'To be passed on by' },
  dispatched: { zh: '签收期限', en: 'To be signed for by' },
  signed: { zh: '答复期限', en: 'To be answered by' },
  answered: { zh: '回访期限', en: 'Follow-up by' },
  visited: { zh: '办结期限', en: 'To be closed by' },
  rated: { zh: '办结期限', en: 'To be closed by' },
};

const STEPS: Record<string, Text> = {
  file: { zh: '提交', en: 'Sent' },
  accept: { zh: '受理', en: 'Taken up' },
  dispatch: { zh: '交办', en: 'Passed on' },
  sign: { zh: '签收', en: 'Signed for' },
  progress: { zh: '办理进展', en: 'Progress' },
  answer: { zh: '答复', en: 'Answered' },
  return: { zh: '退回重新交办', en: 'Sent back to be passed on again' },
  requestExtension: { zh: '申请延期', en: 'Extension asked for' },
  approveExtension: { zh: '批准延期', en: 'Extension granted' },
  rejectExtension: { zh: '不予延期', en: 'Extension refused' },
  callback: { zh: '回访', en: 'Followed up' },
  complete: { zh: '办结', en: 'Closed' },
  escalate: { zh: '报上级办理', en: 'Passed up' },
  receive: { zh: '上级接收', en: 'Received above' },
  rate: { zh: '评价', en: 'Rated' },
  merge: { zh: '合并办理', en: 'Merged' },
  unmerge: { zh: '恢复单独办理', en: 'Handled on its own again' },
};
/** Steps whose note is written for the filer to read. */
const NOTED = new Set(['progress', 'callback']);

/** 好差评's five levels, best first as a form offers them. */
const LEVELS: [number, Text][] = [
  [5, { zh: '非常满意', en: 'Very satisfied' }],
  [4, { zh: '满意', en: 'Satisfied' }],
  [3, { zh: '基本满意', en: 'Fair' }],
  [2, { zh: '不满意', en: 'Dissatisfied' }],
  [1, { zh: '非常不满意', en: 'Very dissatisfied' }],
];

type Values = Record<string, string | string[]>;
type Errors = Map<string, string>;

const one = (values: Values, k: string) => {
  const v = values[k];
  return ((Array.isArray(v) ? v[0] : v) ?? '').trim();
};
const fill = (s: string, vars: Record<string, string>) => s.replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? '');
/** An instant as China's clock shows it (UTC+8, no daylight saving), to the minute. */
const when = (iso: string) => new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
const isFiler = (p: Principal) => p.role === 'citizen' || p.role === 'business';

/** Fields offered as radio buttons: a mistake links to the first. */
const CHOICES = new Set(['type', 'category']);

function errorSummary(ctx: PageContext, errors: Errors): Html {
  return errors.size
    ? html`<div class="errors" role="alert" tabindex="-1"><h2>${t(ctx, L.errorSummary)}</h2><ul>${[...errors].map(
        ([k, m]) => html`<li><a href="#${CHOICES.has(k) ? `${k}-0` : k}">${m}</a></li>`,
      )}</ul></div>`
    : html``;
}

/** The API's field errors as the form's: `body.location.lat` is the field `lat`, a whole location its first. */
function formErrors(fields: { path: string; message: string }[]): Errors {
  const errors: Errors = new Map();
  for (const f of fields) {
    const key = f.path.replace(/^body\./, '').replace(/^location\.?/, (m) => (m === 'location' ? 'lat' : ''));
    if (!errors.has(key)) errors.set(key, f.message);
  }
  return errors;
}

/** Every mistake at once, in the API's words: its request schema first, then the domain's own checks. */
async function checked<S extends z.ZodMiniType, T>(ctx: PageContext, schema: S, input: unknown, act: (body: z.infer<S>) => Promise<T>): Promise<T | Errors> {
  const fields: FieldError[] = [];
  const body = parseRequestPart(schema, input, 'body', ctx.lang, fields) as z.infer<S>;
  try {
    if (fields.length) throw new ApiError('validation_failed', fields);
    return await act(body);
  } catch (e) {
    if (!(e instanceof ApiError) || e.code !== 'validation_failed') throw e;
    return formErrors(e.body(ctx.lang).error.fields);
  }
}

// ---------------------------------------------------------------- writing

function writeForm(ctx: PageContext, v: UnitView, mailbox: boolean, values: Values, errors: Errors, status = 200): Reply {
  const session = ctx.signedIn!.session;
  const name = t(ctx, mailbox ? L.letterTitle : L.writeTitle);
  const field = (n: string, label: Text, f: Parameters<typeof fieldHtml>[3]) => fieldHtml(ctx, n, t(ctx, label), f, values, errors);
  const pointOpen = errors.has('lat') || errors.has('lng') || one(values, 'lat') !== '' || one(values, 'lng') !== '';
  const body = html`<h1>${name}</h1>
<p class="lede">${fill(t(ctx, mailbox ? L.letterLede : L.writeLede), { unit: v.unit.name })}</p>
${errorSummary(ctx, errors)}
<form method="post" action="/units/${v.unit.code}/tickets/new" novalidate>
<input type="hidden" name="csrf" value="${session.csrf}">
${mailbox ? html`<input type="hidden" name="mailbox" value="1">` : ''}
${field('type', L.type, { type: 'choice', required: true, options: TICKET_TYPES.map((k) => t(ctx, TYPE_NAMES[k])) })}
${field('category', L.category, { type: 'choice', required: true, options: CATEGORY_CODES.map((k) => t(ctx, CATEGORIES[k])) })}
${field('title', L.title, { type: 'text', required: false, hint: t(ctx, L.titleHint) })}
${field('text', L.text, { type: 'longText', required: true, hint: t(ctx, L.textHint) })}
${field('address', L.address, { type: 'text', required: false, hint: t(ctx, L.addressHint) })}
<details${pointOpen ? html` open` : ''}><summary>${t(ctx, L.point)}</summary>
${field('lat', L.lat, { type: 'numeric', required: false, hint: t(ctx, L.pointHint) })}
${field('lng', L.lng, { type: 'numeric', required: false })}
</details>
${field('anonymous', L.anonymous, { type: 'boolean', required: false })}
${mailbox ? field('publishConsent', L.consent, { type: 'boolean', required: false }) : ''}
<button class="button" type="submit">${t(ctx, L.send)}</button>
</form>`;
  return htmlReply(status, layout(ctx, { title: `${name}：${v.unit.name}`, body, site: v.site, crumbs: crumbsOf(ctx, v, { href: `/units/${v.unit.code}/tickets/new${mailbox ? '?mailbox=1' : ''}`, label: name }) }));
}

/** The form's strings as the API's body: names chosen back to codes, coordinates to numbers, a place without them into the text. */
function newTicket(ctx: PageContext, values: Values, mailbox: boolean) {
  // By its name in either language: the form may have been loaded before a switch of language.
  const code = <K extends string>(keys: readonly K[], names: Record<K, Text>, chosen: string) =>
    keys.find((k) => names[k].zh === chosen || names[k].en === chosen) ?? (chosen || undefined);
  const num = (s: string) => (s === '' ? undefined : Number.isFinite(Number(s)) ? Number(s) : s);
  const [lat, lng, address, text, title] = ['lat', 'lng', 'address', 'text', 'title'].map((k) => one(values, k)) as [string, string, string, string, string];
  const point = lat !== '' || lng !== '';
  return {
    type: code(TICKET_TYPES, TYPE_NAMES, one(values, 'type')) as TicketType,
    category: code(CATEGORY_CODES, CATEGORIES, one(values, 'category')) as Category,
    // A place joining the text leaves the title to the filer's own words.
    ...(title ? { title } : !point && address && text ? { title: titleOf(text) } : {}),
    text: !point && address && text ? `${text}\n${t(ctx, L.placePrefix)}${address}` : text,
    ...(point ? { location: { lat: num(lat), lng: num(lng), ...(address ? { address } : {}) } } : {}),
    ...(one(values, 'anonymous') === 'true' ? { anonymous: true } : {}),
    ...(mailbox ? { mailbox: true, ...(one(values, 'publishConsent') === 'true' ? { publishConsent: true } : {}) } : {}),
  };
}

/** `GET` and `POST /units/{code}/tickets/new`: the form, and what it sends. */
export async function writePage(ctx: PageContext, code: string, mailbox: boolean, posted?: Values): Promise<Reply> {
  const path = `/units/${code}/tickets/new${mailbox ? '?mailbox=1' : ''}`;
  const v = isUnitCode(code) ? await unitView(ctx.deps.store, code) : undefined;
  if (!v || v.unit.status !== 'active') return notFoundPage(ctx);
  // A post after the session ended keeps what was typed for after signing in again.
  if (!ctx.signedIn) return posted ? keepForm(ctx, posted) : signInFirst(ctx, path);
  const { principal } = ctx.signedIn.session;
  if (!isFiler(principal)) {
    return htmlReply(403, layout(ctx, { title: t(ctx, L.writeTitle), body: html`<h1>${t(ctx, L.writeTitle)}</h1><p>${t(ctx, L.onlyPublic)}</p>`, site: v.site }));
  }
  if (!posted) return writeForm(ctx, v, mailbox, (await resumeForm(ctx)) ?? {}, new Map());
  if (!csrfMatches(ctx.signedIn.session, posted.csrf)) return writeForm(ctx, v, mailbox, posted, new Map([['csrf', t(ctx, L.badForm)]]), 403);
  const input = newTicket(ctx, posted, mailbox);
  const made = await checked(ctx, fileTicketOp.body, input, (body) =>
    fileTicket(ctx.deps, code, body, { actor: principal, channel: mailbox ? 'mailbox' : 'online' }),
  );
  if (made instanceof Map) {
    // Nothing chosen is a choice to make, not a list of codes to pick from.
    for (const [k, label] of [['type', L.type], ['category', L.category]] as const) {
      if (made.has(k) && !one(posted, k)) made.set(k, fill(t(ctx, L.choose), { what: t(ctx, label) }));
    }
    return writeForm(ctx, v, mailbox, posted, made, 400);
  }
  return redirect(`/me/tickets/${code}/${made.ticket.id}?sent=1`);
}

// ---------------------------------------------------------------- one ticket, and mine

async function unitNames(ctx: PageContext, codes: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(codes)];
  const units = await Promise.all(unique.map((c) => getUnit(ctx.deps.store, c).catch(() => undefined)));
  return new Map(unique.map((c, i) => [c, units[i]?.name ?? c]));
}

async function readOwn(ctx: PageContext, code: string, id: string): Promise<TicketView | undefined> {
  if (!isUnitCode(code) || !/^[0-9A-HJKMNP-TV-Z]{26}$/.test(id)) return undefined;
  try {
    return await readTicket(ctx.deps, ctx.signedIn!.session.principal, code, id);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return undefined;
    throw e;
  }
}

/** Whether the filer may rate now, as the domain decides it: after the follow-up, of this ticket or the one it is merged into. */
const rateable = (v: TicketView) => !v.rating && (v.primaryStatus ? ['visited', 'rated', 'closed'].includes(v.primaryStatus) : v.status === 'visited');

function rateForm(ctx: PageContext, v: TicketView, values: Values, errors: Errors): Html {
  const session = ctx.signedIn!.session;
  const chosen = one(values, 'level');
  const levelError = errors.get('level');
  return html`<form method="post" action="/me/tickets/${v.home}/${v.id}/rating" novalidate>
<input type="hidden" name="csrf" value="${session.csrf}">
<div class="field${levelError ? ' invalid' : ''}"><fieldset id="level"${levelError ? html` aria-invalid="true" aria-describedby="level-error"` : ''}><legend>${t(ctx, L.rateLevel)}</legend>
${levelError ? html`<p class="error" id="level-error">${levelError}</p>` : ''}
${LEVELS.map(([n, label]) => html`<label class="option"><input type="radio" id="level-${n}" name="level" value="${n}"${chosen === String(n) ? html` checked` : ''}> ${t(ctx, label)}</label>`)}
</fieldset></div>
${fieldHtml(ctx, 'comment', t(ctx, L.comment), { type: 'longText', required: false }, values, errors)}
<button class="button" type="submit">${t(ctx, L.sendRating)}</button>
</form>`;
}

interface TicketPageState {
  sent?: boolean;
  rated?: boolean;
  values?: Values;
  errors?: Errors;
  /** A refusal of the whole form (rated already, not yet followed up), shown above the current state. */
  refusal?: string;
  status?: number;
}

/** `GET /me/tickets/{code}/{id}`: one of my tickets, as it stands. */
export async function ticketPage(ctx: PageContext, code: string, id: string, s: TicketPageState = {}): Promise<Reply> {
  const path = `/me/tickets/${code}/${id}`;
  if (!ctx.signedIn) return signInFirst(ctx, path);
  const v = await readOwn(ctx, code, id);
  if (!v) return notFoundPage(ctx);
  const names = await unitNames(ctx, [v.home, ...v.replies.map((r) => r.unit)]);
  const errors = s.errors ?? new Map();
  const due = v.due && DUE_NAMES[v.status];
  const heading = v.title;
  const rating = v.rating && LEVELS.find(([n]) => n === v.rating!.level);
  const body = html`${
    s.sent
      ? html`<div class="panel" role="status"><h1>${t(ctx, L.sent)}</h1><p>${t(ctx, L.ref)}：<strong id="ref">${v.id}</strong></p>
${due ? html`<p>${t(ctx, due)}：<strong>${v.due}</strong></p>` : ''}</div>
<h2>${t(ctx, L.next)}</h2><p>${fill(t(ctx, v.mailbox ? L.nextLetter : L.nextTicket), { unit: names.get(v.home)! })}</p>
<h2>${heading}</h2>`
      : html`<h1>${heading}</h1>`
  }
${s.refusal ? html`<div class="errors" role="alert" tabindex="-1"><p>${s.refusal}</p></div>` : ''}
${s.rated ? html`<p class="panel" role="status">${t(ctx, L.rated)}</p>` : ''}
<dl class="facts"><dt>${t(ctx, L.ref)}</dt><dd>${v.id}</dd>
<dt>${t(ctx, L.type)}</dt><dd>${t(ctx, v.mailbox ? L.letterTitle : TYPE_NAMES[v.type as TicketType])} · ${t(ctx, CATEGORIES[v.category as Category])}</dd>
<dt>${t(ctx, L.writtenTo)}</dt><dd><a href="/units/${v.home}">${names.get(v.home)}</a></dd>
<dt>${t(ctx, L.filedAt)}</dt><dd>${when(v.createdAt)}</dd>
<dt>${t(ctx, L.status)}</dt><dd><strong id="status">${t(ctx, TICKET_STATUS[v.primaryStatus && v.status === 'merged' ? v.primaryStatus : v.status] ?? { zh: v.status, en: v.status })}</strong></dd>
${due ? html`<dt>${t(ctx, due)}</dt><dd>${v.due}</dd>` : ''}
${rating ? html`<dt>${t(ctx, L.rating)}</dt><dd>${t(ctx, rating[1])}${v.rating!.comment ? html`：${v.rating!.comment}` : ''}</dd>` : ''}</dl>
<h2>${t(ctx, L.content)}</h2><p class="prose">${v.text}</p>
${v.location?.address ? html`<p>${t(ctx, L.address)}：${v.location.address}</p>` : ''}
<h2 id="replies">${t(ctx, L.replies)}</h2>
${
  v.replies.length
    ? v.replies.map((r) => html`<div class="panel"><p class="prose">${r.text}</p><p class="lede">${names.get(r.unit)} · ${when(r.at)}</p></div>`)
    : html`<p>${t(ctx, L.noReply)}</p>`
}
${
  rateable(v)
    ? html`<h2 id="rate">${t(ctx, L.rate)}</h2>${errorSummary(ctx, errors)}${rateForm(ctx, v, s.values ?? {}, errors)}`
    : !v.rating && v.replies.length
      ? html`<p>${t(ctx, L.rateLater)}</p>`
      : ''
}
<h2>${t(ctx, L.timeline)}</h2>
<ol>${v.history.map((h) => html`<li>${when(h.at)} ${t(ctx, STEPS[h.action] ?? { zh: h.action, en: h.action })}${h.note && NOTED.has(h.action) ? html`：${h.note}` : ''}</li>`)}</ol>
<p><a href="/me">${t(ctx, L.mine)}</a></p>`;
  return htmlReply(s.status ?? 200, layout(ctx, { title: heading, body, crumbs: [{ href: '/me', label: t(ctx, L.mine) }, { href: path, label: v.id }] }));
}

/** `POST /me/tickets/{code}/{id}/rating`: the filer's 好差评, once; a second is refused beside the rating already given. */
export async function ratePage(ctx: PageContext, code: string, id: string, posted: Values): Promise<Reply> {
  const path = `/me/tickets/${code}/${id}`;
  if (!ctx.signedIn) return signInFirst(ctx, path);
  if (!csrfMatches(ctx.signedIn.session, posted.csrf)) return ticketPage(ctx, code, id, { values: posted, refusal: t(ctx, L.badForm), status: 403 });
  if (!(await readOwn(ctx, code, id))) return notFoundPage(ctx);
  const level = one(posted, 'level');
  const comment = one(posted, 'comment');
  const input = { ...(level ? { level: Number(level) } : {}), ...(comment ? { comment } : {}) };
  try {
    const done = await checked(ctx, rateTicketOp.body, input, (body) => rateTicket(ctx.deps, ctx.signedIn!.session.principal, code, id, body.level, body.comment));
    if (done instanceof Map) return ticketPage(ctx, code, id, { values: posted, errors: done, status: 400 });
  } catch (e) {
    if (!(e instanceof ApiError) || e.status >= 500 || e.status === 404) throw e;
    const detail = e.body(ctx.lang).error;
    return ticketPage(ctx, code, id, { values: posted, refusal: detail.fields[0]?.message ?? detail.message, status: e.status });
  }
  return redirect(`${path}?rated=1`);
}

/** The signed-in filer's tickets and letters in their province, newest first, for the account page. */
export async function myTicketsBlock(ctx: PageContext): Promise<Html> {
  const p = ctx.signedIn!.session.principal;
  if (!isFiler(p)) return html``;
  const mine = await listMine(ctx.deps, p, `${p.unit.slice(0, 2)}0000000000`, 50);
  return html`<section aria-labelledby="my-tickets"><h2 id="my-tickets">${t(ctx, L.mine)}</h2>
${
  mine.items.length
    ? html`<ul class="items">${mine.items.map(
        (s) =>
          html`<li><a href="/me/tickets/${s.home}/${s.id}">${s.title}</a><span>${t(ctx, s.mailbox ? L.letterTitle : TYPE_NAMES[s.type as TicketType])} · ${t(
            ctx,
            TICKET_STATUS[s.status] ?? { zh: s.status, en: s.status },
          )}${s.due && DUE_NAMES[s.status] ? html` · ${t(ctx, DUE_NAMES[s.status]!)} ${s.due}` : ''} · ${t(ctx, L.filedAt)} ${when(s.createdAt).slice(0, 10)}</span></li>`,
      )}</ul>`
    : html`<p>${t(ctx, L.none)}</p>`
}</section>`;
}

// ---------------------------------------------------------------- on the unit's pages

function qaList(ctx: PageContext, items: PublishedQa[]): Html {
  return html`${items.map(
    (q) => html`<article class="qa"><h3>${q.title}</h3><p class="prose"><strong>${t(ctx, L.q)}：</strong>${q.question}</p>
<p class="prose"><strong>${t(ctx, L.a)}：</strong>${q.answer}</p><p class="lede">${when(q.publishedAt).slice(0, 10)}</p></article>`,
  )}`;
}

function duration(ctx: PageContext, minutes: number): string {
  const n = (x: number) => String(Math.round(x * 10) / 10);
  if (minutes < 60) return fill(t(ctx, L.minutes), { n: n(minutes) });
  if (minutes < 24 * 60) return fill(t(ctx, L.hours), { n: n(minutes / 60) });
  return fill(t(ctx, L.days), { n: n(minutes / 1440) });
}

/** The last 12 months: a year back from today, today included (China dates). */
function lastYear(now: Date) {
  const to = toChinaDate(now);
  const from = toChinaDate(new Date(now.getTime() - 364 * 86_400_000));
  return { from, to };
}

function recordTable(ctx: PageContext, own: Counts, from: string, to: string): Html {
  const column = (kind: 'letter' | 'ticket') => {
    const answered = own[`${kind}-answered`];
    const onTime = own[`${kind}-answered-on-time`];
    return {
      received: String(own[`${kind}-received`]),
      answered: String(answered),
      onTime: answered ? `${onTime}（${Math.round((onTime / answered) * 100)}%）` : String(onTime),
      average: answered ? duration(ctx, own[`${kind}-answer-minutes`] / answered) : '—',
    };
  };
  const cols = [column('letter'), column('ticket')];
  const row = (label: Text, k: keyof (typeof cols)[0]) => html`<tr><th scope="row">${t(ctx, label)}</th>${cols.map((c) => html`<td>${c[k]}</td>`)}</tr>`;
  return html`<table id="record"><caption>${fill(t(ctx, L.recordCaption), { from, to })}</caption>
<thead><tr><td></td><th scope="col">${t(ctx, L.letters)}</th><th scope="col">${t(ctx, L.tickets)}</th></tr></thead>
<tbody>${row(L.received, 'received')}${row(L.answered, 'answered')}${row(L.onTime, 'onTime')}${row(L.average, 'average')}</tbody></table>`;
}

/** On a unit's page: where to write, its interaction record over the last 12 months, and its latest published answers. */
export async function interactionBlock(ctx: PageContext, v: UnitView): Promise<Html> {
  const code = v.unit.code;
  const { from, to } = lastYear(ctx.deps.now());
  const [settings, counts, qa] = await Promise.all([
    readSettings(ctx.deps.store, code),
    sumRange(ctx.deps.store, code, from, to),
    listPublishedQa(ctx.deps.store, code, 3),
  ]);
  const mailbox = settings.overrides.tickets?.leaderOffice !== undefined;
  const active = v.unit.status === 'active';
  return html`<section aria-labelledby="talk"><h2 id="talk">${t(ctx, L.talk)}</h2>
${
  active
    ? html`<p class="row"><a class="button" href="/units/${code}/tickets/new">${t(ctx, L.write)}</a>${
        mailbox ? html` <a class="button secondary" href="/units/${code}/tickets/new?mailbox=1">${t(ctx, L.letter)}</a>` : ''
      }</p>`
    : ''
}
<h3>${t(ctx, L.record)}</h3>
${recordTable(ctx, counts.own, from, to)}
<h3>${t(ctx, L.qa)}</h3>
${qa.items.length ? qaList(ctx, qa.items) : html`<p>${t(ctx, L.qaNone)}</p>`}
${qa.cursor ? html`<p><a href="/units/${code}/letters">${t(ctx, L.qaAll)}</a></p>` : ''}
</section>`;
}

const QA_PAGE = 20;

/** `GET /units/{code}/letters`: every published letter and answer of a unit, newest first. */
export async function lettersPage(ctx: PageContext, code: string, cursor: string | undefined): Promise<Reply> {
  const v = isUnitCode(code) ? await unitView(ctx.deps.store, code) : undefined;
  if (!v) return notFoundPage(ctx);
  let page;
  try {
    page = await listPublishedQa(ctx.deps.store, code, QA_PAGE, cursor);
  } catch (e) {
    if (e instanceof ApiError && e.status === 400) return notFoundPage(ctx);
    throw e;
  }
  const title = `${t(ctx, L.qa)}：${v.unit.name}`;
  const body = html`<h1>${title}</h1>
${page.items.length ? qaList(ctx, page.items) : html`<p>${t(ctx, L.qaNone)}</p>`}
${page.cursor ? html`<p class="pager"><a href="/units/${code}/letters?cursor=${encodeURIComponent(page.cursor)}">${t(ctx, L.more)}</a></p>` : ''}`;
  return htmlReply(
    200,
    layout(ctx, { title, body, site: v.site, crumbs: crumbsOf(ctx, v, { href: `/units/${code}/letters`, label: t(ctx, L.qa) }), canonical: `${ctx.origin}/units/${code}/letters` }),
  );
}
