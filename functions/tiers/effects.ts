import type { TierMessageKind } from '../../shared/tiers/message';
import type { TierEffect } from '../../shared/tiers/outbox';
import { rollupEffect } from '../stats/rollup';

/**
 * What each kind of tier message does at its receiver. A kind without an entry is never applied: its messages go to
 * the dead-letter queue saying so, and can be redriven once the effect exists.
 */
export const EFFECTS: Partial<Record<TierMessageKind, TierEffect>> = {
  rollup: rollupEffect,
};
