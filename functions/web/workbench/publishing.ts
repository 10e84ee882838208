import type { Text } from '../../../shared/i18n';
import type { Reply } from '../../../shared/http/context';
import { depth, levelOf } from '../../../shared/codes';
import { LEVEL_NAMES, LEVELS, type Level } from '../../../shared/levels';
import { toChinaDate } from '../../../shared/working-days';
import { CATEGORIES, CATEGORY_IDS } from '../../disclosure/categories';
import {
  createDocumentOp,
  documentRecordOp,
  freshnessOp,
  listDocumentsOp,
  listDraftsOp,
  publishDocumentOp,
  updateDocumentOp,
  withdrawDocumentOp,
} from '../../disclosure/api';
import { html, type Html } from '../html';
import { redirect, t } from '../page';
import { unitNames } from './settings';
import { csrfField, fieldError, fmtTime, must, refusalBlock, refusalOf, scrollRegion, W, wbPage, type Refusal, type Staff } from './shell';
import { dueClass } from './tiers';

const L = {
  stale: { zh: '更新提醒：到期与逾期', en: 'Stale and overdue' },
  staleLede: {
    zh: '按更新周期已到期或即将到期的栏目，以及临近或超过条例第二十六条公开期限（成文后 {n} 个工作日前提醒）的草稿。',
    en: 'Columns past or near their update cadence, and drafts past or near their Art. 26 deadline (warned {n} working days ahead).',
  },
  nothingStale: { zh: '没有到期或逾期的栏目和草稿。', en: 'No column or draft is stale or overdue.' },
  column: { zh: '栏目', en: 'Column' },
  draft: { zh: '草稿', en: 'Draft' },
  drafts: { zh: '草稿', en: 'Drafts' },
  published: { zh: '已发布', en: 'Published' },
  fromAbove: { zh: '上级发布、适用于本单位', en: 'Issued above for this unit' },
  withdrawn: { zh: '已撤回', en: 'Withdrawn' },
  what: { zh: '事项', en: 'What' },
  title: { zh: '标题', en: 'Title' },
  category: { zh: '类别', en: 'Category' },
  due: { zh: '期限', en: 'Due' },
  staleOn: { zh: '应更新日期', en: 'Due for update' },
  lastPublished: { zh: '上次发布', en: 'Last published' },
  state: { zh: '状态', en: 'State' },
  overdue: { zh: '已逾期', en: 'Overdue' },
  soon: { zh: '即将到期', en: 'Due soon' },
  update: { zh: '更新', en: 'Update' },
  open: { zh: '办理', en: 'Open' },
  writeIn: { zh: '在此栏目发布', en: 'Publish in this column' },
  indexNo: { zh: '索引号', en: 'Index no.' },
  issuer: { zh: '发布单位', en: 'Issued by' },
  publishedAt: { zh: '发布时间', en: 'Published' },
  none: { zh: '暂无。', en: 'None.' },
  more: { zh: '更多', en: 'More' },
  write: { zh: '撰写公开文件', en: 'Write a document' },
  docNumber: { zh: '文号（可选）', en: 'Document number (optional)' },
  writtenOn: { zh: '成文日期', en: 'Written on' },
  validUntil: { zh: '有效期至（可选）', en: 'Valid until (optional)' },
  body: { zh: '正文', en: 'Text' },
  reach: { zh: '适用于下级单位', en: 'Applies to units below' },
  reachHelp: {
    zh: '全部勾选：本单位及全部下级单位的公开目录均显示；都不勾选：只在本单位显示。',
    en: "All ticked: shown on this unit's page and every unit's below; none: on this unit's page only.",
  },
  publishNow: { zh: '发布', en: 'Publish' },
  saveDraft: { zh: '存为草稿', en: 'Save as a draft' },
  status: { zh: '状态', en: 'State' },
  version: { zh: '版本', en: 'Version' },
  versions: { zh: '历次版本', en: 'Versions' },
  by: { zh: '操作人', en: 'By' },
  at: { zh: '时间', en: 'When' },
  late: { zh: '逾期发布', en: 'Published late' },
  original: { zh: '转载自', en: 'Same text as' },
  edit: { zh: '修改（生成新版本）', en: 'Edit (makes a new version)' },
  save: { zh: '保存修改', en: 'Save the change' },
  publishDraft: { zh: '发布此草稿', en: 'Publish this draft' },
  withdraw: { zh: '撤回', en: 'Withdraw' },
  reason: { zh: '撤回理由（必填）', en: 'Reason for withdrawing (required)' },
  withdrawal: { zh: '撤回理由', en: 'Withdrawn because' },
  yours: { zh: '您未能保存的修改（请对照现行版本后重新提交）', en: 'Your change, not saved (compare with the current version and send it again)' },
  back: { zh: '返回本单位的公开文件', en: "Back to the unit's documents" },
  created: { zh: '草稿已保存。请在 {due} 前发布（条例第二十六条）；发布后获得索引号，并在适用单位的公开目录显示。', en: 'Draft saved. Publish it by {due} (Art. 26); on publication it gets an index number and shows on the pages it applies to.' },
  done: { zh: '已发布，索引号 {no}。本单位及所适用的下级单位的政府信息公开目录即时显示；修改会生成新版本，旧版本留存可查。', en: 'Published as {no}. It shows now on the disclosure pages it applies to; a change makes a new version and every earlier one stays readable.' },
  updated: { zh: '已保存为第 {v} 版（索引号 {no}）。公开目录显示新版本，旧版本留存可查。', en: 'Saved as version {v} ({no}). The pages show the new version; earlier ones stay readable.' },
  gone: { zh: '已撤回（索引号 {no}）。文件不再公开显示，记录、理由和全部版本留存备查。', en: 'Withdrawn ({no}). It is no longer shown; its record, the reason and every version are kept for auditors.' },
} satisfies Record<string, Text>;

const STATUS: Record<string, Text> = { draft: L.draft, published: L.published, withdrawn: L.withdrawn };
const say = (s: Staff, m: Record<string, Text>, k: string) => (m[k] ? t(s.ctx, m[k]) : k);
const categoryName = (s: Staff, c: string) => (c in CATEGORIES ? t(s.ctx, CATEGORIES[c as keyof typeof CATEGORIES]) : c);
const today = (s: Staff) => toChinaDate(s.ctx.deps.now());

/** Writing and changing documents is the unit's own work (the API's `tiers:act` reaches the signed-in unit only). */
export const mayPublish = (s: Staff, code: string) => createDocumentOp.roles!.includes(s.me.role) && s.me.unit === code;

const levelsBelow = (code: string) => LEVELS.filter((l) => depth(l) > depth(levelOf(code)));

/** What a refused document form sent, kept to show it again. */
export interface DocumentForm {
  title?: string;
  category?: string;
  docNumber?: string;
  writtenOn?: string;
  validUntil?: string;
  body?: string;
  /** The levels below ticked (`1`), one field each. */
  city?: string;
  county?: string;
  township?: string;
  village?: string;
  draft?: string;
  reason?: string;
}

const categorySelect = (s: Staff, id: string, selected: string | undefined) =>
  html`<select id="${id}" name="category">${CATEGORY_IDS.map((c) => html`<option value="${c}"${selected === c ? html` selected` : ''}>${categoryName(s, c)}</option>`)}</select>`;

/** The fields a document has whether new or changed, each with the API's message beside it. */
function documentFields(s: Staff, prefix: string, f: DocumentForm, r: Refusal | undefined, withDates: boolean): Html {
  const id = (n: string) => `${prefix}-${n}`;
  return html`<label for="${id('title')}">${t(s.ctx, L.title)}</label><input type="text" id="${id('title')}" name="title" value="${f.title ?? ''}" maxlength="200">${fieldError(r, 'body.title')}
<label for="${id('category')}">${t(s.ctx, L.category)}</label>${categorySelect(s, id('category'), f.category)}${fieldError(r, 'body.category')}
<label for="${id('docNumber')}">${t(s.ctx, L.docNumber)}</label><input type="text" id="${id('docNumber')}" name="docNumber" value="${f.docNumber ?? ''}" maxlength="100">${fieldError(r, 'body.docNumber')}
${withDates ? html`<label for="${id('writtenOn')}">${t(s.ctx, L.writtenOn)}</label><input type="date" id="${id('writtenOn')}" name="writtenOn" value="${f.writtenOn ?? ''}">${fieldError(r, 'body.writtenOn')}` : ''}
<label for="${id('validUntil')}">${t(s.ctx, L.validUntil)}</label><input type="date" id="${id('validUntil')}" name="validUntil" value="${f.validUntil ?? ''}">${fieldError(r, 'body.validUntil')}
<label for="${id('body')}">${t(s.ctx, L.body)}</label><textarea id="${id('body')}" name="body" rows="10">${f.body ?? ''}</textarea>${fieldError(r, 'body.body')}`;
}

/** The form's text as the API takes it: blank optional fields left out, so the API's own rules speak for the rest. */
const optional = (k: string, v: string | undefined) => (v && v.trim() ? { [k]: v.trim() } : {});

/**
 * The unit's publishing desk: what is stale or overdue (with a way to update each), its drafts by due date, what it
 * published and what units above published for it, and, for its own staff, the form to write a new one.
 */
export async function documentsPage(s: Staff, code: string, q: { cursor?: string; category?: string } = {}, problem?: { f: DocumentForm; r: Refusal }): Promise<Reply> {
  const [fresh, drafts, listed, names] = await Promise.all([
    must(s, s.api(freshnessOp, { params: { code } })),
    must(s, s.api(listDraftsOp, { params: { code }, query: { limit: '200' } })),
    must(s, s.api(listDocumentsOp, { params: { code }, query: { limit: '50', cursor: q.cursor } })),
    unitNames(s, code),
  ]);
  const unitName = names.get(code) ?? code;
  const action = `/work/documents/${code}`;
  const d = today(s);
  const own = (listed.items as any[]).filter((i) => i.issuer === code);
  const above = (listed.items as any[]).filter((i) => i.issuer !== code);
  const th = (x: Text) => html`<th scope="col">${t(s.ctx, x)}</th>`;
  const table = (id: string, label: Text, head: Text[], rows: Html[]) =>
    rows.length
      ? scrollRegion(t(s.ctx, label), html`<table class="wb" id="${id}"><thead><tr>${head.map(th)}</tr></thead><tbody>${rows}</tbody></table>`)
      : html`<p id="${id}">${t(s.ctx, L.none)}</p>`;
  const stateTag = (state: string) =>
    html`<span class="tag">${t(s.ctx, state === 'overdue' ? L.overdue : L.soon)}</span>`;
  const rowClass = (state: string) => (state === 'overdue' ? 'due-late' : 'due-soon');
  const edit = mayPublish(s, code);
  const newestIn = (c: string) => own.find((i) => i.category === c);
  const staleRows = [
    ...(fresh.drafts as any[]).map(
      (x) => html`<tr class="${rowClass(x.state)}" data-kind="draft"><td>${t(s.ctx, L.draft)}</td><td><a href="${action}/${x.id}">${x.title}</a></td><td>${categoryName(s, x.category)}</td><td>${x.due}</td><td>${stateTag(x.state)}</td>
<td><a href="${action}/${x.id}">${t(s.ctx, L.open)}<span class="sr-only">：${x.title}</span></a></td></tr>`,
    ),
    ...(fresh.columns as any[]).map((c) => {
      const last = newestIn(c.category);
      return html`<tr class="${rowClass(c.state)}" data-kind="column"><td>${t(s.ctx, L.column)}</td><td>${t(s.ctx, L.lastPublished)} ${c.lastPublished}</td><td>${categoryName(s, c.category)}</td><td>${c.staleOn}</td><td>${stateTag(c.state)}</td>
<td>${last ? html`<a href="${action}/${last.id}">${t(s.ctx, L.update)}<span class="sr-only">：${last.title}</span></a> ` : ''}${
        edit ? html`<a href="${action}?category=${c.category}#write">${t(s.ctx, L.writeIn)}<span class="sr-only">：${categoryName(s, c.category)}</span></a>` : ''
      }</td></tr>`;
    }),
  ];
  const f: DocumentForm = problem?.f ?? { category: q.category, writtenOn: d };
  const r = problem?.r;
  const below = levelsBelow(code);
  // A new form applies to the whole subtree; a form sent back keeps what was ticked.
  const chosen = problem ? ticked(below, problem.f) : below;
  const form = edit
    ? html`<h2 id="write">${t(s.ctx, L.write)}</h2>${refusalBlock(s, r)}
<form class="wb" method="post" action="${action}">${csrfField(s)}
${documentFields(s, 'n', f, r, true)}
${
  below.length
    ? html`<fieldset><legend>${t(s.ctx, L.reach)}</legend><p class="lede" id="reach-help">${t(s.ctx, L.reachHelp)}</p>
${below.map((l) => html`<label class="check"><input type="checkbox" name="${l}" value="1" aria-describedby="reach-help"${chosen.includes(l) ? html` checked` : ''}> ${t(s.ctx, LEVEL_NAMES[l])}</label>`)}
${fieldError(r, 'body.reach')}</fieldset>`
    : ''
}
<p class="actions"><button class="button" type="submit" name="draft" value="0">${t(s.ctx, L.publishNow)}</button><button class="button secondary" type="submit" name="draft" value="1">${t(s.ctx, L.saveDraft)}</button></p>
</form>`
    : '';
  const body = html`<h1>${t(s.ctx, W.publishing)} · ${unitName}</h1>
<section aria-labelledby="h-stale"><h2 id="h-stale">${t(s.ctx, L.stale)}</h2>
<p class="lede">${t(s.ctx, L.staleLede).replace('{n}', String(fresh.warnBefore))}</p>
${staleRows.length ? table('stale', L.stale, [L.what, L.title, L.category, L.due, L.state, L.update], staleRows) : html`<p id="stale">${t(s.ctx, L.nothingStale)}</p>`}</section>
<section aria-labelledby="h-drafts"><h2 id="h-drafts">${t(s.ctx, L.drafts)}</h2>
${table(
  'drafts',
  L.drafts,
  [L.title, L.category, L.due],
  (drafts.items as any[]).map((x) => {
    const c = dueClass(d, x.due, false);
    return html`<tr class="${c}"><td><a href="${action}/${x.id}">${x.title}</a></td><td>${categoryName(s, x.category)}</td><td>${x.due}${c === 'due-late' ? html` <span class="tag">${t(s.ctx, L.overdue)}</span>` : c === 'due-soon' ? html` <span class="tag">${t(s.ctx, L.soon)}</span>` : ''}</td></tr>`;
  }),
)}</section>
<section aria-labelledby="h-published"><h2 id="h-published">${t(s.ctx, L.published)}</h2>
${table(
  'published',
  L.published,
  [L.indexNo, L.title, L.category, L.publishedAt],
  own.map((x) => html`<tr><td>${x.indexNo}</td><td><a href="${action}/${x.id}">${x.title}</a></td><td>${categoryName(s, x.category)}</td><td>${fmtTime(x.publishedAt)}</td></tr>`),
)}
${above.length ? html`<h3>${t(s.ctx, L.fromAbove)}</h3>${table('from-above', L.fromAbove, [L.indexNo, L.title, L.issuer, L.publishedAt], above.map((x) => html`<tr><td>${x.indexNo}</td><td>${x.title}</td><td>${names.get(x.issuer) ?? x.issuer}</td><td>${fmtTime(x.publishedAt)}</td></tr>`))}` : ''}
${listed.cursor ? html`<p class="pager"><a href="${action}?cursor=${encodeURIComponent(listed.cursor)}">${t(s.ctx, L.more)}</a></p>` : ''}</section>
${form}`;
  return wbPage(s, {
    title: `${t(s.ctx, W.publishing)} · ${unitName}`,
    body,
    status: r?.status ?? 200,
    crumbs: [{ href: action, label: `${t(s.ctx, W.publishing)} · ${unitName}` }],
  });
}

const ticked = (below: Level[], f: DocumentForm) => below.filter((l) => l !== 'province' && f[l] === '1');

/** The levels ticked: all of them is the whole subtree (the API's default), none the unit's own page only. */
function reachOf(code: string, f: DocumentForm) {
  const below = levelsBelow(code);
  const levels = ticked(below, f);
  return levels.length === below.length ? {} : { reach: { levels } };
}

export async function createDocument(s: Staff, code: string, f: DocumentForm): Promise<Reply> {
  const a = await s.api(createDocumentOp, {
    params: { code },
    body: {
      title: f.title ?? '',
      category: f.category ?? '',
      ...optional('docNumber', f.docNumber),
      writtenOn: f.writtenOn ?? '',
      ...optional('validUntil', f.validUntil),
      body: f.body ?? '',
      ...reachOf(code, f),
      draft: f.draft === '1',
    },
  });
  const r = refusalOf(a);
  return r ? documentsPage(s, code, {}, { f, r }) : redirect(`/work/documents/${code}/${a.body.id}?done=${f.draft === '1' ? 'created' : 'published'}`);
}

type DocForm = 'edit' | 'publish' | 'withdraw';

/**
 * One document with every version; its unit's staff edit it (a new version from the one shown), publish a draft or
 * withdraw with a reason. After a 409 the page is the document as it is now, with the change that was not saved
 * shown beside it, so that nothing typed is lost and nothing stale is sent again.
 */
export async function documentPage(
  s: Staff,
  code: string,
  id: string,
  done?: string,
  problem?: { form: DocForm; f: DocumentForm; r: Refusal; changed?: boolean },
): Promise<Reply> {
  const [rec, names] = await Promise.all([must(s, s.api(documentRecordOp, { params: { code, id } })), unitNames(s, code)]);
  const doc = rec.document;
  const action = `/work/documents/${code}/${id}`;
  const edit = mayPublish(s, code);
  const near = (form: DocForm) => (problem && !problem.changed && problem.form === form ? problem.r : undefined);
  const kept = problem && !problem.changed && problem.form === 'edit' ? problem.f : undefined;
  const f: DocumentForm = kept ?? { title: doc.title, category: doc.category, docNumber: doc.docNumber, validUntil: doc.validUntil, body: doc.body };
  const confirm = (text: Text) => html`<p class="notice-ok" role="status" id="confirmation">${t(s.ctx, text).replace('{no}', doc.indexNo ?? '').replace('{due}', doc.due).replace('{v}', String(doc.v))}</p>`;
  const confirmation =
    done === 'created' && doc.status === 'draft'
      ? confirm(L.created)
      : done === 'published' && doc.status === 'published'
        ? confirm(L.done)
        : done === 'updated'
          ? confirm(L.updated)
          : done === 'withdrawn' && doc.status === 'withdrawn'
            ? confirm(L.gone)
            : '';
  const vField = html`<input type="hidden" name="v" value="${doc.v}">`;
  const changed = problem?.changed
    ? html`<div class="refusal" role="alert" id="refusal"><p>${t(s.ctx, W.changed)}</p></div>
${problem.form === 'edit' ? html`<details class="yours" open><summary>${t(s.ctx, L.yours)}</summary><dl class="facts"><dt>${t(s.ctx, L.title)}</dt><dd id="yours-title">${problem.f.title ?? ''}</dd></dl><pre class="doc-body" id="yours-body">${problem.f.body ?? ''}</pre></details>` : ''}`
    : '';
  const body = html`<h1>${doc.title}</h1>
${confirmation}${changed}
<dl class="facts" id="doc-facts"><dt>${t(s.ctx, L.status)}</dt><dd id="doc-status">${say(s, STATUS, doc.status)}</dd>
${doc.indexNo ? html`<dt>${t(s.ctx, L.indexNo)}</dt><dd id="doc-index">${doc.indexNo}</dd>` : ''}
<dt>${t(s.ctx, L.issuer)}</dt><dd>${names.get(doc.issuer) ?? doc.issuer}</dd>
<dt>${t(s.ctx, L.category)}</dt><dd>${categoryName(s, doc.category)}</dd>
${doc.docNumber ? html`<dt>${t(s.ctx, L.docNumber)}</dt><dd>${doc.docNumber}</dd>` : ''}
<dt>${t(s.ctx, L.writtenOn)}</dt><dd>${doc.writtenOn}</dd>
<dt>${t(s.ctx, L.due)}</dt><dd>${doc.due}${doc.late ? html` <span class="tag">${t(s.ctx, L.late)}</span>` : ''}</dd>
${doc.publishedAt ? html`<dt>${t(s.ctx, L.publishedAt)}</dt><dd>${fmtTime(doc.publishedAt)}</dd>` : ''}
${doc.withdrawal ? html`<dt>${t(s.ctx, L.withdrawal)}</dt><dd id="doc-withdrawal">${doc.withdrawal.reason}</dd>` : ''}
${doc.original ? html`<dt>${t(s.ctx, L.original)}</dt><dd>${doc.original.issuer}/${doc.original.id}</dd>` : ''}
<dt>${t(s.ctx, L.version)}</dt><dd id="doc-version">${doc.v}</dd></dl>
<pre class="doc-body" id="doc-body">${doc.body}</pre>
${
  edit && doc.status === 'draft'
    ? html`<h2 id="h-publish">${t(s.ctx, L.publishDraft)}</h2>${refusalBlock(s, near('publish'), 'publish-refusal')}
<form method="post" action="${action}">${csrfField(s)}${vField}<input type="hidden" name="action" value="publish"><button class="button" type="submit">${t(s.ctx, L.publishDraft)}</button></form>`
    : ''
}
${
  edit && doc.status !== 'withdrawn'
    ? html`<h2 id="h-edit">${t(s.ctx, L.edit)}</h2>${refusalBlock(s, near('edit'), 'edit-refusal')}
<form class="wb" method="post" action="${action}">${csrfField(s)}${vField}<input type="hidden" name="action" value="edit">
${documentFields(s, 'e', f, near('edit'), false)}
<p><button class="button" type="submit">${t(s.ctx, L.save)}</button></p></form>`
    : ''
}
${
  edit && doc.status === 'published'
    ? html`<h2 id="h-withdraw">${t(s.ctx, L.withdraw)}</h2>${refusalBlock(s, near('withdraw'), 'withdraw-refusal')}
<form class="wb" method="post" action="${action}">${csrfField(s)}${vField}<input type="hidden" name="action" value="withdraw">
<label for="w-reason">${t(s.ctx, L.reason)}</label><textarea id="w-reason" name="reason" rows="3">${problem?.form === 'withdraw' && !problem.changed ? (problem.f.reason ?? '') : ''}</textarea>${fieldError(near('withdraw'), 'body.reason')}
<p><button class="button secondary" type="submit">${t(s.ctx, L.withdraw)}</button></p></form>`
    : ''
}
<h2>${t(s.ctx, L.versions)}</h2>
${scrollRegion(t(s.ctx, L.versions), html`<table class="wb" id="versions"><thead><tr><th scope="col">${t(s.ctx, L.version)}</th><th scope="col">${t(s.ctx, L.at)}</th><th scope="col">${t(s.ctx, L.status)}</th><th scope="col">${t(s.ctx, L.title)}</th><th scope="col">${t(s.ctx, L.by)}</th></tr></thead>
<tbody>${(rec.versions as any[]).map((x) => html`<tr><td class="num">${x.v}</td><td>${fmtTime(x.updatedAt)}</td><td>${say(s, STATUS, x.status)}</td><td>${x.title}</td><td>${x.by}</td></tr>`)}</tbody></table>`)}
<p><a href="/work/documents/${code}">${t(s.ctx, L.back)}</a></p>`;
  return wbPage(s, {
    title: doc.title,
    body,
    status: problem?.r.status ?? 200,
    crumbs: [{ href: `/work/documents/${code}`, label: `${t(s.ctx, W.publishing)} · ${names.get(code) ?? code}` }, { href: action, label: doc.title }],
  });
}

export async function actOnDocument(s: Staff, code: string, id: string, f: DocumentForm & { action?: string; v?: string }): Promise<Reply> {
  const form: DocForm = f.action === 'publish' || f.action === 'withdraw' ? f.action : 'edit';
  if (!mayPublish(s, code)) return documentPage(s, code, id);
  const v = Number(f.v);
  const params = { code, id };
  const a =
    form === 'publish'
      ? await s.api(publishDocumentOp, { params, body: { v } })
      : form === 'withdraw'
        ? await s.api(withdrawDocumentOp, { params, body: { v, reason: f.reason ?? '' } })
        : await s.api(updateDocumentOp, {
            params,
            body: { v, title: f.title ?? '', category: f.category ?? '', ...optional('docNumber', f.docNumber), ...optional('validUntil', f.validUntil), body: f.body ?? '' },
          });
  const r = refusalOf(a);
  if (!r) return redirect(`/work/documents/${code}/${id}?done=${form === 'edit' ? 'updated' : form === 'publish' ? 'published' : 'withdrawn'}`);
  return documentPage(s, code, id, undefined, { form, f, r, changed: r.status === 409 });
}
