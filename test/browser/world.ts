import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiClient, DEMO_PROVINCE, DEMO_PROVINCE_ADMIN } from '../../infra/local/demo';
import { seedDemoSites } from '../../infra/local/demo-web';
import { seedServices } from '../../infra/local/demo-services';
import type { Role } from '../../shared/roles';
import { startLocalRuntime, type LocalRuntime } from '../../infra/local/runtime';
import { depsFromEnv } from '../../shared/aws/deps-from-env';
import { bootstrapProvince } from '../../tenants/people';
import { newUnit } from '../../tenants/units';
import { unitItem } from '../../tenants/unit';

/**
 * The local runtime the browser tests and the screenshots visit: the real one (gateway, handlers, emulators, issuer),
 * with a slice of the demo province instead of all 27,036 units, so it is ready in seconds: 浙江省 down to 上保社区,
 * with siblings at every level, and the demo's site settings and service catalogue, set through the API.
 */
export const WORLD = {
  province: DEMO_PROVINCE,
  city: '330100000000',
  county: '330106000000',
  township: '330106002000',
  village: '330106002051',
} as const;

/** Code, name, parent. */
const UNITS: [string, string, string][] = [
  ['330100000000', '杭州市', DEMO_PROVINCE],
  ['330200000000', '宁波市', DEMO_PROVINCE],
  ['330106000000', '西湖区', '330100000000'],
  ['330102000000', '上城区', '330100000000'],
  ['330106002000', '北山街道', '330106000000'],
  ['330106004000', '西溪街道', '330106000000'],
  ['330106002051', '上保社区', '330106002000'],
  ['330106002052', '宝石社区', '330106002000'],
  ['330106002053', '金祝社区', '330106002000'],
  // Adopters in the demo catalogue.
  ['330110000000', '余杭区', '330100000000'],
  ['330212000000', '鄞州区', '330200000000'],
];

export interface World {
  url: string;
  runtime: LocalRuntime;
  stop(): Promise<void>;
}

export async function startWorld(): Promise<World> {
  const dataDir = await mkdtemp(join(tmpdir(), 'govtiers-web-'));
  const runtime = await startLocalRuntime({ dataDir, port: 0, log: () => {} });
  const deps = await depsFromEnv();
  await bootstrapProvince(deps, 'browser-tests', DEMO_PROVINCE, '浙江省', DEMO_PROVINCE_ADMIN);
  const at = deps.now().toISOString();
  await deps.store.putMany('registry', UNITS.map(([code, name, parent]) => unitItem(newUnit(code, name, parent, at))));
  const { token } = await runtime.issuer.mint({ sub: DEMO_PROVINCE_ADMIN, role: 'province-admin', unit: DEMO_PROVINCE });
  const admin = apiClient(runtime.url, token);
  // The demo's unit admins that the catalogue's adoptions need, as the demo makes them.
  for (const unit of [WORLD.city, WORLD.township]) {
    const r = await admin('POST', `/v1/units/${unit}/staff`, JSON.stringify({ sub: `demo-unit-admin-${unit}`, name: '管理员', role: 'unit-admin' }));
    if (r.status !== 201) throw new Error(`unit admin of ${unit}: ${r.status} ${JSON.stringify(r.json)}`);
  }
  const as = async (role: Role, unit: string) =>
    role === 'province-admin' ? admin : apiClient(runtime.url, (await runtime.issuer.mint({ sub: `demo-${role}-${unit}`, role, unit })).token);
  await seedDemoSites(as, () => {});
  await seedServices(() => {}, as);
  return {
    url: runtime.url,
    runtime,
    stop: async () => {
      await runtime.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
