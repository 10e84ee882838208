import type { Text } from '../../../shared/i18n';
import type { Reply } from '../../../shared/http/context';
import { ancestorCandidates, isWithin, prefixOf } from '../../../shared/codes';
import { NATIONAL, type Overrides } from '../../../tenants/settings';
import { unitKey } from '../../../tenants/unit';
import { CATEGORIES, type Category } from '../../disclosure/categories';
import { getSettingsOp, putSettingsOp } from '../../settings/api';
import { html, type Html } from '../html';
import { redirect, t } from '../page';
import { csrfField, fieldError, must, refusalBlock, refusalOf, scrollRegion, W, wbPage, type Refusal, type Staff } from './shell';

const L = {
  deadlines: { zh: '期限与提醒（工作日）', en: 'Deadlines and warnings (working days)' },
  calendar: { zh: '工作日历（本地调整）', en: 'Working calendar (local days)' },
  escalation: { zh: '超期处理', en: 'When a deadline passes' },
  other: { zh: '其他设置', en: 'Other settings' },
  key: { zh: '设置项', en: 'Setting' },
  effective: { zh: '生效值', en: 'In effect' },
  source: { zh: '来源', en: 'Set by' },
  change: { zh: '本单位设定', en: 'Set here' },
  here: { zh: '本单位设置', en: 'Set here' },
  national: { zh: '国家规定（默认）', en: 'National default' },
  inherited: { zh: '继承自', en: 'Inherited from' },
  set: { zh: '设定', en: 'Set' },
  clear: { zh: '清除（沿用上级）', en: 'Clear (inherit)' },
  newValue: { zh: '新值', en: 'New value' },
  holidays: { zh: '本地增加的假日', en: 'Extra local holidays' },
  workdays: { zh: '本地增加的工作日', en: 'Extra local workdays' },
  dates: { zh: '日期（YYYY-MM-DD，以逗号或空格分隔）', en: 'Dates (YYYY-MM-DD, separated by commas or spaces)' },
  none: { zh: '无', en: 'None' },
  onOverdue: { zh: '超期后上报上级单位', en: 'Escalate to the unit above when overdue' },
  yes: { zh: '是', en: 'Yes' },
  no: { zh: '否', en: 'No' },
  add: { zh: '新增一项期限', en: 'Add a deadline' },
  name: { zh: '期限名称', en: 'Deadline name' },
  days: { zh: '工作日数', en: 'Working days' },
  readOnly: { zh: '只有本单位及上级单位的管理员可以修改设置。', en: "Only administrators of this unit or of units above it can change these settings." },
  saved: { zh: '已保存（版本 {v}）。下级单位未自行设定的，即日起沿用此值。', en: 'Saved (version {v}). Units below that set nothing of their own inherit it from now on.' },
} satisfies Record<string, Text>;

/** What the deadlines mean, for the ones the platform knows; any other is shown by its name. */
const DEADLINE: Record<string, Text> = {
  'disclosure.proactive': { zh: '主动公开期限（条例第二十六条）', en: 'Proactive disclosure (Art. 26)' },
  'disclosure.request': { zh: '依申请公开答复期限', en: 'Reply to a disclosure request' },
  'disclosure.extension': { zh: '依申请公开延期上限', en: 'Extension of a disclosure request' },
  'disclosure.correction': { zh: '补正告知期限', en: 'Asking for a correction' },
  'disclosure.warnBefore': { zh: '公开期限提前提醒', en: 'Warning before a disclosure deadline' },
  'services.warnBefore': { zh: '办件期限提前提醒', en: 'Warning before an application is due' },
  'complaint.reply': { zh: '投诉答复期限', en: 'Reply to a complaint' },
  'consultation.reply': { zh: '咨询答复期限', en: 'Reply to a consultation' },
  signFor: { zh: '通知签收期限', en: 'Signing for a notice' },
  'badReview.rectify': { zh: '差评整改期限', en: 'Putting a bad review right' },
  'help.reply': { zh: '求助答复期限', en: 'Reply to a request for help' },
  'report.reply': { zh: '举报答复期限', en: 'Reply to a report' },
  'suggestion.reply': { zh: '建议答复期限', en: 'Reply to a suggestion' },
  'praise.reply': { zh: '表扬答复期限', en: 'Reply to praise' },
  'ticket.dispatch': { zh: '诉求派单期限', en: 'Dispatching a ticket' },
  'ticket.callback': { zh: '诉求回访期限', en: 'Calling a filer back' },
  'ticket.close': { zh: '诉求办结期限', en: 'Closing a ticket' },
};
const CADENCE = 'disclosure.cadence.';

/** A deadline's name for people: known ones by meaning, a column's update cadence by its column, else as named. */
const deadlineLabel = (s: Staff, name: string) => {
  if (DEADLINE[name]) return t(s.ctx, DEADLINE[name]);
  const column = name.startsWith(CADENCE) ? CATEGORIES[name.slice(CADENCE.length) as Category] : undefined;
  return column ? `${t(s.ctx, { zh: '栏目更新周期：', en: 'Update cadence: ' })}${t(s.ctx, column)}` : name;
};

/** The settings this page changes, as the form names them: each one key of the unit's own overrides. */
type Editable = `deadlines.${string}` | 'calendar.extraHolidays' | 'calendar.extraWorkdays' | 'escalation.onOverdue';
const isEditable = (k: string): k is Editable =>
  (k.startsWith('deadlines.') && k.length > 'deadlines.'.length) || k === 'calendar.extraHolidays' || k === 'calendar.extraWorkdays' || k === 'escalation.onOverdue';

/** Who may change a unit's settings: the roles the API lets in, at their unit and below (the API's own reach). */
export const maySetSettings = (s: Staff, code: string) => putSettingsOp.roles!.includes(s.me.role) && isWithin(code, prefixOf(s.me.unit));

/**
 * The unit's overrides with one key set (from the form's text: a number for a deadline, dates for a calendar list,
 * yes or no) or cleared. A value the form cannot read is sent as typed, so the API's own message explains it.
 */
export function withOverride(o: Overrides, key: Editable, value: string | undefined): Overrides {
  const next: Overrides = structuredClone(o);
  if (key.startsWith('deadlines.')) {
    const name = key.slice('deadlines.'.length);
    const deadlines = { ...next.deadlines };
    if (value === undefined) delete deadlines[name];
    else deadlines[name] = (value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : value) as number;
    next.deadlines = deadlines;
  } else if (key === 'escalation.onOverdue') {
    next.escalation = value === undefined ? {} : { onOverdue: (value === 'true' ? true : value === 'false' ? false : value) as boolean };
  } else {
    const part = key === 'calendar.extraHolidays' ? 'extraHolidays' : 'extraWorkdays';
    const calendar = { ...next.calendar };
    const days = (value ?? '').split(/[\s,，、;；]+/).filter(Boolean);
    if (days.length) calendar[part] = days;
    else delete calendar[part];
    next.calendar = calendar;
  }
  return next;
}

/**
 * Names of the units values come from. Unit names are the public directory (the portal shows them to anyone), read
 * in one batch here because the API lets a unit's staff read no unit above their own.
 */
export async function unitNames(s: Staff, code: string): Promise<Map<string, string>> {
  const items = await s.ctx.deps.store.getMany('registry', [code, ...ancestorCandidates(code)].map(unitKey));
  return new Map(items.map((i) => [String(i.code), String(i.name)]));
}

interface Problem {
  /** The setting's form key, or `add` for the form that adds a deadline. */
  key: string;
  value?: string;
  /** The name typed into the add form. */
  name?: string;
  r: Refusal;
  changed?: boolean;
}

/**
 * Every effective setting beside where it comes from: set here, inherited from a named unit above, or the national
 * default; those who may change the unit's settings set or clear each of the unit's own values in place.
 */
export async function settingsPage(s: Staff, code: string, problem?: Problem, savedV?: string): Promise<Reply> {
  const [st, names] = await Promise.all([must(s, s.api(getSettingsOp, { params: { code } })), unitNames(s, code)]);
  const edit = maySetSettings(s, code);
  const action = `/work/settings/${code}`;
  const unitName = names.get(code) ?? code;
  const sourceCell = (src: string | undefined) =>
    src === code
      ? html`<td data-source="here"><strong>${t(s.ctx, L.here)}</strong></td>`
      : !src || src === NATIONAL
        ? html`<td data-source="national">${t(s.ctx, L.national)}</td>`
        : html`<td data-source="inherited">${t(s.ctx, L.inherited)} <a href="/work/settings/${src}">${names.get(src) ?? src}</a></td>`;
  const idOf = (key: string) => `set-${key.replace(/[^a-zA-Z0-9-]/g, '-')}`;
  const mine = (key: string) => problem?.key === key;
  /** The set form and, for a value set here, the clear form: one row's own controls. */
  const controls = (key: Editable, label: string, current: string, input: (id: string, value: string) => Html, setHere: boolean) => {
    const id = idOf(key);
    const value = mine(key) && problem!.value !== undefined ? problem!.value : current;
    return html`<td><form class="inline" method="post" action="${action}">${csrfField(s)}<input type="hidden" name="v" value="${st.v}"><input type="hidden" name="key" value="${key}">
<label class="sr-only" for="${id}">${label}：${t(s.ctx, L.newValue)}</label>${input(id, value)}
<button class="button secondary" type="submit" name="action" value="set">${t(s.ctx, L.set)}</button>${
      setHere ? html` <button class="button secondary" type="submit" name="action" value="clear">${t(s.ctx, L.clear)}</button>` : ''
    }${mine(key) ? fieldError(problem!.r, `body.${key}`) : ''}</form></td>`;
  };
  const head = (...cols: Text[]) => html`<thead><tr>${cols.map((c) => html`<th scope="col">${t(s.ctx, c)}</th>`)}</tr></thead>`;
  const cols = [L.key, L.effective, L.source, ...(edit ? [L.change] : [])];

  const deadlines = Object.entries(st.effective.deadlines as Record<string, number>).sort(([a], [b]) => a.localeCompare(b));
  const deadlineRows = deadlines.map(([name, days]) => {
    const key = `deadlines.${name}` as const;
    const src = st.sources.deadlines[name];
    const label = deadlineLabel(s, name);
    return html`<tr id="row-${idOf(key)}"><th scope="row">${label}<br><code>${name}</code></th><td class="num">${days}</td>${sourceCell(src)}${
      edit ? controls(key, label, String(days), (id, v) => html`<input type="text" inputmode="numeric" size="4" id="${id}" name="value" value="${v}">`, src === code) : ''
    }</tr>`;
  });

  const cal = st.effective.calendar as { extraHolidays: string[]; extraWorkdays: string[] };
  const calendarRow = (part: 'extraHolidays' | 'extraWorkdays', label: Text) => {
    const key = `calendar.${part}` as const;
    const days = cal[part];
    const own = (st.overrides as Overrides).calendar?.[part] ?? [];
    const list = days.length
      ? html`<ul class="plain">${days.map((d) => html`<li>${d}（${sourceCellText(st.sources.calendar[d])}）</li>`)}</ul>`
      : t(s.ctx, L.none);
    return html`<tr id="row-${idOf(key)}"><th scope="row">${t(s.ctx, label)}</th><td>${list}</td>${sourceCell(own.length ? code : days.length ? st.sources.calendar[days[0]!] : NATIONAL)}${
      edit
        ? controls(key, t(s.ctx, label), own.join(', '), (id, v) => html`<input type="text" id="${id}" name="value" value="${v}" aria-describedby="dates-help">`, own.length > 0)
        : ''
    }</tr>`;
  };
  const sourceCellText = (src: string | undefined) =>
    src === code ? t(s.ctx, L.here) : !src || src === NATIONAL ? t(s.ctx, L.national) : `${t(s.ctx, L.inherited)} ${names.get(src) ?? src}`;

  const onOverdue = st.effective.escalation.onOverdue as boolean;
  const escSrc = st.sources.escalation.onOverdue;
  const escalationRow = html`<tr id="row-${idOf('escalation.onOverdue')}"><th scope="row">${t(s.ctx, L.onOverdue)}</th><td>${t(s.ctx, onOverdue ? L.yes : L.no)}</td>${sourceCell(escSrc)}${
    edit
      ? controls('escalation.onOverdue', t(s.ctx, L.onOverdue), String(onOverdue), (id, v) =>
          html`<select id="${id}" name="value">${(['true', 'false'] as const).map((o) => html`<option value="${o}"${v === o ? html` selected` : ''}>${t(s.ctx, o === 'true' ? L.yes : L.no)}</option>`)}</select>`,
        escSrc === code)
      : ''
  }</tr>`;

  const others = (['contact', 'site', 'tickets'] as const).flatMap((section) =>
    Object.entries(st.sources[section] as Record<string, string>).map(([k, src]) => {
      const v = k.split('.').reduce<any>((o, p) => o?.[p], st.effective[section]);
      return html`<tr><th scope="row"><code>${section}.${k}</code></th><td>${Array.isArray(v) ? v.join('、') : String(v ?? '')}</td>${sourceCell(src)}</tr>`;
    }),
  );

  const addForm = edit
    ? html`<h2 id="h-add">${t(s.ctx, L.add)}</h2>${mine('add') ? refusalBlock(s, problem!.r, 'add-refusal') : ''}
<form class="wb" method="post" action="${action}">${csrfField(s)}<input type="hidden" name="v" value="${st.v}"><input type="hidden" name="action" value="add">
<label for="add-name">${t(s.ctx, L.name)}</label><input type="text" id="add-name" name="key" placeholder="disclosure.cadence.policy" value="${mine('add') ? (problem!.name ?? '') : ''}">
<label for="add-days">${t(s.ctx, L.days)}</label><input type="text" inputmode="numeric" id="add-days" name="value" value="${mine('add') ? (problem!.value ?? '') : ''}">${mine('add') ? fieldError(problem!.r, 'body.deadlines') : ''}
<p><button class="button" type="submit">${t(s.ctx, L.add)}</button></p></form>`
    : '';

  const note = problem
    ? problem.changed
      ? html`<div class="refusal" role="alert" id="refusal"><p>${t(s.ctx, W.changed)}</p></div>`
      : problem.key === 'add'
        ? ''
        : refusalBlock(s, problem.r)
    : savedV !== undefined
      ? html`<p class="notice-ok" role="status" id="saved">${t(s.ctx, L.saved).replace('{v}', String(savedV))}</p>`
      : '';
  const table = (id: string, label: Text, rows: Html[], withEdit = edit) =>
    scrollRegion(t(s.ctx, label), html`<table class="wb settings" id="${id}">${head(...(withEdit ? cols : cols.slice(0, 3)))}<tbody>${rows}</tbody></table>`);
  const body = html`<h1>${t(s.ctx, W.settings)} · ${unitName}</h1>
${note}
${edit ? '' : html`<p class="lede">${t(s.ctx, L.readOnly)}</p>`}
<h2>${t(s.ctx, L.deadlines)}</h2>
${table('deadlines', L.deadlines, deadlineRows)}
${addForm}
<h2>${t(s.ctx, L.calendar)}</h2>
${edit ? html`<p id="dates-help">${t(s.ctx, L.dates)}</p>` : ''}
${table('calendar', L.calendar, [calendarRow('extraHolidays', L.holidays), calendarRow('extraWorkdays', L.workdays)])}
<h2>${t(s.ctx, L.escalation)}</h2>
${table('escalation', L.escalation, [escalationRow])}
${others.length ? html`<h2>${t(s.ctx, L.other)}</h2>${table('other', L.other, others, false)}` : ''}`;
  return wbPage(s, {
    title: `${t(s.ctx, W.settings)} · ${unitName}`,
    body,
    status: problem?.r.status ?? 200,
    crumbs: [{ href: `/work/units/${code}`, label: unitName }, { href: action, label: t(s.ctx, W.settings) }],
  });
}

/** Sets or clears one of the unit's own values: the unit's overrides as read, with that one changed, as the new version. */
export async function changeSettings(s: Staff, code: string, body: { action?: string; key?: string; value?: string; v?: string }): Promise<Reply> {
  if (!maySetSettings(s, code)) return settingsPage(s, code);
  const adding = body.action === 'add';
  const key = adding ? `deadlines.${(body.key ?? '').trim()}` : (body.key ?? '');
  const shownAs = adding ? 'add' : key;
  const st = await must(s, s.api(getSettingsOp, { params: { code } }));
  if (!isEditable(key)) {
    const r = { status: 400, message: t(s.ctx, { zh: '请填写期限名称。', en: 'Give the deadline a name.' }), fields: [{ path: 'body.deadlines', message: t(s.ctx, { zh: '请填写期限名称。', en: 'Give the deadline a name.' }) }] };
    return settingsPage(s, code, { key: shownAs, value: body.value, name: body.key, r });
  }
  const v = Number(body.v);
  const overrides = withOverride(st.overrides as Overrides, key, body.action === 'clear' ? undefined : (body.value ?? ''));
  const a = await s.api(putSettingsOp, { params: { code }, body: { v: Number.isInteger(v) ? v : -1, ...overrides } });
  const r = refusalOf(a);
  if (!r) return redirect(`/work/settings/${code}?saved=${a.body.v}#${adding ? 'deadlines' : `row-set-${key.replace(/[^a-zA-Z0-9-]/g, '-')}`}`);
  // Someone saved meanwhile: the page as it is now, nothing of this form applied over it.
  const changed = r.status === 409;
  return settingsPage(s, code, { key: shownAs, r, changed, ...(changed ? {} : { value: body.value, name: body.key }) });
}
