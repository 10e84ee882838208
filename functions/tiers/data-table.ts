import { stringify } from 'csv-stringify/sync';
import * as z from '../../shared/zod';
import { ApiError, type FieldError } from '../../shared/errors';

/**
 * The table a data request (数据报送) asks each unit to fill in: named, typed columns. What a unit sends is checked
 * against them cell by cell, so the requester gets data it can add up, not a spreadsheet in whatever shape.
 */

export const COLUMN_TYPES = ['text', 'integer', 'decimal', 'date'] as const;
export const MAX_COLUMNS = 30;
export const MAX_ROWS = 1_000;
/** Rows travel in a case item and a queue message: kept well under both limits (400 KB and 256 KiB). */
export const MAX_ROWS_BYTES = 100_000;
const MAX_TEXT = 500;

export const columnSchema = z.object({
  key: z.string().check(z.regex(/^[a-z][a-z0-9_]{0,31}$/)),
  label: z.string().check(z.trim(), z.minLength(1), z.maxLength(50)),
  type: z.enum(COLUMN_TYPES),
  required: z.boolean(),
});
export type Column = z.infer<typeof columnSchema>;

export const cellSchema = z.union([z.string().check(z.maxLength(MAX_TEXT)), z.number(), z.null()]);
export type Row = Record<string, string | number | null>;

const bad = (fields: FieldError[]) => new ApiError('validation_failed', fields);

/** A request's columns: their keys must differ, since each names a cell. */
export function checkColumns(columns: Column[]): void {
  const seen = new Set<string>();
  const fields: FieldError[] = [];
  columns.forEach((c, i) => {
    if (seen.has(c.key)) fields.push({ path: `body.columns.${i}.key`, message: { zh: `列名 ${c.key} 重复`, en: `column key ${c.key} is used twice` } });
    seen.add(c.key);
  });
  if (fields.length) throw bad(fields);
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const isDate = (v: string) => DATE.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);

function cellError(c: Column, v: string | number | null | undefined): { zh: string; en: string } | undefined {
  if (v === null || v === undefined || v === '') {
    return c.required ? { zh: `「${c.label}」为必填项`, en: `"${c.label}" is required` } : undefined;
  }
  switch (c.type) {
    case 'integer':
      return typeof v === 'number' && Number.isSafeInteger(v) ? undefined : { zh: `「${c.label}」应为整数`, en: `"${c.label}" must be a whole number` };
    case 'decimal':
      return typeof v === 'number' && Number.isFinite(v) ? undefined : { zh: `「${c.label}」应为数字`, en: `"${c.label}" must be a number` };
    case 'date':
      return typeof v === 'string' && isDate(v) ? undefined : { zh: `「${c.label}」应为日期（如 2026-12-01）`, en: `"${c.label}" must be a date such as 2026-12-01` };
    case 'text':
      return typeof v === 'string' ? undefined : { zh: `「${c.label}」应为文字`, en: `"${c.label}" must be text` };
  }
}

/**
 * Checks rows against the columns and gives them back as the JSON that is stored and sent, with the columns in
 * their order and empty cells as null. Every wrong cell is named (up to 20), so a unit fixes them in one go.
 */
export function checkRows(columns: Column[], rows: Row[] | undefined): string {
  if (!rows?.length) throw bad([{ path: 'body.rows', message: { zh: '请填写报送的数据（至少一行）', en: 'the rows to send are required (at least one)' } }]);
  const known = new Set(columns.map((c) => c.key));
  const fields: FieldError[] = [];
  rows.forEach((row, i) => {
    for (const k of Object.keys(row)) {
      if (!known.has(k)) fields.push({ path: `body.rows.${i}.${k}`, message: { zh: `没有「${k}」这一列`, en: `there is no column "${k}"` } });
    }
    for (const c of columns) {
      const message = cellError(c, row[c.key]);
      if (message) fields.push({ path: `body.rows.${i}.${c.key}`, message });
    }
  });
  if (fields.length) throw bad(fields.slice(0, 20));
  const json = JSON.stringify(rows.map((row) => columns.map((c) => row[c.key] ?? null)));
  if (Buffer.byteLength(json) > MAX_ROWS_BYTES) {
    throw bad([{ path: 'body.rows', message: { zh: '数据超过 100 KB，请分批报送', en: 'the rows exceed 100 KB; send them in parts' } }]);
  }
  return json;
}

/** The stored rows (arrays in column order) as objects again. */
export function rowsOf(columns: Column[], json: string): Row[] {
  return (JSON.parse(json) as (string | number | null)[][]).map((cells) => Object.fromEntries(columns.map((c, i) => [c.key, cells[i] ?? null])));
}

/**
 * Every unit's rows in one CSV, the unit's code first: what used to arrive as one spreadsheet per unit by e-mail.
 * A byte-order mark makes spreadsheet programs read the Chinese right.
 */
export function toCsv(columns: Column[], responses: { unit: string; rows: string }[]): string {
  const records = responses.flatMap((r) => (JSON.parse(r.rows) as unknown[][]).map((cells) => [r.unit, ...cells]));
  return '\uFEFF' + stringify([['单位代码 Unit', ...columns.map((c) => c.label)], ...records]);
}
