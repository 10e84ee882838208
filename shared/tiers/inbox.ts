import { levelOf, prefixOf } from '../codes';
import type { Deps } from '../deps';
import type { ApiError } from '../errors';
import { ConditionFailed, type Key, type Write } from '../store/store';
import { ackWrite, type TierEffect } from './outbox';
import type { TierMessage } from './message';

/**
 * The receiving side of tier messages: their effect, the record that each was processed and the senders'
 * acknowledgements, in one transaction. The processed-id record (receiver's partition, written only if absent) is
 * what makes a redelivery, a resend by the reconciler or a redrive from the dead-letter queue harmless: it is
 * acknowledged again and changes nothing.
 */
export const processedKey = (m: Pick<TierMessage, 'to' | 'id'>): Key => ({ pk: `${prefixOf(m.to)}#inbox`, sk: m.id });

/** Kept well beyond the reconciler's longest resend interval, so no copy of a message can outlive its record. */
const PROCESSED_TTL_SECONDS = 90 * 24 * 3600;
/** An effect that read state a concurrent delivery changed is recomputed this many times before the message is retried. */
const MAX_ATTEMPTS = 8;

export type Outcome = 'applied' | 'duplicate';

/**
 * What several messages to one receiver do together (roll-ups to one unit for one day: one counter write, one
 * message on up). It throws `Rejected` for messages among them that can never apply; the rest go on without them.
 */
export type TierGroupEffect = (deps: Deps, messages: TierMessage[]) => Promise<Write[]>;

export class Rejected extends Error {
  constructor(readonly errors: ReadonlyMap<string, ApiError>) {
    super(`${errors.size} message(s) rejected`);
  }
}

function processedWrite(m: TierMessage, now: Date): Write {
  return {
    op: 'put',
    table: levelOf(m.to),
    item: {
      ...processedKey(m),
      kind: m.kind,
      from: m.from,
      subject: m.subject,
      processedAt: now.toISOString(),
      expiresAt: Math.floor(now.getTime() / 1000) + PROCESSED_TTL_SECONDS,
    },
    expect: { absent: true },
  };
}

export interface GroupOutcome {
  outcomes: Map<string, Outcome>;
  /** Messages the effect rejected, with why: they were neither applied nor acknowledged. */
  rejected: Map<string, ApiError>;
}

/**
 * Applies messages to one receiver (distinct ids) in one transaction. Those already processed are acknowledged again
 * and left out, before and, if a concurrent delivery got there first, during the write.
 */
export async function receiveGroup(deps: Deps, messages: TierMessage[], effect: TierGroupEffect): Promise<GroupOutcome> {
  const outcomes = new Map<string, Outcome>();
  const rejected = new Map<string, ApiError>();
  const duplicate = async (done: TierMessage[]) => {
    if (done.length === 0) return;
    await deps.store.transact(done.map(ackWrite));
    for (const m of done) outcomes.set(m.id, 'duplicate');
  };
  const seen = new Set((await deps.store.getMany(levelOf(messages[0]!.to), messages.map(processedKey))).map((i) => i.sk as string));
  await duplicate(messages.filter((m) => seen.has(m.id)));
  let pending = messages.filter((m) => !seen.has(m.id));
  for (let attempt = 1; pending.length > 0; ) {
    let writes: Write[];
    try {
      writes = await effect(deps, pending);
    } catch (e) {
      if (!(e instanceof Rejected)) throw e;
      for (const [id, error] of e.errors) rejected.set(id, error);
      pending = pending.filter((m) => !e.errors.has(m.id));
      continue;
    }
    const now = deps.now();
    try {
      // The processed records first: a failed condition among them means "already done", whatever else failed too.
      await deps.store.transact([...pending.map((m) => processedWrite(m, now)), ...writes, ...pending.map(ackWrite)]);
      for (const m of pending) outcomes.set(m.id, 'applied');
      return { outcomes, rejected };
    } catch (e) {
      if (!(e instanceof ConditionFailed)) throw e;
      if (e.index < pending.length) {
        const done = pending[e.index]!;
        await duplicate([done]);
        pending = pending.filter((m) => m !== done);
        continue;
      }
      if (attempt++ >= MAX_ATTEMPTS) {
        throw new Error(`${pending[0]!.kind} to ${pending[0]!.to}: write ${e.index - pending.length} of its effect kept meeting concurrent changes`, { cause: e });
      }
      await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
    }
  }
  return { outcomes, rejected };
}

/** One message, with an effect of its own; an ApiError it throws is the caller's to report. */
export async function receive(deps: Deps, message: TierMessage, effect: TierEffect): Promise<Outcome> {
  const { outcomes } = await receiveGroup(deps, [message], (d, [m]) => effect(d, m!));
  return outcomes.get(message.id)!;
}
