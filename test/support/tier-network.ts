import type { Deps } from '../../shared/deps';
import { LEVELS } from '../../shared/levels';
import type { Store } from '../../shared/store/store';
import type { TierMessage } from '../../shared/tiers/message';
import { OUTBOX_SHARDS, pendingPartition, type OutboxItem } from '../../shared/tiers/outbox';
import { newUnit } from '../../tenants/units';
import { unitItem } from '../../tenants/unit';

/** Every message still pending in a province's outboxes, read through the pending index as the reconciler does. */
export async function pendingMessages(store: Store, province = '33'): Promise<TierMessage[]> {
  const out: TierMessage[] = [];
  for (const table of LEVELS) {
    for (let shard = 0; shard < OUTBOX_SHARDS; shard++) {
      let cursor: string | undefined;
      do {
        const page = await store.query({ table, index: 'gsi1', pk: pendingPartition(province, shard), limit: 200, cursor });
        out.push(...page.items.map((i) => (i as OutboxItem).message));
        cursor = page.cursor;
      } while (cursor);
    }
  }
  return out;
}

/** A chain of 浙江省 units, province to village, and two villages under one township for sibling figures. */
export const CHAIN = {
  province: '330000000000',
  city: '330100000000',
  county: '330102000000',
  township: '330102001000',
  village: '330102001001',
  village2: '330102001002',
} as const;

export async function seedChain(deps: Deps) {
  const at = deps.now().toISOString();
  const parents: [string, string, string | undefined][] = [
    [CHAIN.province, '浙江省', undefined],
    [CHAIN.city, '杭州市', CHAIN.province],
    [CHAIN.county, '上城区', CHAIN.city],
    [CHAIN.township, '清波街道', CHAIN.county],
    [CHAIN.village, '清波门社区', CHAIN.township],
    [CHAIN.village2, '劳动路社区', CHAIN.township],
  ];
  await deps.store.putMany('registry', parents.map(([code, name, parent]) => unitItem(newUnit(code, name, parent, at))));
}
