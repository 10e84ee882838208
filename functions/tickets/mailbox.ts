import { levelOf, prefixOf } from '../../shared/codes';
import { commitAudited } from '../../shared/audit';
import type { Deps } from '../../shared/deps';
import { ApiError } from '../../shared/errors';
import type { Principal } from '../../shared/roles';
import type { Key, Store } from '../../shared/store/store';
import * as z from '../../shared/zod';
import { maskText, type Ticket } from './model';
import { locate, standing, ticketKey } from './tickets';

/**
 * 领导信箱: letters to a unit's leadership are tickets with `mailbox` set, dispatched by the leader's office (the
 * department the unit's setting `tickets.leaderOffice` names). Once answered, and only if the writer agreed, the
 * office publishes letter and answer as a public Q&A with personal data removed; the public list is per unit.
 */

export const qaKey = (unit: string, id: string): Key => ({ pk: `${prefixOf(unit)}#qa`, sk: id });

export const qaSchema = z.object({ id: z.string(), unit: z.string(), title: z.string(), question: z.string(), answer: z.string(), askedAt: z.string(), publishedAt: z.string() });
export type PublishedQa = z.infer<typeof qaSchema>;

/** The writer's name, and phone and ID numbers, taken out of a text meant for the public. */
export function depersonalise(text: string, t: Pick<Ticket, 'filer'>): string {
  const named = t.filer.name ? text.split(t.filer.name).join('某某') : text;
  return maskText(named);
}

const refuse = (zh: string, en: string) => new ApiError('unprocessable', [{ path: 'params.id', message: { zh, en } }]);

export async function publishLetter(deps: Deps, actor: Principal, home: string, id: string, edited: { question?: string; answer?: string }) {
  const l = await locate(deps, home, id);
  const { ticket: t, current: c } = l;
  const { relations } = await standing(deps, actor, l);
  if (relations.size === 0) throw new ApiError('not_found');
  if (!relations.has('dispatcher')) throw new ApiError('forbidden', [], { zh: '只有领导办公室可以公开来信', en: 'Only the leader’s office publishes letters' });
  if (!t.mailbox) throw refuse('这不是领导信箱来信', 'This is not a letter to the leadership');
  if (!t.publishConsent) throw refuse('来信人未同意公开', 'The writer did not agree to publication');
  if (t.published) throw new ApiError('already_exists', [], { zh: '该来信已公开', en: 'This letter is published already' });
  const last = t.replies.at(-1);
  if (!last || !['answered', 'visited', 'rated', 'closed'].includes(c.status)) throw refuse('答复之后才能公开', 'A letter is published once answered');
  const now = deps.now();
  const at = now.toISOString();
  // Whatever the office wrote is cleaned too: the rule is that nothing personal reaches the public.
  const question = depersonalise(edited.question ?? t.text, t);
  const answer = depersonalise(edited.answer ?? last.text, t);
  const published = { at, by: actor.sub, question, answer };
  const qa: PublishedQa = { id, unit: c.unit, title: depersonalise(t.title, t), question, answer, askedAt: t.createdAt, publishedAt: at };
  await commitAudited(deps, now, c.unit, { actor, action: 'ticket.publish', subject: `ticket/${id}`, after: qa }, [
    { op: 'put', table: levelOf(home), item: { ...ticketKey(home, id), ...t, published, updatedAt: at, v: t.v + 1 }, expect: { version: t.v } },
    { op: 'put', table: levelOf(c.unit), item: { ...qaKey(c.unit, id), ...qa }, expect: { absent: true } },
  ]);
  return qa;
}

/** A unit's published Q&A, newest letter first: the public list, and what disclosure search indexes. */
export async function listPublishedQa(store: Store, unit: string, limit: number, cursor?: string) {
  const page = await store.query({ table: levelOf(unit), pk: qaKey(unit, '').pk, limit, cursor, descending: true });
  return { items: page.items.map((i) => qaSchema.parse(i)), ...(page.cursor ? { cursor: page.cursor } : {}) };
}
