import { monotonicFactory } from 'ulid';
import * as z from '../../shared/zod';
import { commitAudited } from '../../shared/audit';
import { levelOf, prefixOf } from '../../shared/codes';
import type { Deps } from '../../shared/deps';
import { ApiError, notFound } from '../../shared/errors';
import { unitCodeSchema, type Principal } from '../../shared/roles';
import type { Key, Store } from '../../shared/store/store';
import { CalendarCoverageError, toChinaDate } from '../../shared/working-days';
import { chinaWorkingCalendar } from '../../tenants/calendars';
import { readSettings } from '../../tenants/settings';
import { caseKey } from '../tiers/escalation';
import { checkApplicant, KIND as APPLICATION, prepare, type Applicant } from './applications';
import { itemCodeSchema, offersAt, type ServiceItem } from './catalog';
import { checkForm, combineForms, fieldSchema, pick, type FormValues } from './forms';
import { claimAttachments, type Attachment } from '../uploads/attachments';

/**
 * 一件事一次办: a bundle of items a unit offers, across its departments, asked for with one combined form (a field
 * of one name asked once) and one submission. The submission writes one case per item, each with its department
 * and its own due date, and the record that ties them together, in one transaction: all of them or none.
 */

export const MAX_BUNDLE_ITEMS = 10;
export const bundleIdSchema = z.string().check(z.regex(/^[a-z][a-z0-9-]{2,39}$/));

export const bundleInputSchema = z.strictObject({
  id: bundleIdSchema,
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)),
  description: z.string().check(z.trim(), z.minLength(1), z.maxLength(2_000)),
  items: z.array(z.strictObject({ definer: unitCodeSchema, item: itemCodeSchema })).check(z.minLength(2), z.maxLength(MAX_BUNDLE_ITEMS)),
});
export type BundleInput = z.infer<typeof bundleInputSchema>;

export const bundleSchema = z.object({
  ...bundleInputSchema.def.shape,
  unit: z.string(),
  createdAt: z.string(),
  by: z.string(),
});
export type Bundle = z.infer<typeof bundleSchema>;

const bundleKey = (unit: string, id: string): Key => ({ pk: `${prefixOf(unit)}#svc-bundle`, sk: id });
const submissionKey = (unit: string, id: string): Key => ({ pk: `${prefixOf(unit)}#svc-bundle-sub`, sk: id });

const nextId = monotonicFactory();

/** The items as offered at `unit` now, in the bundle's order, and their forms combined: a few batch reads in all. */
async function resolve(store: Store, unit: string, refs: BundleInput['items']) {
  const found = await offersAt(store, unit, refs);
  const offers = found.map((o, i) => {
    if (o) return o;
    const r = refs[i]!;
    throw new ApiError('validation_failed', [
      { path: `body.items.${i}`, message: { zh: `本单位没有可办的事项 ${r.definer}/${r.item}`, en: `the unit offers no item ${r.definer}/${r.item}` } },
    ]);
  });
  const { fields, clashes } = combineForms(offers.map((o, i) => ({ key: String(i), fields: o.item.form })));
  return { offers, fields, clashes };
}

export async function defineBundle(deps: Deps, actor: Principal, unit: string, input: BundleInput): Promise<Bundle> {
  const seen = new Set<string>();
  input.items.forEach((r, i) => {
    const k = `${r.definer}/${r.item}`;
    if (seen.has(k)) throw new ApiError('validation_failed', [{ path: `body.items.${i}`, message: { zh: '事项重复', en: 'the item is listed twice' } }]);
    seen.add(k);
  });
  const { clashes } = await resolve(deps.store, unit, input.items);
  if (clashes.length > 0) throw new ApiError('validation_failed', clashes);
  const now = deps.now();
  const bundle: Bundle = { ...input, unit, createdAt: now.toISOString(), by: actor.sub };
  try {
    await commitAudited(deps, now, unit, { actor, action: 'service-bundle.define', subject: `service-bundle/${input.id}`, after: bundle }, [
      { op: 'put', table: levelOf(unit), item: { ...bundleKey(unit, input.id), ...bundle }, expect: { absent: true } },
    ]);
  } catch (e) {
    if (e instanceof ApiError && e.code === 'conflict') throw new ApiError('already_exists');
    throw e;
  }
  return bundle;
}

async function getBundle(store: Store, unit: string, id: string): Promise<Bundle> {
  const item = await store.get(levelOf(unit), bundleKey(unit, id));
  if (!item) throw notFound();
  return bundleSchema.parse(item);
}

const partOf = (i: ServiceItem, deptId: string, promisedDays: number) => ({ definer: i.unit, item: i.code, name: i.name, deptId, promisedDays });

/** The bundle as the public sees it: its items, where each is handled, and the one combined form. */
export async function readBundle(store: Store, unit: string, id: string) {
  const b = await getBundle(store, unit, id);
  const { offers, fields } = await resolve(store, unit, b.items);
  return { id: b.id, unit, name: b.name, description: b.description, items: offers.map((o) => partOf(o.item, o.offer.deptId, o.offer.promisedDays)), form: fields };
}

export const bundleViewSchema = z.object({
  id: z.string(),
  unit: z.string(),
  name: z.string(),
  description: z.string(),
  items: z.array(z.object({ definer: z.string(), item: z.string(), name: z.string(), deptId: z.string(), promisedDays: z.int() })),
  form: z.array(fieldSchema),
});

export const submissionSchema = z.object({
  id: z.string(),
  unit: z.string(),
  bundle: z.string(),
  name: z.string(),
  /** True once every case of the submission is closed (completed or rejected). */
  done: z.boolean(),
  cases: z.array(z.object({ id: z.string(), ref: z.string(), item: z.string(), dept: z.string(), status: z.string(), due: z.optional(z.string()) })),
  createdAt: z.string(),
});

/** One submission for the whole bundle: one case per item, all written in one transaction with the record tying them. */
export async function submitBundle(deps: Deps, principal: Principal, unit: string, id: string, input: { form: FormValues; applicant: Applicant; attachments?: Attachment[] }) {
  const applicant = checkApplicant(principal, input.applicant, 'body.applicant');
  const b = await getBundle(deps.store, unit, id);
  const { offers, fields, clashes } = await resolve(deps.store, unit, b.items);
  if (clashes.length > 0) {
    throw new ApiError('unprocessable', [], { zh: '该套餐的事项表单已不一致，请联系办理单位', en: "The bundle's items no longer agree on their forms; contact the unit" });
  }
  const form = checkForm(fields, input.form, 'body.form');
  // The files go with every case of the submission: each department sees what was sent.
  const attachments = await claimAttachments(deps, principal, unit, 'application', input.attachments ?? []);
  const subId = nextId(deps.now().getTime());
  // One read of the unit's settings for every item's due date.
  const settings = await readSettings(deps.store, unit);
  const today = toChinaDate(deps.now());
  const prepared = offers.map((o) =>
    prepare(
      deps,
      principal,
      unit,
      { definer: o.item.unit, item: o.item.code, form: pick(o.item.form, form), applicant, attachments },
      { item: o.item, deptId: o.offer.deptId, promisedDays: o.offer.promisedDays, due: dueOn(settings, today, o.offer.promisedDays) },
      { bundle: subId },
    ),
  );
  const at = deps.now().toISOString();
  const record = {
    id: subId,
    unit,
    bundle: b.id,
    name: b.name,
    applicantSub: principal.sub,
    applicantRole: principal.role,
    cases: prepared.map((p) => ({ id: p.case.id, ref: p.case.data.ref!, item: p.case.data.item!, dept: p.case.data.dept! })),
    createdAt: at,
  };
  await commitAudited(deps, deps.now(), unit, { actor: principal, action: 'service-bundle.submit', subject: `service-bundle/${b.id}/${subId}`, after: record }, [
    { op: 'put', table: levelOf(unit), item: { ...submissionKey(unit, subId), ...record }, expect: { absent: true } },
    ...prepared.flatMap((p) => p.writes),
  ]);
  return readSubmission(deps, principal, unit, subId, false);
}

const CLOSED = new Set(['completed', 'rejected']);

function dueOn(settings: Awaited<ReturnType<typeof readSettings>>, from: string, days: number): string {
  try {
    return chinaWorkingCalendar(settings.effective.calendar).addWorkingDays(from, days);
  } catch (e) {
    if (!(e instanceof CalendarCoverageError)) throw e;
    throw new ApiError('unprocessable', [], { zh: `工作日历无法计算到 ${e.date}`, en: `The working-day calendar cannot count to ${e.date}` });
  }
}

/** A submission tracked together: each case's state, and whether all are done. The applicant's, or staff of the unit's. */
export async function readSubmission(deps: Deps, principal: Principal, unit: string, id: string, staffMayRead: boolean) {
  const item = await deps.store.get(levelOf(unit), submissionKey(unit, id));
  if (!item || (!staffMayRead && (item.applicantSub !== principal.sub || item.applicantRole !== principal.role))) throw notFound();
  const refs = item.cases as { id: string; ref: string; item: string; dept: string }[];
  const found = await deps.store.getMany(
    levelOf(unit),
    refs.map((r) => caseKey(unit, APPLICATION, r.id)),
  );
  const byId = new Map(found.map((c) => [c.id as string, c]));
  const cases = refs.map((r) => {
    const c = byId.get(r.id);
    const status = (c?.status as string | undefined) ?? 'unknown';
    return { ...r, status, ...(c?.due && status !== 'supplement' ? { due: c.due as string } : {}) };
  });
  return {
    id,
    unit,
    bundle: item.bundle as string,
    name: item.name as string,
    done: cases.every((c) => CLOSED.has(c.status)),
    cases,
    createdAt: item.createdAt as string,
  };
}
