import type { Deps } from '../../shared/deps';
import { toUnit, unitKey, type Unit } from '../../tenants/unit';

/** The provinces of GB/T 2260; a deployment serves those present in the registry (usually one). */
const PROVINCE_CODES = [
  11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
].map((p) => `${p}0000000000`);

/** The provinces this deployment serves, in code order: one BatchGet, whatever the tree's size. */
export async function provinces(deps: Pick<Deps, 'store'>): Promise<Unit[]> {
  const found = await deps.store.getMany('registry', PROVINCE_CODES.map(unitKey));
  return found.map(toUnit).sort((a, b) => a.code.localeCompare(b.code));
}

/** Key prefixes of the provinces this deployment serves. */
export async function provincePrefixes(deps: Pick<Deps, 'store'>): Promise<string[]> {
  return (await provinces(deps)).map((u) => u.code.slice(0, 2));
}
