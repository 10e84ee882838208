import { ApiError } from '../../shared/errors';
import type { TierMessage, TierMessageKind } from '../../shared/tiers/message';
import type { TierEffect } from '../../shared/tiers/outbox';
import type { TierGroupEffect } from '../../shared/tiers/inbox';
import { rollupEffect, rollupGroupEffect, rollupGroupKey } from '../stats/rollup';
import { notificationEffectFromEnv } from '../notify/notifications';
import { assignmentEffect, assignmentRules, assignmentUpdateEffect, KIND as ASSIGNMENT } from './assignments';
import { DATA_REQUESTS, dataRequestEffect, dataRequestRules, dataResponseEffect } from './data-requests';
import { escalationEffect, supervisionEffect, type CaseRules } from './escalation';
import { applicationRules, KIND as APPLICATION } from '../services/applications';
import { rectificationRules, RECTIFICATION } from '../services/ratings';
import { KIND as TICKET } from '../tickets/model';
import { ticketDispatchEffect, ticketRules } from '../tickets/tickets';
import { KIND as DISCLOSURE_REQUEST, requestRules } from '../disclosure/requests';

/** The subject kinds that are cases, with their rules: a kind that joins (tickets, applications…) adds one line. */
export const CASE_RULES: Readonly<Record<string, CaseRules>> = {
  [ASSIGNMENT]: assignmentRules,
  [DATA_REQUESTS.kind]: dataRequestRules,
  [APPLICATION]: applicationRules,
  [RECTIFICATION]: rectificationRules,
  [TICKET]: ticketRules,
  [DISCLOSURE_REQUEST]: requestRules,
};

export function rulesOf(kind: string): CaseRules {
  const rules = Object.hasOwn(CASE_RULES, kind) ? CASE_RULES[kind] : undefined;
  if (!rules) throw new ApiError('unprocessable', [], { zh: `没有这类事项：${kind}`, en: `No case kind ${kind}` });
  return rules;
}

/**
 * What each kind of tier message does at its receiver; the consumer looks a message's kind up here. A kind without
 * an entry is never applied: its messages go to the dead-letter queue saying so, and can be redriven once the effect
 * exists.
 */
export const EFFECTS: Partial<Record<TierMessageKind, TierEffect>> = {
  rollup: rollupEffect,
  assignment: assignmentEffect,
  'assignment-update': assignmentUpdateEffect,
  'data-request': dataRequestEffect,
  'data-response': dataResponseEffect,
  escalation: escalationEffect(rulesOf),
  supervision: supervisionEffect(rulesOf),
  'ticket-dispatch': ticketDispatchEffect,
  notification: notificationEffectFromEnv,
};

/**
 * Kinds whose messages to one receiver a consumer batch applies together, by the key that says which may go
 * together (undefined: alone, through `EFFECTS`).
 */
export interface GroupedEffect {
  key: (m: TierMessage) => string | undefined;
  apply: TierGroupEffect;
}
export const GROUPED_EFFECTS: Partial<Record<TierMessageKind, GroupedEffect>> = {
  rollup: { key: rollupGroupKey, apply: rollupGroupEffect },
};
