import { parse } from 'csv-parse/sync';
import type { Reply } from '../../../shared/http/context';
import type { Text } from '../../../shared/i18n';
import { dataRequestCsvOp, getDataRequestOp } from '../../tiers/api';
import type { Column, Row } from '../../tiers/data-table';
import { html, type Html } from '../html';
import { t } from '../page';
import { fmtTime, must, W, wbPage, type Staff } from './shell';

/**
 * 数据报送 in the workbench: a unit fills in a request's table by pasting it from a spreadsheet (tab- or
 * comma-separated, one line per row, columns in the request's order), and the requester sees every unit's rows and
 * downloads them as one CSV. The API checks every cell; its messages name the row and column.
 */

const L = {
  columns: { zh: '表格列（按此顺序）', en: 'Columns (in this order)' },
  paste: {
    zh: '报送数据：从电子表格复制粘贴，每行一条，各列用制表符或逗号分隔（必填）',
    en: 'The rows: paste them from a spreadsheet, one line per row, cells separated by tabs or commas (required)',
  },
  required: { zh: '必填', en: 'required' },
  rows: { zh: '报送的数据', en: 'Rows sent' },
  notYet: { zh: '尚未报送。', en: 'Not sent yet.' },
  csv: { zh: '下载全部数据（CSV）', en: 'Download every unit’s rows (CSV)' },
  unit: { zh: '单位', en: 'Unit' },
  state: { zh: '状态', en: 'State' },
  due: { zh: '办理期限', en: 'Due' },
  sentAt: { zh: '发出时间', en: 'Sent' },
} satisfies Record<string, Text>;

const TYPE: Record<Column['type'], Text> = {
  text: { zh: '文字', en: 'text' },
  integer: { zh: '整数', en: 'whole number' },
  decimal: { zh: '数字', en: 'number' },
  date: { zh: '日期', en: 'date' },
};

export const columnsOf = (c: { data: Record<string, string> }): Column[] | undefined => (c.data.columns ? (JSON.parse(c.data.columns) as Column[]) : undefined);

/**
 * Pasted lines as rows for the API: cells in the columns' order, numbers where a column takes numbers and the
 * cell reads as one (anything else is sent as typed, for the API to name), empty cells left out.
 */
export function rowsFromPaste(columns: Column[], text: string): Row[] {
  const lines = parse(text.trim(), { delimiter: ['\t', ','], relax_column_count: true, skip_empty_lines: true, trim: true }) as string[][];
  return lines.map((cells) =>
    Object.fromEntries(
      columns.flatMap((c, i) => {
        const v = cells[i] ?? '';
        if (v === '') return [];
        const n = Number(v);
        return [[c.key, (c.type === 'integer' || c.type === 'decimal') && Number.isFinite(n) ? n : v]];
      }),
    ),
  );
}

/** The table to fill, shown above the 'complete' step of a data request. */
export function pasteField(s: Staff, columns: Column[], refusal: Html | ''): Html {
  return html`<p>${t(s.ctx, L.columns)}：</p><ol class="columns">${columns.map(
    (c) => html`<li>${c.label}（${t(s.ctx, TYPE[c.type])}${c.required ? html`，${t(s.ctx, L.required)}` : ''}）</li>`,
  )}</ol>
<label for="rows">${t(s.ctx, L.paste)}</label><textarea id="rows" name="rows" rows="6"></textarea>${refusal}`;
}

/** The requester's view: each unit's state and the rows it sent, and the CSV of them all. */
export async function dataRequestPage(s: Staff, id: string, statusOf: (status: string) => string): Promise<Reply> {
  const v = await must(s, s.api(getDataRequestOp, { params: { code: s.me.unit, id } }));
  const a = v.assignment;
  const columns: Column[] = a.columns ?? [];
  const href = `/work/data-requests/${id}`;
  const rowsTable = (rows: Row[]) =>
    html`<div class="table-scroll"><table class="wb"><thead><tr>${columns.map((c) => html`<th scope="col">${c.label}</th>`)}</tr></thead>
<tbody>${rows.map((r) => html`<tr>${columns.map((c) => html`<td>${r[c.key] ?? ''}</td>`)}</tr>`)}</tbody></table></div>`;
  const body = html`<h1>${a.title}</h1>
<dl class="facts"><dt>${t(s.ctx, L.due)}</dt><dd>${a.due}</dd><dt>${t(s.ctx, L.sentAt)}</dt><dd>${fmtTime(a.createdAt)}</dd></dl>
<div class="panel">${a.body}</div>
<p><a class="button secondary" href="${href}/rows.csv" download>${t(s.ctx, L.csv)}</a></p>
${v.assignees.map(
  (x: any) => html`<section aria-labelledby="u-${x.unit}"><h2 id="u-${x.unit}"><a href="/work/cases/${x.heldBy ?? x.unit}/data-request/${id}">${x.unit}</a> · ${statusOf(x.status)}</h2>
${x.rows ? rowsTable(x.rows) : html`<p>${t(s.ctx, L.notYet)}</p>`}</section>`,
)}`;
  return wbPage(s, { title: a.title, body, crumbs: [{ href: '/work/inbox', label: t(s.ctx, W.inbox) }, { href, label: a.title }] });
}

/** The CSV through the API, in the reader's name. */
export async function dataRequestCsv(s: Staff, id: string): Promise<Reply> {
  const csv = await must(s, s.api(dataRequestCsvOp, { params: { code: s.me.unit, id } }));
  return {
    status: 200,
    body: String(csv),
    type: 'text/csv; charset=utf-8',
    headers: { 'content-disposition': `attachment; filename="data-request-${id}.csv"`, 'cache-control': 'private, no-store' },
  };
}
