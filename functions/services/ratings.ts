import * as z from '../../shared/zod';
import { levelOf } from '../../shared/codes';
import type { Deps } from '../../shared/deps';
import { ApiError, notFound } from '../../shared/errors';
import type { Principal } from '../../shared/roles';
import { toChinaDate } from '../../shared/working-days';
import { dueDate } from '../../tenants/settings';
import { countEvent } from '../stats/rollup';
import { caseItem, heldCase, recordStep, type Case, type CaseRules } from '../tiers/escalation';
import { KIND as APPLICATION, applicationRules, RATING_EVENT, RATING_LABELS, view, type Rating } from './applications';
import { staffDept, wrongDept } from './staff';
import { notifyWrite } from '../notify/notifications';

/**
 * 好差评: once an application is completed its applicant rates it, once, on five levels. 不满意 or worse opens a
 * rectification (整改) for the handling department: a case of its own (so it is swept, escalated and supervised like
 * any other) due in the unit's `badReview.rectify` working days, worked through a call back to the applicant and a
 * recorded outcome. Ratings, rectifications opened and rectified count in the unit's figures, which roll up the tiers.
 */

export const RECTIFICATION = 'rectification';
export const rectificationRules: CaseRules = { open: new Set(['open', 'called-back']) };
const BAD: ReadonlySet<Rating> = new Set(['dissatisfied', 'very-dissatisfied']);

export async function rate(deps: Deps, principal: Principal, unit: string, id: string, input: { level: Rating; comment?: string }) {
  const c = await heldCase(deps, unit, APPLICATION, id);
  if (c.data.applicantSub !== principal.sub || c.data.applicantRole !== principal.role) throw notFound();
  if (c.status !== 'completed') {
    throw new ApiError('unprocessable', [], { zh: '办结后才能评价', en: 'An application can be rated once it is completed' });
  }
  if (c.data.rating) throw new ApiError('already_exists', [], { zh: '每件只能评价一次', en: 'An application is rated once only' });
  const now = deps.now();
  const at = now.toISOString();
  const day = toChinaDate(now);
  const rating = { level: input.level, ...(input.comment ? { comment: input.comment } : {}), at };
  const extra = [countEvent({ unit, kind: RATING_EVENT[input.level], day, eventId: `${APPLICATION}/${id}/rated` }, now)];
  if (BAD.has(input.level)) {
    const { due } = await dueDate(deps.store, unit, day, { deadline: 'badReview.rectify' });
    const r: Case = {
      kind: RECTIFICATION,
      id,
      unit,
      title: `整改：${c.title}`,
      body: input.comment ?? RATING_LABELS[input.level],
      status: 'open',
      due,
      overdue: false,
      data: { application: id, ref: c.data.ref!, dept: c.data.dept!, rating: input.level, applicant: c.data.applicantSub! },
      history: [{ at, unit, action: 'open', status: 'open', note: `${RATING_LABELS[input.level]}${input.comment ? `：${input.comment}` : ''}` }],
      supervision: [],
      createdAt: at,
      updatedAt: at,
      v: 1,
    };
    extra.push(
      { op: 'put', table: levelOf(unit), item: caseItem(r, rectificationRules), expect: { absent: true } },
      countEvent({ unit, kind: 'rectificationOpened', day, eventId: `${RECTIFICATION}/${id}/opened` }, now),
    );
  }
  const after = await recordStep(
    deps,
    principal,
    c,
    applicationRules,
    { action: 'rate', status: c.status, note: RATING_LABELS[input.level] },
    { data: { ...c.data, rating: JSON.stringify(rating) } },
    [],
    extra,
  );
  return view(after);
}

export const RECTIFICATION_STEPS = ['callback', 'outcome'] as const;
const STEPS = { callback: { from: 'open', to: 'called-back' }, outcome: { from: 'called-back', to: 'rectified' } } as const;

export const rectificationSchema = z.object({
  id: z.string(),
  unit: z.string(),
  ref: z.string(),
  dept: z.string(),
  rating: z.string(),
  status: z.string(),
  due: z.optional(z.string()),
  overdue: z.boolean(),
  timeline: z.array(z.object({ at: z.string(), unit: z.string(), by: z.optional(z.string()), action: z.string(), status: z.string(), note: z.optional(z.string()) })),
  v: z.int(),
});
const rectificationView = (c: Case) => ({
  id: c.id,
  unit: c.unit,
  ref: c.data.ref!,
  dept: c.data.dept!,
  rating: c.data.rating!,
  status: c.status,
  ...(c.due ? { due: c.due } : {}),
  overdue: c.overdue,
  timeline: c.history,
  v: c.v,
});

/** The department calls the applicant back, then records what was put right. */
export async function rectify(deps: Deps, principal: Principal, unit: string, id: string, step: (typeof RECTIFICATION_STEPS)[number], note: string) {
  const [c, dept] = await Promise.all([heldCase(deps, unit, RECTIFICATION, id), staffDept(deps.store, principal)]);
  if (dept !== c.data.dept) throw wrongDept();
  const t = STEPS[step];
  if (c.status !== t.from) {
    throw new ApiError('unprocessable', [
      { path: 'body.step', message: { zh: `整改状态为「${c.status}」，不能执行「${step}」`, en: `A rectification in status "${c.status}" cannot take "${step}"` } },
    ]);
  }
  const now = deps.now();
  const extra =
    step === 'outcome'
      ? [
          countEvent({ unit, kind: 'rectified', day: toChinaDate(now), eventId: `${RECTIFICATION}/${id}/rectified` }, now),
          notifyWrite(
            {
              unit,
              subject: `${RECTIFICATION}/${id}`,
              account: c.data.applicant!,
              channels: ['sms'],
              text: { zh: `对您评价的「${c.data.ref}」，整改结果：${note.slice(0, 200)}`, en: `On your rating of ${c.data.ref}, what was put right: ${note.slice(0, 200)}` },
            },
            now,
          ),
        ]
      : [];
  const after = await recordStep(deps, principal, c, rectificationRules, { action: step, status: t.to, note }, {}, [], extra);
  return rectificationView(after);
}
