import type { Role } from '../../shared/roles';
import type { Overrides } from '../../tenants/settings';
import type { Api } from './demo';

/**
 * The site settings of the demo province (政府网站发展指引): the province's filing numbers, shared by the sites of
 * its consolidated platform, and the sites of the province and of 西湖区, in whose site 北山街道 and its villages
 * appear. The numbers are made up for the demo, in the shapes the real ones have. Through the settings API, as a
 * province admin would set them; a unit that has site settings already is left as it is.
 */
const SITES: { unit: string; overrides: Overrides }[] = [
  {
    unit: '330000000000',
    overrides: {
      site: { sponsor: '浙江省人民政府办公厅', siteCode: '3300000099', icp: '浙ICP备00000000号', psb: '浙公网安备 33000002000000号', hostLevel: 'county', markUrl: 'https://bszs.conac.cn/' },
      contact: { phone: '0571-12345', address: '杭州市省府路8号（演示）' },
    },
  },
  {
    unit: '330106000000',
    overrides: {
      site: { sponsor: '杭州市西湖区人民政府办公室', siteCode: '3301060099', markUrl: 'https://bszs.conac.cn/' },
      contact: { phone: '0571-87000000', address: '杭州市西湖区（演示地址）', hours: '工作日 9:00-17:00' },
    },
  },
];

export async function seedDemoSites(as: (role: Role, unit: string) => Promise<Api>, log: (line: string) => void) {
  const api = await as('province-admin', '330000000000');
  for (const { unit, overrides } of SITES) {
    const current = await api<{ v: number; overrides: Overrides }>('GET', `/v1/units/${unit}/settings`);
    if (current.status !== 200) throw new Error(`demo site settings of ${unit}: ${current.status} ${JSON.stringify(current.json)}`);
    if (current.json.overrides.site) continue;
    const put = await api('PUT', `/v1/units/${unit}/settings`, JSON.stringify({ ...current.json.overrides, ...overrides, v: current.json.v }));
    if (put.status !== 200) throw new Error(`demo site settings of ${unit} were refused: ${put.status} ${JSON.stringify(put.json)}`);
  }
  log('demo: site settings of 浙江省 and 西湖区 (政府网站发展指引)');
}
