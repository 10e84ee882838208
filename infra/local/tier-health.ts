import { DeadLetters } from '../../shared/aws/dead-letters';
import { depsFromEnv } from '../../shared/aws/deps-from-env';
import { LEVELS } from '../../shared/levels';
import { inboxOf } from '../../shared/resources';
import { outboxBacklog } from '../../shared/tiers/reconcile';
import { provincePrefixes } from '../../functions/tiers/provinces';
import type { ComponentState } from './runtime';

/** As the stack's alarms: anything in a dead-letter queue, or a thousand messages waiting for acknowledgement. */
const BACKLOG_LIMIT = 1000;

/** The tier transport's figures for the health answer: the outbox backlog and each inbox's dead-letter depth. */
export async function tierHealth(): Promise<ComponentState> {
  try {
    const [deps, dlq] = await Promise.all([depsFromEnv(), DeadLetters.fromEnv()]);
    const inboxes = LEVELS.map(inboxOf);
    const [backlog, depths] = await Promise.all([
      provincePrefixes(deps).then((p) => outboxBacklog(deps, p, BACKLOG_LIMIT)),
      Promise.all(inboxes.map((q) => dlq.depth(q))),
    ]);
    const deadLetters = Object.fromEntries(inboxes.map((q, i) => [q, depths[i]!]));
    const dead = depths.reduce((a, b) => a + b, 0);
    return {
      status: dead === 0 && backlog < BACKLOG_LIMIT ? 'ok' : 'down',
      detail: `outbox backlog ${backlog >= BACKLOG_LIMIT ? `${BACKLOG_LIMIT}+` : backlog}; dead letters ${dead}`,
      outboxBacklog: backlog,
      deadLetters,
    };
  } catch (e) {
    return { status: 'down', detail: (e as Error).name || String(e) };
  }
}
