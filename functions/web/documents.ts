import { ApiError, type FieldError } from '../../shared/errors';
import type { Reply } from '../../shared/http/context';
import type { Text } from '../../shared/i18n';
import { isUnitCode } from '../../shared/codes';
import { parseRequestPart } from '../../shared/http/middlewares/validate-input';
import { toChinaDate } from '../../shared/working-days';
import { readSettings } from '../../tenants/settings';
import { submitRequestOp } from '../disclosure/api';
import { CATEGORIES, CATEGORY_IDS, type Category } from '../disclosure/categories';
import { cursorBefore, listDocuments, readHead, readPublished, readVersions, type ListingItem } from '../disclosure/documents';
import { myRequests, readRequest, REPLY_NAMES, replySchema, submitRequest, type ReplyType } from '../disclosure/requests';
import { search } from '../disclosure/search-index';
import type { Case } from '../tiers/escalation';
import { html, raw, type Html } from './html';
import { keepForm, resumeForm } from './kept-form';
import { fileLinks } from './files';
import { layout } from './layout';
import { htmlReply, redirect, t, type PageContext } from './page';
import { crumbsOf, notFoundPage, signInFirst } from './pages';
import { csrfMatches } from './session';
import { unitView, type UnitView } from './site';

/**
 * 政务公开 on the portal: a unit's documents (its own and those published above it that apply to it, read by
 * reference), search with filters, each document at one address whichever unit's page led there, and the 依申请公开
 * form with its confirmation. Everything is the disclosure capability's own domain code, so what the pages show and
 * refuse is what its API shows and refuses.
 */

const ON_UNIT_PAGE = 5;
const PAGE = 20;
/** Years a reader can filter by: since the 2019 条例, up to this year. */
const FIRST_YEAR = 2019;
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const CHINA_OFFSET = 8 * 3_600_000;

const L = {
  documents: { zh: '政府信息公开', en: 'Government information' },
  latest: { zh: '最新公开文件', en: 'Latest documents' },
  none: { zh: '暂无公开文件。', en: 'No documents published yet.' },
  all: { zh: '全部公开文件', en: 'All documents' },
  feed: { zh: '订阅（Atom）', en: 'Subscribe (Atom feed)' },
  feedTitle: { zh: '{unit}政府信息公开', en: 'Documents of {unit}' },
  request: { zh: '申请政府信息公开', en: 'Request government information' },
  search: { zh: '检索公开文件', en: 'Search documents' },
  words: { zh: '关键词', en: 'Words' },
  category: { zh: '类别', en: 'Category' },
  year: { zh: '年份', en: 'Year' },
  any: { zh: '全部', en: 'Any' },
  find: { zh: '检索', en: 'Search' },
  found: { zh: '找到 {n} 份文件', en: '{n} documents found' },
  nothing: { zh: '没有找到相关文件。', en: 'No documents found.' },
  next: { zh: '下一页', en: 'Next page' },
  indexNo: { zh: '索引号', en: 'Index number' },
  publisher: { zh: '发布机构', en: 'Published by' },
  docNumber: { zh: '文号', en: 'Reference' },
  writtenOn: { zh: '成文日期', en: 'Written on' },
  publishedOn: { zh: '发布日期', en: 'Published on' },
  updatedOn: { zh: '更新日期', en: 'Updated on' },
  validUntil: { zh: '有效期至', en: 'Valid until' },
  subjects: { zh: '主题词', en: 'Subjects' },
  versions: { zh: '版本记录', en: 'Versions' },
  version: { zh: '第 {v} 版', en: 'Version {v}' },
  reprint: { zh: '本文转载自{unit}发布的同一文件。', en: 'This is the same document as published by {unit}.' },
  original: { zh: '查看原件', en: 'See the original' },
  withdrawn: { zh: '该文件已撤回', en: 'This document was withdrawn' },
  withdrawnOn: { zh: '{unit}已于 {date} 撤回该文件，不再公开。', en: '{unit} withdrew this document on {date}; it is no longer published.' },
  applyHint: {
    zh: '如需获取未主动公开的政府信息，可以向有关单位提出申请。',
    en: 'For information that is not published, you can make a request to the unit that holds it.',
  },
  // 依申请公开
  form: { zh: '向{unit}申请政府信息公开', en: 'Request information from {unit}' },
  formLede: {
    zh: '请写明所需政府信息的名称、文号或者便于查询的其他特征性描述。行政机关收到申请后，依照《中华人民共和国政府信息公开条例》在规定期限内答复。',
    en: 'Name the information you need, its reference number or anything else that helps find it. The unit answers within the time the Regulations on Open Government Information set.',
  },
  title: { zh: '所需信息名称', en: 'Information requested' },
  titleHint: { zh: '例如：2025年度西湖区财政预算执行情况', en: 'For example: the execution of the 2025 district budget' },
  description: { zh: '所需信息的描述及用途', en: 'Description and purpose' },
  descriptionHint: { zh: '文号、形成时间、涉及的事项等，便于查找', en: 'Reference numbers, dates, subjects: whatever helps find it' },
  send: { zh: '提交申请', en: 'Send request' },
  errorSummary: { zh: '请修改以下问题', en: 'There is a problem' },
  badForm: { zh: '表单已过期，请重新提交。', en: 'This form has expired; please send it again.' },
  onlyPublic: { zh: '政府信息公开申请由公民、法人或者其他组织提出。', en: 'Requests are made by residents and businesses.' },
  suspended: { zh: '该单位已停用，不能受理申请。', en: 'This unit is suspended and takes no requests.' },
  sent: { zh: '申请已提交', en: 'Request sent' },
  ref: { zh: '申请编号', en: 'Reference number' },
  receivedOn: { zh: '收到日期', en: 'Received on' },
  due: { zh: '答复期限', en: 'Reply due by' },
  dueRule: {
    zh: '自收到申请之日起 {n} 个工作日内答复（《政府信息公开条例》第三十三条）。',
    en: 'Answered within {n} working days of receipt (Art. 33 of the Regulations).',
  },
  whatNext: { zh: '接下来', en: 'What happens next' },
  nextText: {
    zh: '如申请内容不明确，我们会在 7 个工作日内一次性告知您补正，答复期限自收到补正之日起重新计算；需要征求第三方意见的，所需时间不计算在期限内；确需延长的，会告知您理由，延长不超过 20 个工作日。答复后可在「我的账户」中查看。',
    en: 'If the request is unclear we will ask you, once and within 7 working days, to correct it; the time then runs again from your correction. Time spent consulting a third party does not count; an extension of at most 20 working days comes with its reason. The reply will be under "My account".',
  },
  status: { zh: '办理状态', en: 'Status' },
  history: { zh: '办理经过', en: 'What has happened' },
  reply: { zh: '答复', en: 'Reply' },
  replyType: { zh: '答复类型', en: 'Kind of reply' },
  content: { zh: '答复内容', en: 'Information given' },
  where: { zh: '获取方式', en: 'Where to find it' },
  reason: { zh: '理由', en: 'Reason' },
  legalBasis: { zh: '依据', en: 'Legal basis' },
  agency: { zh: '负责公开的机关', en: 'Responsible agency' },
  mine: { zh: '我的政府信息公开申请', en: 'My requests for information' },
  noRequests: { zh: '您还没有提出过申请。', en: 'You have made no requests.' },
  toMine: { zh: '我的账户', en: 'My account' },
} satisfies Record<string, Text>;

const STATUS: Record<string, Text> = {
  received: { zh: '已收到，办理中', en: 'Received, being handled' },
  correcting: { zh: '待您补正', en: 'Waiting for your correction' },
  consulting: { zh: '征求第三方意见中', en: 'Consulting a third party' },
  answered: { zh: '已答复', en: 'Answered' },
  abandoned: { zh: '视为放弃申请', en: 'Given up' },
  escalated: { zh: '已转上级办理', en: 'Passed to the unit above' },
};
const STEPS: Record<string, Text> = {
  receive: { zh: '收到申请', en: 'Received' },
  correction: { zh: '告知补正', en: 'Correction asked for' },
  corrected: { zh: '已补正', en: 'Corrected' },
  extend: { zh: '延长答复期限', en: 'Deadline extended' },
  consult: { zh: '征求第三方意见', en: 'Third party consulted' },
  consulted: { zh: '第三方意见已收到', en: 'Third party answered' },
  reply: { zh: '答复', en: 'Answered' },
  abandon: { zh: '视为放弃', en: 'Given up' },
};

const say = (ctx: PageContext, table: Record<string, Text>, key: string) => t(ctx, table[key] ?? { zh: key, en: key });
const fill = (s: string, values: Record<string, string | number>) => s.replace(/\{(\w+)\}/g, (_, k: string) => String(values[k] ?? ''));
const day = (iso: string) => toChinaDate(new Date(iso));
const categoryName = (ctx: PageContext, c: string) => (c in CATEGORIES ? t(ctx, CATEGORIES[c as Category]) : c);
export const documentPath = (publisher: string, id: string) => `/documents/${publisher}/${id}`;
const feedPath = (code: string) => `/v1/units/${code}/disclosure/feed`;

function listingHtml(ctx: PageContext, items: ListingItem[]): Html {
  return html`<ul class="items">${items.map(
    (d) => html`<li><a href="${documentPath(d.issuer, d.id)}">${d.title}</a><span>${d.docNumber ? html`${d.docNumber} · ` : ''}${categoryName(ctx, d.category)} · ${t(ctx, L.publishedOn)} ${day(d.publishedAt)}</span></li>`,
  )}</ul>`;
}

/** The unit page's block: its newest documents, the way to all of them, the feed, the request form. */
export async function documentsBlock(ctx: PageContext, code: string): Promise<Html> {
  const { items } = await listDocuments(ctx.deps.store, code, { limit: ON_UNIT_PAGE });
  return html`<section aria-labelledby="documents"><h2 id="documents">${t(ctx, L.documents)}</h2>
${items.length ? listingHtml(ctx, items) : html`<p>${t(ctx, L.none)}</p>`}
<p><a href="/units/${code}/documents">${t(ctx, L.all)}</a> · <a href="${feedPath(code)}" type="application/atom+xml">${t(ctx, L.feed)}</a> · <a href="/units/${code}/documents/request">${t(ctx, L.request)}</a></p></section>`;
}

/** The `<link rel=alternate>` of a unit's document feed, for the pages that show its documents. */
export const documentsFeedLink = (ctx: PageContext, v: UnitView) => ({ href: feedPath(v.unit.code), type: 'application/atom+xml', title: fill(t(ctx, L.feedTitle), { unit: v.unit.name }) });

function option(value: string, label: string, chosen: string | undefined): Html {
  return html`<option value="${value}"${value === (chosen ?? '') ? raw(' selected') : ''}>${label}</option>`;
}

function searchForm(ctx: PageContext, code: string, f: Filters, years: string[]): Html {
  return html`<form class="search" method="get" action="/units/${code}/documents" role="search" aria-label="${t(ctx, L.search)}">
<div class="filters">
<div class="field"><label for="doc-q">${t(ctx, L.words)}</label><input id="doc-q" name="q" type="search" maxlength="100" value="${f.q ?? ''}"></div>
<div class="field"><label for="doc-category">${t(ctx, L.category)}</label><select id="doc-category" name="category">${option('', t(ctx, L.any), f.category)}${CATEGORY_IDS.map((c) => option(c, t(ctx, CATEGORIES[c]), f.category))}</select></div>
<div class="field"><label for="doc-year">${t(ctx, L.year)}</label><select id="doc-year" name="year">${option('', t(ctx, L.any), f.year)}${years.map((y) => option(y, y, f.year))}</select></div>
</div>
<button class="button" type="submit">${t(ctx, L.find)}</button>
</form>`;
}

interface Filters {
  q?: string;
  category?: Category;
  year?: string;
  cursor?: string;
  offset?: number;
}

/** The query as the page takes it: a value that is none of the choices is as if not given (the form offers only those). */
function filtersOf(query: { q?: string; category?: string; year?: string; cursor?: string; offset?: string }, years: string[]): Filters {
  const q = query.q?.trim().slice(0, 100);
  const offset = Number(query.offset);
  return {
    ...(q ? { q } : {}),
    ...(query.category && (CATEGORY_IDS as string[]).includes(query.category) ? { category: query.category as Category } : {}),
    ...(query.year && years.includes(query.year) ? { year: query.year } : {}),
    ...(query.cursor ? { cursor: query.cursor } : {}),
    ...(Number.isInteger(offset) && offset > 0 && offset <= 1_000 ? { offset } : {}),
  };
}

const pageLink = (code: string, f: Filters, more: Record<string, string>) =>
  `/units/${code}/documents?${new URLSearchParams({ ...(f.q ? { q: f.q } : {}), ...(f.category ? { category: f.category } : {}), ...(f.year ? { year: f.year } : {}), ...more })}`;

/**
 * `/units/{code}/documents`: with words, the disclosure search (ranked, matches marked, by category and year);
 * without, the unit's list, newest first, by category and year. Pages by links, no script needed.
 */
export async function documentsPage(ctx: PageContext, code: string, query: Parameters<typeof filtersOf>[0]): Promise<Reply> {
  const v = isUnitCode(code) ? await unitView(ctx.deps.store, code) : undefined;
  if (!v) return notFoundPage(ctx);
  const thisYear = Number(toChinaDate(ctx.deps.now()).slice(0, 4));
  const years = Array.from({ length: thisYear - FIRST_YEAR + 1 }, (_, i) => String(thisYear - i));
  const f = filtersOf(query, years);
  let results: Html;
  if (f.q) {
    const offset = f.offset ?? 0;
    const found = await search(ctx.deps.store, {
      q: f.q,
      unit: code,
      above: true,
      kind: 'doc',
      ...(f.category ? { category: f.category } : {}),
      ...(f.year ? { from: `${f.year}-01-01`, to: `${f.year}-12-31` } : {}),
      limit: PAGE,
      offset,
    }).catch((e: unknown) => {
      // Only stop words: nothing to look for, which is nothing found.
      if (e instanceof ApiError && e.code === 'validation_failed') return { total: 0, items: [], next: undefined };
      throw e;
    });
    results = html`<p role="status">${fill(t(ctx, L.found), { n: found.total })}</p>
${found.items.length ? html`<ul class="items">${found.items.map(
      (i) => html`<li><a href="${documentPath(i.unit, i.id)}">${raw(i.title)}</a><span>${categoryName(ctx, i.category)} · ${t(ctx, L.publishedOn)} ${i.date}</span><p class="snippet">${raw(i.snippet)}</p></li>`,
    )}</ul>` : html`<p>${t(ctx, L.nothing)}</p>`}
${found.next !== undefined ? html`<p class="pager"><a href="${pageLink(code, f, { offset: String(found.next) })}">${t(ctx, L.next)}</a></p>` : ''}`;
  } else {
    // A year is the ids made before its end (ids begin with their time), kept while published in that year.
    const end = f.year ? Date.UTC(Number(f.year) + 1, 0, 1) - CHINA_OFFSET : undefined;
    const cursor = f.cursor ?? (end ? cursorBefore(end) : undefined);
    let page;
    try {
      page = await listDocuments(ctx.deps.store, code, { limit: PAGE, ...(cursor ? { cursor } : {}), ...(f.category ? { category: f.category } : {}) });
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 'invalid_cursor')) throw e;
      return notFoundPage(ctx);
    }
    const items = f.year ? page.items.filter((i) => day(i.publishedAt).startsWith(f.year!)) : page.items;
    // Past the year's first day, the year is done (a draft made in December may be published in January: kept going).
    const more = page.cursor && !(f.year && page.items.some((i) => day(i.publishedAt) < `${f.year}-01-01`));
    results = html`${items.length ? listingHtml(ctx, items) : html`<p>${t(ctx, L.nothing)}</p>`}
${more ? html`<p class="pager"><a href="${pageLink(code, f, { cursor: page.cursor! })}">${t(ctx, L.next)}</a></p>` : ''}`;
  }
  const title = `${v.unit.name} · ${t(ctx, L.documents)}`;
  const body = html`<h1>${title}</h1>
${searchForm(ctx, code, f, years)}
<section aria-label="${t(ctx, L.documents)}">${results}</section>
<p class="noprint"><a href="${feedPath(code)}" type="application/atom+xml">${t(ctx, L.feed)}</a> · <a href="/units/${code}/documents/request">${t(ctx, L.request)}</a></p>`;
  return htmlReply(
    200,
    layout(ctx, {
      title,
      body,
      site: v.site,
      crumbs: crumbsOf(ctx, v, { href: `/units/${code}/documents`, label: t(ctx, L.documents) }),
      canonical: `${ctx.origin}/units/${code}/documents`,
      alternates: [documentsFeedLink(ctx, v)],
    }),
  );
}

/**
 * `/documents/{publisher}/{id}`: one address per document, whichever units' pages list it. A withdrawn one answers
 * 410 Gone, saying when: it was there and is gone for good, which tells readers and search engines alike.
 */
export async function documentPage(ctx: PageContext, publisher: string, id: string): Promise<Reply> {
  if (!isUnitCode(publisher) || !ULID.test(id)) return notFoundPage(ctx);
  const [v, head] = await Promise.all([
    unitView(ctx.deps.store, publisher),
    readHead(ctx.deps.store, publisher, id).catch((e: unknown) => {
      if (e instanceof ApiError && e.status === 404) return undefined;
      throw e;
    }),
  ]);
  if (!v || !head || head.status === 'draft') return notFoundPage(ctx);
  const path = documentPath(publisher, id);
  const frame = { site: v.site, crumbs: crumbsOf(ctx, v, { href: path, label: head.title }), canonical: `${ctx.origin}${path}` };
  if (head.status === 'withdrawn') {
    const body = html`<h1>${t(ctx, L.withdrawn)}</h1>
<p class="panel">${fill(t(ctx, L.withdrawnOn), { unit: v.unit.name, date: day(head.withdrawal!.at) })}</p>
<dl class="facts"><dt>${t(ctx, L.indexNo)}</dt><dd>${head.indexNo ?? ''}</dd><dt>${t(ctx, L.docNumber)}</dt><dd>${head.docNumber ?? '—'}</dd></dl>
<h2>${head.title}</h2>
<p><a href="/units/${publisher}/documents">${t(ctx, L.all)}</a></p>`;
    return htmlReply(410, layout(ctx, { title: t(ctx, L.withdrawn), body, ...frame }));
  }
  const [d, versions] = await Promise.all([readPublished(ctx.deps.store, publisher, id), readVersions(ctx.deps.store, publisher, id)]);
  const shown = versions.filter((x) => x.status === 'published');
  const from = d.original && d.original.issuer !== publisher ? await unitView(ctx.deps.store, d.original.issuer) : undefined;
  const body = html`<article class="document">
<h1>${d.title}</h1>
<dl class="facts">
<dt>${t(ctx, L.indexNo)}</dt><dd>${d.indexNo}</dd>
<dt>${t(ctx, L.publisher)}</dt><dd><a href="/units/${publisher}">${v.unit.name}</a>${d.department ? html` · ${d.department}` : ''}</dd>
${d.docNumber ? html`<dt>${t(ctx, L.docNumber)}</dt><dd>${d.docNumber}</dd>` : ''}
<dt>${t(ctx, L.category)}</dt><dd>${categoryName(ctx, d.category)}</dd>
${d.subjects.length ? html`<dt>${t(ctx, L.subjects)}</dt><dd>${d.subjects.join('、')}</dd>` : ''}
<dt>${t(ctx, L.writtenOn)}</dt><dd>${d.writtenOn}</dd>
<dt>${t(ctx, L.publishedOn)}</dt><dd>${day(d.publishedAt!)}</dd>
${shown.length > 1 ? html`<dt>${t(ctx, L.updatedOn)}</dt><dd>${day(d.updatedAt)}</dd>` : ''}
${d.validUntil ? html`<dt>${t(ctx, L.validUntil)}</dt><dd>${d.validUntil}</dd>` : ''}
</dl>
${from ? html`<p class="panel">${fill(t(ctx, L.reprint), { unit: from.unit.name })} <a href="${documentPath(d.original!.issuer, d.original!.id)}">${t(ctx, L.original)}</a></p>` : ''}
<div class="prose doc-body">${d.body}</div>
${fileLinks(ctx, 'documents', publisher, id, d.attachments)}
${shown.length > 1 ? html`<h2>${t(ctx, L.versions)}</h2><ol>${shown.map((x, i) => html`<li>${fill(t(ctx, L.version), { v: i + 1 })}：${day(x.updatedAt)}</li>`)}</ol>` : ''}
</article>
<p class="noprint"><a href="/units/${publisher}/documents">${t(ctx, L.all)}</a></p>`;
  return htmlReply(200, layout(ctx, { title: d.title, body, description: `${d.indexNo} ${d.title}`, ...frame }));
}

// ---------------------------------------------------------------- 依申请公开

type Values = Record<string, string | string[]>;
const one = (values: Values, k: string) => {
  const x = values[k];
  return (Array.isArray(x) ? x[0] : x) ?? '';
};

function requestForm(ctx: PageContext, v: UnitView, values: Values, errors: Map<string, string>, status = 200): Reply {
  const path = `/units/${v.unit.code}/documents/request`;
  const field = (name: 'title' | 'description', hint: Text, long: boolean) => {
    const error = errors.get(name);
    const described = `req-${name}-hint${error ? ` req-${name}-error` : ''}`;
    const aria = html` aria-describedby="${described}"${error ? raw(' aria-invalid="true"') : ''}`;
    return html`<div class="field${error ? ' invalid' : ''}"><label for="req-${name}">${t(ctx, L[name])}</label>
<p class="hint" id="req-${name}-hint">${t(ctx, hint)}</p>${error ? html`<p class="error" id="req-${name}-error">${error}</p>` : ''}
${long ? html`<textarea id="req-${name}" name="${name}" rows="6"${aria}>${one(values, name)}</textarea>` : html`<input id="req-${name}" name="${name}" value="${one(values, name)}"${aria}>`}</div>`;
  };
  const title = fill(t(ctx, L.form), { unit: v.unit.name });
  const body = html`<h1>${title}</h1>
<p class="lede">${t(ctx, L.formLede)}</p>
${
  errors.size
    ? html`<div class="errors" role="alert" tabindex="-1"><h2>${t(ctx, L.errorSummary)}</h2><ul>${[...errors].map(([k, m]) => html`<li><a href="#req-${k}">${m}</a></li>`)}</ul></div>`
    : ''
}
<form method="post" action="${path}" novalidate>
<input type="hidden" name="csrf" value="${ctx.signedIn!.session.csrf}">
${field('title', L.titleHint, false)}
${field('description', L.descriptionHint, true)}
<button class="button" type="submit">${t(ctx, L.send)}</button>
</form>`;
  return htmlReply(status, layout(ctx, { title, body, site: v.site, crumbs: crumbsOf(ctx, v, { href: path, label: t(ctx, L.request) }) }));
}

/** The request form, and its post: checked by the API's schema and domain, refused with each message at its field. */
export async function requestPage(ctx: PageContext, code: string, posted?: Values): Promise<Reply> {
  const path = `/units/${code}/documents/request`;
  const v = isUnitCode(code) ? await unitView(ctx.deps.store, code) : undefined;
  if (!v) return notFoundPage(ctx);
  // A post after the session ended keeps what was typed for after signing in again.
  if (!ctx.signedIn) return posted ? keepForm(ctx, posted) : signInFirst(ctx, path);
  const { principal } = ctx.signedIn.session;
  const refuse = (status: number, message: Text) =>
    htmlReply(status, layout(ctx, { title: t(ctx, L.request), body: html`<h1>${t(ctx, L.request)}</h1><p>${t(ctx, message)}</p>`, site: v.site }));
  if (!(submitRequestOp.roles as readonly string[]).includes(principal.role)) return refuse(403, L.onlyPublic);
  if (v.unit.status !== 'active') return refuse(422, L.suspended);
  if (!posted) return requestForm(ctx, v, (await resumeForm(ctx)) ?? {}, new Map());
  if (!csrfMatches(ctx.signedIn.session, posted.csrf)) return requestForm(ctx, v, posted, new Map([['title', t(ctx, L.badForm)]]), 403);
  const input = { title: one(posted, 'title'), description: one(posted, 'description') };
  const fields: FieldError[] = [];
  const body = parseRequestPart(submitRequestOp.body, input, 'body', ctx.lang, fields);
  if (fields.length) {
    const errors = new Map<string, string>();
    for (const f of new ApiError('validation_failed', fields).body(ctx.lang).error.fields) {
      const key = f.path.replace(/^body\./, '');
      if (!errors.has(key)) errors.set(key, f.message);
    }
    return requestForm(ctx, v, posted, errors, 400);
  }
  const made = await submitRequest(ctx.deps, principal, code, body as typeof input);
  return redirect(`/me/disclosure/${made.unit}/${made.id}?sent=1`);
}

function replyHtml(ctx: PageContext, c: Case): Html {
  if (!c.data.reply) return html``;
  const r = replySchema.parse(JSON.parse(c.data.reply));
  const rows: [Text, string | undefined][] = [
    [L.content, r.content],
    [L.where, r.where],
    [L.reason, r.reason],
    [L.legalBasis, r.legalBasis],
    [L.agency, r.agency],
  ];
  return html`<h2 id="reply">${t(ctx, L.reply)}</h2><dl class="facts"><dt>${t(ctx, L.replyType)}</dt><dd>${t(ctx, REPLY_NAMES[r.type as ReplyType])}</dd>
${rows.filter(([, x]) => x).map(([k, x]) => html`<dt>${t(ctx, k)}</dt><dd class="prose">${x}</dd>`)}</dl>`;
}

/** `/me/disclosure/{code}/{id}`: the applicant's request, its deadline, what happened, the reply; after sending, the confirmation. */
export async function myRequestPage(ctx: PageContext, code: string, id: string, sent: boolean): Promise<Reply> {
  const path = `/me/disclosure/${code}/${id}`;
  if (!ctx.signedIn) return signInFirst(ctx, path);
  if (!isUnitCode(code) || !ULID.test(id)) return notFoundPage(ctx);
  let r;
  try {
    r = await readRequest(ctx.deps, ctx.signedIn.session.principal, false, code, id);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return notFoundPage(ctx);
    throw e;
  }
  const c = r.current ?? r.case;
  const days = (await readSettings(ctx.deps.store, code)).effective.deadlines['disclosure.request']!;
  const body = html`${sent ? html`<div class="panel" role="status"><h1>${t(ctx, L.sent)}</h1><p>${t(ctx, L.ref)}：<strong>${r.case.id}</strong></p></div><h2>${c.title}</h2>` : html`<h1>${c.title}</h1>`}
<dl class="facts"><dt>${t(ctx, L.ref)}</dt><dd>${r.case.id}</dd>
<dt>${t(ctx, L.status)}</dt><dd><strong>${say(ctx, STATUS, c.status)}</strong></dd>
<dt>${t(ctx, L.receivedOn)}</dt><dd>${r.case.data.receivedOn}</dd>
${c.due && c.status !== 'answered' ? html`<dt>${t(ctx, L.due)}</dt><dd>${c.due}</dd>` : ''}</dl>
<p>${fill(t(ctx, L.dueRule), { n: days })}</p>
${sent ? html`<h2>${t(ctx, L.whatNext)}</h2><p>${t(ctx, L.nextText)}</p>` : ''}
${replyHtml(ctx, c)}
<h2>${t(ctx, L.history)}</h2>
<ol>${c.history.map((s) => html`<li>${day(s.at)} ${say(ctx, STEPS, s.action)}${s.note && s.action !== 'reply' ? html`：${s.note}` : ''}</li>`)}</ol>
<p><a href="/me">${t(ctx, L.toMine)}</a></p>`;
  return htmlReply(200, layout(ctx, { title: c.title, body, crumbs: [{ href: '/me', label: t(ctx, L.toMine) }, { href: path, label: r.case.id }] }));
}

/** The account page's block: the citizen's or business's requests, newest first, with their state. */
export async function myRequestsBlock(ctx: PageContext): Promise<Html> {
  const p = ctx.signedIn!.session.principal;
  if (!(submitRequestOp.roles as readonly string[]).includes(p.role)) return html``;
  const mine = await myRequests(ctx.deps.store, p, 50);
  return html`<section aria-labelledby="my-requests"><h2 id="my-requests">${t(ctx, L.mine)}</h2>
${
  mine.length
    ? html`<ul class="items">${mine.map(
        (c) => html`<li><a href="/me/disclosure/${c.unit}/${c.id}">${c.title}</a><span>${c.id} · ${say(ctx, STATUS, c.status)}${c.status === 'received' && c.due ? html` · ${t(ctx, L.due)} ${c.due}` : ''}</span></li>`,
      )}</ul>`
    : html`<p>${t(ctx, L.noRequests)}</p>`
}</section>`;
}
